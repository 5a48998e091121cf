/**
 * Whom the dialer may call now, in what order and how fast.
 *
 * - Hard rules (never traded against a score): do-not-call, consent, at most
 *   N attempts per rolling window, calling windows in the customer's own
 *   time zone.
 * - The chance a call is answered at a local hour, a Beta posterior per
 *   industry × weekday/weekend × hour, starting from configured priors.
 * - The ranking of eligible customers and the pacing ratio of the dialer.
 *
 * All of it is pure functions over plain JSON data; the API keeps the answer
 * model and pacer state and passes them in. Rules come from
 * config/dialing.json.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DialwiseError } from '../core/errors.js';
import type { CustomerView } from './types.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Indexed like Date#getUTCDay(). */
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** How far ahead nextWindowStart looks (covers the longest holiday runs). */
const LOOKAHEAD_DAYS = 31;
/** Pacer counts are kept per 10 seconds; the window edge is that coarse. */
const BUCKET_MS = 10_000;

// ---------------------------------------------------------------- config

const hhmm = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a local time HH:MM from 00:00 to 24:00')
  .transform((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3)));

const windowSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1, 'list at least one day'),
    /** Local time the window opens (inclusive), minutes after midnight once parsed. */
    from: hhmm,
    /** Local time it closes (exclusive); a window does not cross midnight. */
    to: hhmm,
  })
  .refine((w) => w.from < w.to, { message: 'to must be after from', path: ['to'] });

const hourly = z
  .array(z.number().gt(0).lt(1))
  .length(24, 'needs 24 answer rates, one per local hour 0..23');

const pacingSchema = z
  .strictObject({
    /** The sliding window the abandon rate is measured over. */
    windowMinutes: z.number().int().min(1).max(60),
    /** Abandoned / answered above this slows the dialer down (0.03 = 3%). */
    maxAbandonRate: z.number().gt(0).lt(1),
    /** Lines dialled per free agent, bounds and starting value. */
    minRatio: z.number().min(1),
    maxRatio: z.number().min(1),
    initialRatio: z.number().min(1),
    /** Multiplies the ratio at a step over the limit. */
    decreaseFactor: z.number().gt(0).lt(1),
    /** Added to the ratio at a step under the limit. */
    increaseStep: z.number().positive(),
    /** At most one adjustment this often. */
    adjustEverySeconds: z.number().int().min(1),
    /** Answered calls the window needs before the rate is trusted. */
    minAnswered: z.number().int().min(1),
  })
  .refine((p) => p.minRatio <= p.initialRatio && p.initialRatio <= p.maxRatio, {
    message: 'need minRatio <= initialRatio <= maxRatio',
    path: ['initialRatio'],
  });

export const dialingRulesSchema = z
  .strictObject({
    /** Used when a customer's crm.timezone is missing or not an IANA zone. */
    timezone: z.string(),
    frequencyCap: z.strictObject({
      maxAttempts: z.number().int().min(1),
      /** Rolling window: an attempt counts while now - attempt < days × 24 h. */
      days: z
        .number()
        .int()
        .min(1)
        .max(7, 'at most 7: a CustomerView only carries the last 7 days of attempts'),
    }),
    consent: z.strictObject({
      /**
       * Consent keys that govern sales calls (consent.changed scopes call and
       * all, or a purpose such as marketing_calls). Any of them false blocks.
       */
      scopes: z.array(z.string().min(1)).min(1),
      /** When none of the scopes is recorded: allow (opt-out regime) or deny (opt-in). */
      missing: z.enum(['allow', 'deny']),
    }),
    /** crm.industry (lower case) → segment; others get defaultSegment. */
    industries: z.record(z.string(), z.string()),
    defaultSegment: z.string(),
    segments: z.record(
      z.string(),
      z.strictObject({
        windows: z.array(windowSchema),
        /** Prior answer rate per local hour 0..23. */
        answerPrior: z.strictObject({ weekday: hourly, weekend: hourly }),
      }),
    ),
    /** Local dates without calls, per IANA time zone of the customer (optional). */
    holidays: z.record(z.string(), z.array(z.iso.date())).optional(),
    /** How many calls' worth of evidence an answer-rate prior counts for. */
    answerPriorWeight: z.number().positive(),
    pacing: pacingSchema,
  })
  .superRefine((r, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (!formatter(r.timezone)) issue(['timezone'], 'must be an IANA time zone like Asia/Shanghai');
    for (const zone of Object.keys(r.holidays ?? {})) {
      if (!formatter(zone)) issue(['holidays', zone], 'key must be an IANA time zone');
    }
    const segments = Object.keys(r.segments);
    const known = (s: string) => Object.hasOwn(r.segments, s);
    if (!known(r.defaultSegment)) {
      issue(['defaultSegment'], `unknown segment; segments: ${segments.join(', ')}`);
    }
    for (const [industry, segment] of Object.entries(r.industries)) {
      if (industry !== industry.toLowerCase()) issue(['industries', industry], 'use lower case');
      if (!known(segment)) {
        issue(['industries', industry], `unknown segment "${segment}"; segments: ${segments}`);
      }
    }
  })
  // Zones compare by their canonical name (asia/shanghai, US/Eastern and
  // America/New_York resolve alike), as the customer's zone does.
  .transform((r) => {
    const holidays: Record<string, string[]> = {};
    for (const [zone, dates] of Object.entries(r.holidays ?? {})) {
      const key = canonical(zone)!;
      holidays[key] = [...(holidays[key] ?? []), ...dates];
    }
    return { ...r, timezone: canonical(r.timezone)!, holidays };
  });

