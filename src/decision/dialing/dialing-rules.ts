/**
 * The dialing rules (config/dialing.json): time zone, contact policies by
 * campaign (consent regime, weekly cap across channels), industry segments with their calling windows and answer-rate
 * priors, holidays, pacing and how long a callback stays due. Validated
 * with zod, every problem reported with its path.
 */
import { DEFAULT_CALLBACK_TIMING } from '../../core/callback.js';
import { parseConfig, readConfigJson } from '../../core/config-file.js';
import { z } from 'zod';
import { CHANNELS, PURPOSES } from '../../core/events/index.js';
import { canonical, formatter } from '../../core/zone.js';
import { WEEKDAYS } from './local-time.js';

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

const campaignSchema = z.strictObject({
  /**
   * opt-in: a channel without a recorded grant is refused (the Chinese rule
   * for commercial messages reads so); opt-out: allowed until refused.
   */
  policy: z.enum(['opt-in', 'opt-out']),
  /** What the campaign's contacts are for, when a check names no purpose. */
  purpose: z.enum(PURPOSES),
  /** channel: a refusal stops the channel it came on; all: a refusal on any channel stops them all. */
  withdrawal: z.enum(['channel', 'all']),
  /**
   * The weekly cap on marketing touches to one customer, across channels and
   * campaigns (the customer's one contact record): at most `touches` in a
   * rolling window of `days`, and per channel at most `perChannel[channel]`.
   */
  cap: z.strictObject({
    touches: z.number().int().min(1),
    days: z
      .number()
      .int()
      .min(1)
      .max(7, 'at most 7: a CustomerView only carries the last 7 days of touches'),
    perChannel: z.partialRecord(z.enum(CHANNELS), z.number().int().min(0)).default({}),
  }),
  /** Local hours SMS and WeChat messages may go out (calls keep the segments' windows). */
  messageHours: z
    .strictObject({ from: hhmm, to: hhmm })
    .refine((w) => w.from < w.to, { message: 'to must be after from', path: ['to'] }),
});

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
    /**
     * Contact policies by campaign id; `default` serves a request that names
     * no campaign or one not listed.
     */
    campaigns: z
      .record(z.string().min(1), campaignSchema)
      .refine((c) => Object.hasOwn(c, 'default'), 'needs a "default" campaign'),
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
    /**
     * A customer whose answer chance now is below this share of their best
     * chance within their calling windows over the next 24 hours waits for
     * that hour (deferred, not skipped). Absent: nobody waits.
     */
    deferBelow: z.number().gt(0).max(1).optional(),
    /**
     * A customer called (on any campaign) within this many minutes is not
     * offered again, unless a callback they asked for is due: no redial in
     * the same breath, and never one who is on a call now (the dialer's
     * `call.started` counts from the moment the API takes it). Absent: 0.
     */
    redialAfterMinutes: z.number().int().min(0).max(10_080).optional(),
    pacing: pacingSchema,
    /**
     * What POST /dialog/turn does with a call that breaks a rule: enforce
     * refuses it (the bot says goodbye), flag lets it go on; both record
     * and alert the violation (decision/engine/call-gate.ts).
     */
    enforcement: z
      .enum(['enforce', 'flag'], { error: 'must be "enforce" (refuse the call) or "flag"' })
      .default('enforce'),
    /**
     * A callback is offered first from its time to `graceMinutes` after
     * (missed after that); a call from `earlyMinutes` before keeps it.
     */
    callbacks: z
      .strictObject({
        graceMinutes: z.number().int().min(1).max(1440),
        earlyMinutes: z.number().int().min(0).max(120),
      })
      .default(DEFAULT_CALLBACK_TIMING),
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
export type CampaignPolicy = DialingRules['campaigns'][string];

/** The policy of a campaign: its own, else the default. */
export const campaignPolicy = (rules: DialingRules, campaignId?: string | null): CampaignPolicy =>
  campaignId && Object.hasOwn(rules.campaigns, campaignId)
    ? rules.campaigns[campaignId]!
    : rules.campaigns.default!;

/** Validates rules, reporting every problem with its path. */
export function parseDialingRules(raw: unknown, source = 'dialing rules'): DialingRules {
  return parseConfig(dialingRulesSchema, raw, source);
}

/** Reads and validates a JSON rules file such as config/dialing.json. */
export function loadDialingRules(path: string): DialingRules {
  return parseDialingRules(readConfigJson(path), path);
}

/** A CRM industry as the rules and the answer model key it: trimmed, lower case, or 'unknown'. */
export const industryOf = (value: unknown): string =>
  typeof value === 'string' && value.trim() ? value.trim().toLowerCase() : 'unknown';

/**
 * The dialing segment of an industry (as industryOf gives it): the one the
 * rules map it to, else the default. It picks the calling windows and the
 * answer-rate prior; not the customer's script-experiment segment
 * (scripts/choose-line.ts).
 */
export function dialingSegmentOf(
  industry: string,
  rules: Pick<DialingRules, 'industries' | 'defaultSegment'>,
): string {
  return Object.hasOwn(rules.industries, industry)
    ? rules.industries[industry]!
    : rules.defaultSegment;
}
