import type { Clock } from '../core/clock.js';
import type { FieldCipher } from '../core/crypto.js';
import type { DialwiseEvent } from '../core/events/index.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import type { DncRegister } from '../analytics/records/index.js';
import type {
  ContactView,
  CustomerView,
  DecisionDeps,
  DecisionRecord,
  DialingViolation,
  EngineRecord,
  GenerationPolicy,
  RankingView,
  RowShip,
} from '../decision/index.js';
import type { ServedModels } from '../models/champions.js';
import type { ComplianceHit } from '../models/types.js';
import { type Enricher, customerHistory, intentScoreAt, type Profile } from '../pipelines/index.js';

// What the decision engine reads of the pipeline's customers, and which of them it ranks.

export type DecisionLayerDeps = {
  /** Generated lines where a model is configured (app/generation.ts): where and how; absent: templates only. */
  generation?:
    { generate: NonNullable<DecisionDeps['generate']>; policy: GenerationPolicy } | undefined;
  store: Store;
  enricher: Enricher;
  dnc: DncRegister;
  models: () => ServedModels;
  checkBotLine: (text: string) => ComplianceHit[];
  /** The rules on agents' turns and their compliant wordings (live agent assist). */
  agentLines: NonNullable<DecisionDeps['agentLines']>;
  emit: (events: DialwiseEvent[]) => void;
  /** Brings customers' profiles into memory (undefined: they are there). */
  ensure: (ids: readonly string[]) => Promise<void> | undefined;
  logger: Logger;
  clock: Clock;
  cipher: FieldCipher;
  /**
   * Decision replicas: live calls are recorded here (the replicas' shared
   * changelog) rather than in this process's journal; their ends in both.
   */
  sessions?: { record(r: EngineRecord): void };
  /** Decision replicas: the decision log and violations go to the loader rather than this store. */
  ship?: { decisions: RowShip<DecisionRecord>; violations: RowShip<DialingViolation> };
};

/** What the engine sees of customers: the enricher's profiles with the do-not-call register. */
export function engineViews({ enricher, dnc }: DecisionLayerDeps) {
  return {
    customer: (id: string, now: number) => customerView(enricher.profile(id, now), id, now, dnc),
    contact: (id: string) => contactView(enricher.profiles.get(id), id, dnc),
    crm: (id: string) => enricher.profiles.get(id)?.crm ?? {},
    candidates: (now: number) => candidates(enricher, dnc, now),
  };
}

const NEW_CUSTOMER: Omit<CustomerView, 'customerId'> = {
  tags: [],
  intentScore: 0,
  crm: {},
  consent: {},
  doNotCall: false,
  dncListed: null,
  touches: [],
  outcomes: {},
  facts: {},
  history: { recentPricingVisit: false, webVisits: 0, priorConversions: 0, complaints: 0 },
};

/**
 * What a contact check reads of a live profile: the contact record, the CRM
 * fields and the do-not-call marks (the phone only to look it up on the
 * register). No tags, no scores: a check is asked thousands of times a second.
 */
export function contactView(
  p: Profile | undefined,
  customerId: string,
  dnc?: Pick<DncRegister, 'match'>,
): ContactView {
  if (!p) return { customerId, ...NEW_CUSTOMER };
  return {
    customerId,
    crm: p.crm,
    consent: p.consent,
    doNotCall: p.crm.do_not_call === true,
    dncListed: dnc?.match(p.phone) ?? null,
    touches: p.touches,
  };
}

/**
 * What the decision layer reads of a live profile (personal data left out;
 * the phone only to look it up on the do-not-call register).
 */
export function customerView(
  p: Profile | undefined,
  customerId: string,
  nowMs: number,
  dnc?: Pick<DncRegister, 'match'>,
): CustomerView {
  if (!p) return { customerId, ...NEW_CUSTOMER };
  return {
    ...contactView(p, customerId, dnc),
    tags: p.tags,
    intentScore: intentScoreAt(p, nowMs),
    outcomes: p.outcomes,
    facts: Object.fromEntries(Object.entries(p.facts).map(([k, f]) => [k, f.value])),
    history: customerHistory(p, nowMs),
    callback: p.callback,
  };
}

/**
 * What ranking reads of a profile: the contact record, the intent score now,
 * the callback; tags as the pipeline last refreshed them. A ranking reads
 * thousands of customers a minute, so the view is one plain literal of
 * contactView's fields and the rest: built with an object spread and the
 * customer's history it was most of /dialer/next's time (profiled).
 */
const rankingView = (p: Profile, nowMs: number, dnc: DncRegister): RankingView => ({
  customerId: p.customer_id,
  crm: p.crm,
  consent: p.consent,
  doNotCall: p.crm.do_not_call === true,
  dncListed: dnc.match(p.phone),
  touches: p.touches,
  tags: p.tags,
  intentScore: intentScoreAt(p, nowMs),
  callback: p.callback,
});

/** Profiles ranked for /dialer/next besides those awaiting a callback: the most promising, at most this many. */
const MAX_CANDIDATES = 5_000;

/**
 * Whom /dialer/next ranks: every customer awaiting a callback (a promise
 * kept outranks any score), then the most promising of the rest.
 */
function* candidates(enricher: Enricher, dnc: DncRegister, now: number) {
  const rest: Profile[] = [];
  for (const p of enricher.profiles.values()) {
    if (p.callback) yield rankingView(p, now, dnc);
    else rest.push(p);
  }
  rest.sort((a, b) => b.intent_score - a.intent_score);
  for (const p of rest.slice(0, MAX_CANDIDATES)) yield rankingView(p, now, dnc);
}

/**
 * Once profiles have left memory, the most promising of those stored are
 * brought back and kept there (pinned), so /dialer/next ranks them with the
 * rest; read again every `everyMs`.
 */
export function pinCandidates(
  { store, enricher, ensure, clock, logger }: DecisionLayerDeps,
  everyMs: number,
) {
  const read = async () => {
    // While every stored profile is in memory, all are ranked already.
    if (enricher.profiles.complete) return;
    const rows = await store.query<{ customer_id: string }>(
      `SELECT customer_id FROM profiles ORDER BY intent_score DESC LIMIT ${MAX_CANDIDATES}`,
    );
    const ids = rows.map((r) => r.customer_id);
    await ensure(ids);
    enricher.pinned = new Set(ids);
  };
  // A round due while one runs (a virtual clock moved far at once) is skipped.
  let round: Promise<void> | undefined;
  const refresh = () =>
    (round ??= read()
      .catch((err: unknown) =>
        logger.log('error', 'candidates not read from the store', { err: String(err) }),
      )
      .finally(() => (round = undefined)));
  const ready = refresh();
  return { ready, stop: clock.every(everyMs, () => void refresh()) };
}