/** The config as written (times as "HH:MM"). */
export type DialingConfig = z.input<typeof dialingRulesSchema>;
/** The parsed rules (times as minutes after local midnight). */
export type DialingRules = z.output<typeof dialingRulesSchema>;
export type PacingConfig = DialingRules['pacing'];

/** Validates rules, reporting every problem with its path. */
export function parseDialingRules(raw: unknown, source = 'dialing rules'): DialingRules {
  const r = dialingRulesSchema.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new DialwiseError('CONFIG_INVALID', `invalid ${source}:\n  - ${problems.join('\n  - ')}`);
}

/** Reads and validates a JSON rules file such as config/dialing.json. */
export function loadDialingRules(path: string): DialingRules {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DialwiseError('CONFIG_INVALID', `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseDialingRules(raw, path);
}

// ------------------------------------------------------------ local time

// One formatter per valid zone; an invalid zone is not cached, so the cache
// stays bounded by the IANA list whatever the CRM sends.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return null;
    }
    formatters.set(zone, f);
  }
  return f;
}

const canonical = (zone: string): string | undefined => formatter(zone)?.resolvedOptions().timeZone;

/**
 * The wall clock at instant `ms` in the formatter's zone, written as the
 * UTC instant that shows the same clock: calendar arithmetic on it (day,
 * weekday, minutes) needs no zone, and wallOf(ms) - ms is the UTC offset.
 */
function wallOf(ms: number, f: Intl.DateTimeFormat): number {
  const p: Record<string, number> = {};
  for (const { type, value } of f.formatToParts(ms)) p[type] = Number(value);
  const at = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second);
  return at + (ms % 1000);
}

/**
 * The first instant whose wall clock reads `wall` or later. Where clocks go
 * back the earlier of the two matching instants; where they jump forward
 * over `wall` (a DST gap), the instant of the jump.
 */
function instantOf(wall: number, f: Intl.DateTimeFormat): number {
  // The offsets a day either side: at most one DST change lies between.
  const early = wall - (wallOf(wall - DAY, f) - (wall - DAY));
  const late = wall - (wallOf(wall + DAY, f) - (wall + DAY));
  const hits = [early, late].filter((x) => wallOf(x, f) === wall);
  if (hits.length) return Math.min(...hits);
  // In a gap the clock reads before `wall` at `late` and after it at `early`.
  let lo = Math.min(early, late);
  let hi = Math.max(early, late);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (wallOf(mid, f) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface LocalTime {
  /** The IANA zone used (the default one when the customer's was unusable). */
  timeZone: string;
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  hour: number;
  minute: number;
}

/** The customer's zone: crm.timezone when it is a valid IANA name, else the default. */
function zoneOf(customer: Pick<CustomerView, 'crm'>, rules: DialingRules): string {
  const tz = customer.crm.timezone;
  return (typeof tz === 'string' && canonical(tz)) || rules.timezone;
}

function toLocal(wall: number, timeZone: string): LocalTime {
  const d = new Date(wall);
  return {
    timeZone,
    date: d.toISOString().slice(0, 10),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

/** The customer's local time at `at` (for observe and pAnswer). */
export function localTimeOf(
  customer: Pick<CustomerView, 'crm'>,
  at: Date,
  rules: DialingRules,
): LocalTime {
  const zone = zoneOf(customer, rules);
  return toLocal(wallOf(at.getTime(), formatter(zone)!), zone);
}

// ------------------------------------------------------------ eligibility

export type IneligibleReason = 'do_not_call' | 'no_consent' | 'frequency_cap' | 'outside_window';
export type Eligibility = { ok: true } | { ok: false; reason: IneligibleReason; detail: string };

const industryOf = (value: unknown): string =>
  typeof value === 'string' && value.trim() ? value.trim().toLowerCase() : 'unknown';

function segmentOf(industry: string, rules: DialingRules): string {
  return Object.hasOwn(rules.industries, industry)
    ? rules.industries[industry]!
    : rules.defaultSegment;
}

function consentProblem(customer: CustomerView, rules: DialingRules): string | null {
  const { scopes, missing } = rules.consent;
  const revoked = scopes.filter((s) => customer.consent[s] === false);
  if (revoked.length) return `consent revoked: ${revoked.join(', ')}`;
  if (missing === 'deny' && !scopes.some((s) => customer.consent[s] === true)) {
    return `no consent recorded for ${scopes.join(' / ')} (policy: deny)`;
  }
  return null;
}

/**
 * Start times (ms, ascending) of the attempts that count against the cap at
 * `now`: those with now - attempt < days × 24 h. An attempt exactly that old
 * no longer counts. A time that does not parse counts and never ages out:
 * the cap fails closed on bad data.
 */
function countedAttempts(customer: CustomerView, now: number, rules: DialingRules): number[] {
  const span = rules.frequencyCap.days * DAY;
  return customer.contactAttempts
    .map((iso) => Date.parse(iso))
    .map((t) => (Number.isNaN(t) ? Infinity : t))
    .filter((t) => now - t < span)
    .sort((a, b) => a - b);
}

/** When enough counted attempts have aged out for one more call (Infinity: never). */
function capFreesAt(counted: number[], rules: DialingRules): number {
  const { maxAttempts, days } = rules.frequencyCap;
  return counted[counted.length - maxAttempts]! + days * DAY;
}

/** Why the wall clock is outside the segment's calling windows; null when inside. */
function windowProblem(wall: number, zone: string, segment: string, rules: DialingRules) {
  const local = toLocal(wall, zone);
  const clock = `${local.date} (${WEEKDAYS[local.weekday]}) ${new Date(wall).toISOString().slice(11, 16)} ${zone}`;
  if (rules.holidays[zone]?.includes(local.date)) return `${clock}: public holiday`;
  const minute = local.hour * 60 + local.minute;
  const open = rules.segments[segment]!.windows.some(
    (w) => w.days.includes(WEEKDAYS[local.weekday]!) && w.from <= minute && minute < w.to,
  );
  return open ? null : `${clock}: outside the ${segment} calling windows`;
}

/**
 * Whether the customer may be called at `now`. Checks in this order and
 * reports the first failure: do-not-call, consent, frequency cap, calling
 * window (in the customer's time zone, holidays included). Everything is
 * read from the CustomerView passed in, so a consent change reaches the
 * very next decision.
 */
export function eligibility(customer: CustomerView, now: Date, rules: DialingRules): Eligibility {
  const no = (reason: IneligibleReason, detail: string): Eligibility => ({
    ok: false,
    reason,
    detail,
  });
  if (customer.doNotCall) return no('do_not_call', 'on the do-not-call list');
  const consent = consentProblem(customer, rules);
  if (consent) return no('no_consent', consent);
  const t = now.getTime();
  const counted = countedAttempts(customer, t, rules);
  const { maxAttempts, days } = rules.frequencyCap;
  if (counted.length >= maxAttempts) {
    const free = capFreesAt(counted, rules);
    const when = Number.isFinite(free) ? new Date(free).toISOString() : 'never (bad attempt time)';
    return no(
      'frequency_cap',
      `${counted.length} attempts in the last ${days} days (limit ${maxAttempts}); the cap frees up at ${when}`,
    );
  }
  const zone = zoneOf(customer, rules);
  const segment = segmentOf(industryOf(customer.crm.industry), rules);
  const problem = windowProblem(wallOf(t, formatter(zone)!), zone, segment, rules);
  if (problem) {
    const tz = customer.crm.timezone;
    const fellBack = tz != null && !(typeof tz === 'string' && formatter(tz));
    return no('outside_window', fellBack ? `${problem} (crm timezone "${tz}" unusable)` : problem);
  }
  return { ok: true };
}

/**
 * The earliest instant from `now` at which eligibility() would say ok if
 * nothing else changes (no new attempts, no consent change): `now` when the
 * customer is eligible, else the later of the cap freeing up and the next
 * calling window opening. null when the customer may not be called at all
 * (do-not-call, no consent) or nothing opens within 31 days.
 */
export function nextWindowStart(
  customer: CustomerView,
  now: Date,
  rules: DialingRules,
): Date | null {
  if (customer.doNotCall || consentProblem(customer, rules)) return null;
  const counted = countedAttempts(customer, now.getTime(), rules);
  const from =
    counted.length >= rules.frequencyCap.maxAttempts
      ? Math.max(now.getTime(), capFreesAt(counted, rules))
      : now.getTime();
  if (!Number.isFinite(from)) return null;
  const zone = zoneOf(customer, rules);
  const f = formatter(zone)!;
  const segment = segmentOf(industryOf(customer.crm.industry), rules);
  if (!windowProblem(wallOf(from, f), zone, segment, rules)) return new Date(from);
  const windows = [...rules.segments[segment]!.windows].sort((a, b) => a.from - b.from);
  const firstDay = Math.floor(wallOf(from, f) / DAY) * DAY;
  for (let day = firstDay; day <= firstDay + LOOKAHEAD_DAYS * DAY; day += DAY) {
    const date = new Date(day).toISOString().slice(0, 10);
    if (rules.holidays[zone]?.includes(date)) continue;
    const weekday = WEEKDAYS[new Date(day).getUTCDay()]!;
    for (const w of windows) {
      if (!w.days.includes(weekday)) continue;
      const start = Math.max(instantOf(day + w.from * MINUTE, f), from);
      if (start < instantOf(day + w.to * MINUTE, f)) return new Date(start);
    }
  }
  return null;
}

// ----------------------------------------------------------- answer model

/**
 * P(answer) per industry × weekday/weekend × local hour as a Beta
 * posterior: the configured prior rate p of the industry's segment counts
 * as `priorWeight` calls (p·w answered, (1-p)·w not), observations add to
 * it. Plain JSON; persist `counts` and rebuild the rest from the rules.
 */
export interface AnswerModel {
  priorWeight: number;
  /** industry → segment, as in the rules. */
  industries: Record<string, string>;
  defaultSegment: string;
  /** Prior answer rate per segment and local hour 0..23. */
  priors: Record<string, { weekday: number[]; weekend: number[] }>;
  /** Observed calls per "industry|weekday|hour" or "industry|weekend|hour". */
  counts: Record<string, { answered: number; unanswered: number }>;
}

/** A model with the rules' priors and, optionally, counts learned before. */
export function newAnswerModel(
  rules: DialingRules,
  counts: AnswerModel['counts'] = {},
): AnswerModel {
  return {
    priorWeight: rules.answerPriorWeight,
    industries: rules.industries,
    defaultSegment: rules.defaultSegment,
    priors: Object.fromEntries(
      Object.entries(rules.segments).map(([name, s]) => [name, s.answerPrior]),
    ),
    counts,
  };
}

type HourOfWeek = Pick<LocalTime, 'weekday' | 'hour'>;

const dayType = (t: HourOfWeek) => (t.weekday === 0 || t.weekday === 6 ? 'weekend' : 'weekday');
const cellOf = (industry: string, t: HourOfWeek) => `${industry}|${dayType(t)}|${t.hour}`;

/** The model with one more call placed at local time `at` counted. */
export function observe(
  model: AnswerModel,
  industry: string | null | undefined,
  at: HourOfWeek,
  answered: boolean,
): AnswerModel {
  const key = cellOf(industryOf(industry), at);
  const c = model.counts[key] ?? { answered: 0, unanswered: 0 };
  const next = answered
    ? { ...c, answered: c.answered + 1 }
    : { ...c, unanswered: c.unanswered + 1 };
  return { ...model, counts: { ...model.counts, [key]: next } };
}

/** Posterior mean chance that a call placed at local time `at` is answered. */
export function pAnswer(
  model: AnswerModel,
  industry: string | null | undefined,
  at: HourOfWeek,
): number {
  const name = industryOf(industry);
  const segment = Object.hasOwn(model.industries, name)
    ? model.industries[name]!
    : model.defaultSegment;
  const prior = model.priors[segment]![dayType(at)][at.hour]!;
  const c = model.counts[cellOf(name, at)] ?? { answered: 0, unanswered: 0 };
  const w = model.priorWeight;
  return (prior * w + c.answered) / (w + c.answered + c.unanswered);
}

// ----------------------------------------------------------------- ranking

export interface RankedCustomer {
  customerId: string;
  /** intentScore × pAnswer: the chance this dial reaches a buyer. */
  score: number;
  pAnswer: number;
  intentScore: number;
}

export interface Ranking {
  /** Best first, at most `limit`. */
  next: RankedCustomer[];
  /** Candidates left out, by the first rule they failed (for metrics). */
  skipped: Record<IneligibleReason, number>;
}

/**
 * The eligible candidates best first. score = intentScore × pAnswer now:
 * a likely buyer who will not pick up at this hour waits for a better one.
 * Equal scores go to the customer with fewer counted attempts, then by id so
 * the order is stable.
 */
export function rankNext(
  candidates: readonly CustomerView[],
  now: Date,
  rules: DialingRules,
  answerModel: AnswerModel,
  limit: number,
): Ranking {
  const skipped: Record<IneligibleReason, number> = {
    do_not_call: 0,
    no_consent: 0,
    frequency_cap: 0,
    outside_window: 0,
  };
  const rows: { ranked: RankedCustomer; attempts: number }[] = [];
  for (const c of candidates) {
    const e = eligibility(c, now, rules);
    if (!e.ok) {
      skipped[e.reason] += 1;
      continue;
    }
    const intentScore = Number.isFinite(c.intentScore)
      ? Math.min(1, Math.max(0, c.intentScore))
      : 0;
    const industry = typeof c.crm.industry === 'string' ? c.crm.industry : null;
    const p = pAnswer(answerModel, industry, localTimeOf(c, now, rules));
    rows.push({
      ranked: { customerId: c.customerId, score: intentScore * p, pAnswer: p, intentScore },
      attempts: countedAttempts(c, now.getTime(), rules).length,
    });
  }
  rows.sort(
    (a, b) =>
      b.ranked.score - a.ranked.score ||
      a.attempts - b.attempts ||
      (a.ranked.customerId < b.ranked.customerId ? -1 : 1),
  );
  return { next: rows.slice(0, Math.max(0, limit)).map((r) => r.ranked), skipped };
}

// ------------------------------------------------------------------ pacing

/**
 * How a dial ended for pacing: not answered; answered and handed to a bot or
 * agent; or abandoned, answered with no bot or agent free within 2 s (the
 * dialer measures that and reports the outcome).
 */
export type AttemptOutcome = 'unanswered' | 'connected' | 'abandoned';

export interface PacerBucket {
  /** Epoch ms the 10-second bucket starts. */
  start: number;
  unanswered: number;
  connected: number;
  abandoned: number;
}

export interface PacerState {
  /** Lines dialled per free agent, before clamping to the config bounds. */
  ratio: number;
  /** Epoch ms of the last adjustment. */
  adjustedAt: number | null;
  /** Attempt counts of the sliding window, oldest first. */
  buckets: PacerBucket[];
}

export const newPacer = (config: PacingConfig): PacerState => ({
  ratio: config.initialRatio,
  adjustedAt: null,
  buckets: [],
});

/** abandoned / answered over the window; null while fewer than minAnswered answered. */
export function abandonRate(state: PacerState, config: PacingConfig): number | null {
  let answered = 0;
  let abandoned = 0;
  for (const b of state.buckets) {
    answered += b.connected + b.abandoned;
    abandoned += b.abandoned;
  }
  return answered >= config.minAnswered ? abandoned / answered : null;
}

/**
 * Counts an attempt, drops what left the window, and at most once per
 * adjustEverySeconds adjusts the ratio: above maxAbandonRate it is
 * multiplied by decreaseFactor (fast slow-down), otherwise increaseStep is
 * added (slow recovery), within [minRatio, maxRatio]. While abandons stay in
 * the window every step keeps slowing down. A report older than the newest
 * bucket counts in the newest.
 */
export function recordAttempt(
  state: PacerState,
  now: Date,
  outcome: AttemptOutcome,
  config: PacingConfig,
): PacerState {
  const t = now.getTime();
  const edge = t - config.windowMinutes * MINUTE;
  const buckets = state.buckets.filter((b) => b.start + BUCKET_MS > edge);
  const last = buckets.at(-1);
  const start = Math.floor(t / BUCKET_MS) * BUCKET_MS;
  if (last && last.start >= start)
    buckets[buckets.length - 1] = { ...last, [outcome]: last[outcome] + 1 };
  else buckets.push({ start, unanswered: 0, connected: 0, abandoned: 0, [outcome]: 1 });
  const next = { ...state, buckets };
  if (state.adjustedAt !== null && t - state.adjustedAt < config.adjustEverySeconds * 1000) {
    return next;
  }
  const rate = abandonRate(next, config);
  if (rate === null) return next;
  const ratio =
    rate > config.maxAbandonRate
      ? Math.max(config.minRatio, state.ratio * config.decreaseFactor)
      : Math.min(config.maxRatio, state.ratio + config.increaseStep);
  return { ...next, ratio, adjustedAt: t };
}

/** Lines to dial per free agent now. */
export function pacingRatio(state: PacerState, config: PacingConfig): number {
  return Math.min(config.maxRatio, Math.max(config.minRatio, state.ratio));
}
