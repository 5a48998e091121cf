// How stored and live objects look in GraphQL: plain mappings, no I/O.
import { z } from 'zod';
import type { CallSummary, FlaggedCall } from '../../analytics/records/index.js';
import type { FilterDimension, KpiFilter, TouchFilter } from '../../analytics/kpis/index.js';
import { consentStates, type ConsentLedger } from '../../core/contact-record.js';
import { DialwiseError } from '../../core/errors.js';
import type { VariantReport } from '../../decision/index.js';
import { contactsInWeek, type Profile } from '../../pipelines/index.js';

export const fields = (o: Record<string, unknown>) =>
  Object.entries(o).map(([key, v]) => ({
    key,
    value: v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v),
  }));
const counts = (o: Record<string, number>) =>
  Object.entries(o).map(([key, count]) => ({ key, count }));

/** Keeps the first 3 and last 4 digits: enough to recognise, not to dial. */
export const maskPhone = (phone: string): string => {
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 7
    ? '*'.repeat(digits.length)
    : `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
};

/** The profile as GraphQL shows it; `profile` rides along for the field resolvers (phone, name, calls). */
export function customerView(p: Profile, nowMs: number) {
  return {
    profile: p,
    customerId: p.customer_id,
    phoneMasked: p.phone === null ? null : maskPhone(p.phone),
    tags: p.tags,
    intentScore: p.intent_score,
    calls: p.calls,
    answered: p.answered,
    contacts7d: contactsInWeek(p, nowMs),
    lastCallAt: p.last_call_at,
    webVisits: p.web_visits,
    lastVisitAt: p.last_visit_at,
    crm: fields(p.crm),
    crmUnmapped: fields(p.crm_unmapped),
    consent: consentView(p.consent),
    intents: counts(p.intents),
    objections: counts(p.objections),
    facts: Object.entries(p.facts).map(([key, f]) => ({ key, value: f.value })),
    valence: p.valence,
    openCalls: Object.keys(p.open_calls).length,
  };
}
export type CustomerView = ReturnType<typeof customerView>;

/** Each channel and purpose with a recorded state (marketing first): the ledger as it reads now. */
export const consentView = (ledger: ConsentLedger) =>
  consentStates(ledger)
    .filter((c) => c.state !== 'unknown')
    .map(({ channel: scope, purpose, state, mark }) => ({
      scope,
      purpose,
      state,
      granted: state === 'granted',
      at: mark?.ts ?? null,
    }));

export const callSummaryView = (c: CallSummary) => ({
  callId: c.call_id,
  startedAt: c.started_at,
  campaign: c.campaign_id,
  productLine: c.product_line,
  scriptVersion: c.script_version,
  handledBy: c.handled_by,
  answered: c.answered,
  outcome: c.outcome,
  durationSeconds: c.duration_s,
  intentScore: c.intent_score,
  complianceHits: c.compliance_hits,
});

export const flaggedView = (c: FlaggedCall) => ({
  callId: c.call_id,
  customerId: c.customer_id,
  startedAt: c.started_at,
  region: c.region,
  productLine: c.product_line,
  campaign: c.campaign_id,
  scriptVersion: c.script_version,
  handledBy: c.handled_by,
  outcome: c.outcome,
  hits: c.hits,
  risk: c.risk,
  rules: c.rules,
});

export const variantView = ({ upliftVsControl: u, ...v }: VariantReport) => ({
  ...v,
  uplift: u.mean,
  upliftLo95: u.lo95,
  upliftHi95: u.hi95,
});

/** The variant most likely best, once any has had a trial. */
export const leaderOf = (variants: VariantReport[]): string | null =>
  variants.some((v) => v.trials > 0)
    ? variants.reduce((a, b) => (b.pBest > a.pBest ? b : a)).variant
    : null;

export interface KpiArgs {
  from?: string | null;
  to?: string | null;
  timeZone?: string | null;
  where?: {
    region?: string | null;
    productLine?: string | null;
    scriptVersion?: string | null;
    campaign?: string | null;
    handledBy?: string | null;
  } | null;
}

const WHERE_FIELDS: Record<keyof NonNullable<KpiArgs['where']>, FilterDimension> = {
  region: 'REGION',
  productLine: 'PRODUCT_LINE',
  scriptVersion: 'SCRIPT_VERSION',
  campaign: 'CAMPAIGN',
  handledBy: 'HANDLED_BY',
};

const isoTime = z.iso.datetime({ offset: true });

/** GraphQL's KPI arguments as the analytics filter; a 400 names a bad time. */
export function kpiFilter(a: KpiArgs): KpiFilter {
  for (const [k, v] of Object.entries({ from: a.from, to: a.to }))
    if (v && !isoTime.safeParse(v).success)
      throw new DialwiseError('BAD_REQUEST', `${k} must be an ISO 8601 time, got ${v}`);
  const where = Object.fromEntries(
    Object.entries(a.where ?? {})
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [WHERE_FIELDS[k as keyof typeof WHERE_FIELDS], v]),
  );
  return { from: a.from, to: a.to, where };
}

/** The longest range touchesByChannel reads (touches are kept a year by default). */
export const MAX_TOUCH_DAYS = 400;

/**
 * touchesByChannel's arguments as the analytics filter: `to` now when
 * absent; a longer range than MAX_TOUCH_DAYS cut to the days before `to`;
 * `from` after `to` an empty range.
 */
export function touchFilter(
  a: { from: string; to?: string | null; campaign?: string | null },
  nowMs: number,
): TouchFilter {
  kpiFilter(a);
  const to = a.to ?? new Date(nowMs).toISOString();
  const span = Date.parse(to) - Date.parse(a.from);
  const from =
    span < 0
      ? to
      : span > MAX_TOUCH_DAYS * 86_400_000
        ? new Date(Date.parse(to) - MAX_TOUCH_DAYS * 86_400_000).toISOString()
        : a.from;
  return { from, to, campaign: a.campaign };
}

/** A page size held to 1..max (`fallback` when absent), as the schema's descriptions say. */
export const pageSize = (limit: number | null | undefined, fallback: number, max: number) =>
  Math.min(Math.max(limit ?? fallback, 1), max);
