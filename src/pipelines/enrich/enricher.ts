import {
  callbackOfTurn,
  DEFAULT_CALLBACK_TIMING,
  type CallbackTiming,
} from '../../core/callback.js';
import type { DialwiseEvent, EventOf, EventType } from '../../core/events/index.js';
import { NEGATIVE_INTENTS, POSITIVE_INTENTS } from '../../models/propensity.js';
import { fuseEmotion } from '../../models/emotion-fusion.js';
import type { OptOut } from '../../models/opt-out/index.js';
import { newCallSignals, observeCustomerTurn } from '../../models/propensity-features.js';
import type { ServedModels } from '../../models/champions.js';
import { callIntentScore } from '../../models/propensity-model.js';
import { voiceImpatience } from '../../models/prosody/baseline.js';
import type { EmotionResult, IntentResult } from '../../models/types.js';
import {
  applyCallScore,
  applyCustomerTurn,
  applyCustomerUpdate,
  applyWebVisit,
  bump,
  customerHistory,
  idHash,
  max,
  newCall,
  newProfile,
  profileView,
  type CallState,
  type Profile,
} from './profile.js';
import {
  callKey,
  emptyChanges,
  hitRow,
  turnRow,
  type Changes,
  type TouchEvent,
} from './changes.js';
import type { CrmMapping } from './crm-mapping.js';
import { keepCallback, missCallback, scheduleCallback } from './callbacks.js';
import { addTouch, applyConsent, applyTouch, optOutConsent } from './contact.js';
import { eraseCustomer } from './erasure.js';
import { evaluateTags, type TagRules } from './tags.js';
import { ProfileCache } from './profile-cache.js';

export interface EnricherOptions extends ServedModels {
  tagRules: TagRules;
  /** Event ids remembered per customer for dedupe. */
  dedupeWindow: number;
  /** Profiles kept in memory when the store can give back the rest (unbounded if absent). */
  profilesInMemory?: number;
  /** Events older than the customer's newest by more than this count as late. */
  latenessMs: number;
  /** Event times further in the future than this are clamped to arrival time. */
  maxSkewMs: number;
  /** When a call keeps a callback and when it is missed (config/dialing.json); the defaults if absent. */
  callbacks?: CallbackTiming;
  /** The CRM mapping whose `values` table canonicalises `customer.updated` fields (零售 → retail). */
  crmMapping?: CrmMapping;
}

const CLOSED_CALLS_KEPT = 16;

/** What the models made of a customer turn, worked out for the whole batch at once. */
interface Understood {
  intent: IntentResult;
  emotion: EmotionResult;
  optOut: OptOut;
}

const zoneOf = (p: Profile): string | undefined =>
  typeof p.crm.timezone === 'string' ? p.crm.timezone : undefined;

interface Ctx {
  p: Profile;
  ts: string;
  late: boolean;
  out: Changes;
}
type Handler<T extends EventType> = (ctx: Ctx, e: EventOf<T>) => void;

/**
 * Keyed, stateful enrichment: one Profile per customer_id holds everything,
 * open calls and the dedupe window included, so restoring the profiles
 * restores the whole state.
 */
export class Enricher {
  readonly profiles: ProfileCache;
  /** Customers the decision layer is about to rank: kept in memory however long unused. */
  pinned: ReadonlySet<string> = new Set();
  private readonly handlers: { [T in EventType]: Handler<T> };
  /** This batch's customer turns, understood in one pass where the models can batch. */
  private understood = new Map<DialwiseEvent, Understood>();
  /** Customers with a pending callback: what expireCallbacks looks at. */
  private readonly awaiting = new Set<string>();
  private readonly timing: CallbackTiming;

  private models: ServedModels;

  constructor(private readonly opts: EnricherOptions) {
    this.profiles = new ProfileCache(opts.profilesInMemory);
    this.models = { turn: opts.turn, propensity: opts.propensity };
    this.timing = opts.callbacks ?? DEFAULT_CALLBACK_TIMING;
    this.handlers = {
      'call.started': (c, e) => {
        const call = this.call(c, e);
        Object.assign(call, {
          campaign_id: e.campaign_id,
          script_id: e.script_id,
          script_version: e.script_version,
          handled_by: e.handled_by,
          region: e.region,
          product_line: e.product_line,
          started_at: e.ts,
        });
        c.p.calls += 1;
        c.p.last_call_at = max(c.p.last_call_at, c.ts);
        addTouch(c.p, {
          id: e.call_id,
          at: c.ts,
          channel: 'call',
          campaign: e.campaign_id,
          purpose: 'marketing',
        });
        keepCallback(c.p, e, c.ts, this.timing, c.out);
      },
      'call.answered': (c, e) => {
        const call = this.call(c, e);
        if (call.answered !== true) c.p.answered += 1;
        call.answered = true;
      },
      'call.unanswered': (c, e) => {
        Object.assign(this.call(c, e), { answered: false, unanswered_reason: e.reason });
      },
      'call.abandoned': (c, e) => {
        Object.assign(this.call(c, e), { answered: false, abandoned: true });
      },
      'call.transferred': (c, e) => {
        this.call(c, e).transferred_queue = e.queue;
      },
      'call.ended': (c, e) => {
        Object.assign(this.call(c, e), {
          outcome: e.outcome,
          duration_s: e.duration_s,
          ended_at: e.ts,
        });
        bump(c.p.outcomes as Record<string, number>, e.outcome);
        delete c.p.open_calls[e.call_id];
        c.p.closed_calls.push(e.call_id);
        if (c.p.closed_calls.length > CLOSED_CALLS_KEPT) c.p.closed_calls.shift();
      },
      'dialog.turn': (c, e) => this.turn(c, e),
      'correction.submitted': (c, e) => {
        c.out.corrections.push(e);
      },
      'customer.updated': (c, e) => applyCustomerUpdate(c.p, e, c.ts, this.opts.crmMapping),
      'web.visit': (c, e) => {
        applyWebVisit(c.p, e, c.ts);
        c.out.visits.push(e);
      },
      'consent.changed': (c, e) => {
        applyConsent(c.p, { ...e, ts: c.ts });
        c.out.consents.push(e);
      },
      'touch.sent': (c, e) => this.touch(c, e),
      'touch.delivered': (c, e) => this.touch(c, e),
      'touch.replied': (c, e) => this.touch(c, e),
      'callback.scheduled': (c, e) => this.schedule(c, e),
      'customer.erased': (c, e) => eraseCustomer(this.profiles, c.out, e, this.models.turn),
    };
  }

  /**
   * Serves new models from the next batch on (a promoted champion): a batch
   * is enriched by one set of models, never half by the old and half by the new.
   */
  useModels(next: ServedModels): void {
    this.models = next;
  }

  get served(): ServedModels {
    return this.models;
  }

  /** Puts back profiles saved by a sink (after a restart or a rebalance). */
  restore(profiles: Profile[]): void {
    for (const p of profiles) {
      this.profiles.set(p.customer_id, p);
      if (p.callback) this.awaiting.add(p.customer_id);
    }
  }

  /** Of these customers, those whose profiles are not in memory. */
  missing(ids: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const id of ids) if (!this.profiles.has(id)) out.add(id);
    return [...out];
  }

  /**
   * Profiles read back from the store for `ids` (those `loaded` lacks are
   * new customers), unless one came into memory meanwhile: that one is newer.
   */
  admit(ids: readonly string[], loaded: Profile[]): void {
    const byId = new Map(loaded.map((p) => [p.customer_id, p]));
    for (const id of ids)
      if (!this.profiles.has(id)) this.restore([byId.get(id) ?? newProfile(id)]);
  }

  /** Drops least recently used profiles past the bound, but not the `dirty` (changed since the last commit), a pending callback's or the pinned. */
  evict(dirty: ReadonlySet<Profile>): number {
    return this.profiles.evict(
      (p) => dirty.has(p) || p.callback !== null || this.pinned.has(p.customer_id),
    );
  }

  /** Applies decoded events in arrival order; returns what changed. */
  apply(events: DialwiseEvent[], nowMs: number, out: Changes = emptyChanges()): Changes {
    this.understood = this.understand(events);
    for (const e of events) {
      let p = this.profiles.get(e.customer_id);
      if (!p) this.profiles.set(e.customer_id, (p = newProfile(e.customer_id)));
      if (!this.firstTime(p, e.event_id)) {
        out.duplicates += 1;
        continue;
      }
      // A sender's clock running ahead must not pin "latest" fields forever.
      const ts =
        Date.parse(e.ts) > nowMs + this.opts.maxSkewMs ? new Date(nowMs).toISOString() : e.ts;
      const late =
        p.last_event_at !== null &&
        Date.parse(p.last_event_at) - Date.parse(ts) > this.opts.latenessMs;
      if (late) out.late += 1;
      (this.handlers[e.type] as Handler<typeof e.type>)({ p, ts, late, out }, e as never);
      out.accepted += 1;
      if (e.type === 'customer.erased') continue; // nothing of theirs is kept
      p.last_event_at = max(p.last_event_at, ts);
      out.profiles.add(p);
    }
    return out;
  }

  /** Whether the customer's dedupe window has not seen the event id yet; remembers it. */
  private firstTime(p: Profile, eventId: string): boolean {
    const id = idHash(eventId);
    if (p.recent_ids.includes(id)) return false;
    p.recent_ids.push(id);
    if (p.recent_ids.length > this.opts.dedupeWindow) p.recent_ids.shift();
    return true;
  }

  /**
   * Callbacks past their grace at `nowMs` (the pipeline's clock) become
   * missed: the rows and the cleared profiles go into `out`.
   */
  expireCallbacks(nowMs: number, out: Changes): void {
    for (const id of this.awaiting) {
      const p = this.profiles.get(id);
      if (!p?.callback || missCallback(p, nowMs, this.timing, out)) this.awaiting.delete(id);
    }
  }

  private schedule(c: Ctx, e: EventOf<'callback.scheduled'>): void {
    scheduleCallback(c.p, e, c.ts, c.out);
    this.awaiting.add(c.p.customer_id);
  }

  /**
   * A trained model answers a batch of texts in one forward pass for about
   * the cost of one: customer turns are run together before the batch is applied.
   */
  private understand(events: DialwiseEvent[]) {
    const models = this.models.turn;
    const { intentBatch, emotionBatch, optOutBatch } = models;
    const understood = new Map<DialwiseEvent, Understood>();
    if (!intentBatch && !emotionBatch && !optOutBatch) return understood;
    const turns = events.filter(
      (e): e is EventOf<'dialog.turn'> => e.type === 'dialog.turn' && e.speaker === 'customer',
    );
    if (turns.length === 0) return understood;
    const texts = turns.map((t) => t.text);
    const intents = intentBatch ? intentBatch(texts) : texts.map((t) => models.intent(t));
    const emotions = emotionBatch ? emotionBatch(texts) : texts.map((t) => models.emotion(t));
    const optOuts = optOutBatch
      ? optOutBatch(texts)
      : texts.map((t) => models.optOut(t, 'customer'));
    turns.forEach((t, i) =>
      understood.set(t, { intent: intents[i]!, emotion: emotions[i]!, optOut: optOuts[i]! }),
    );
    return understood;
  }

  /**
   * Tags depend on the clock as well as on events ("visited pricing in the
   * last 24 h"), so they are worked out when read and when saved, not per event.
   */
  refreshTags(p: Profile, nowMs: number): Profile {
    p.tags = evaluateTags(this.opts.tagRules, profileView(p, nowMs), nowMs);
    return p;
  }

  /** The live profile with tags as of `nowMs`. */
  profile(customerId: string, nowMs: number): Profile | undefined {
    const p = this.profiles.get(customerId);
    return p && this.refreshTags(p, nowMs);
  }

  private call(c: Ctx, e: { call_id: string; customer_id: string }): CallState {
    // Keyed by customer too: another customer's call with the same id stays
    // apart here, and the sink keeps the call its first owner's.
    const key = callKey(e.call_id, e.customer_id);
    let call = c.p.open_calls[e.call_id] ?? c.out.calls.get(key);
    if (!call) {
      call = newCall(e.call_id, e.customer_id);
      // A late event of an ended call updates its row but does not reopen it.
      if (!c.p.closed_calls.includes(e.call_id)) c.p.open_calls[e.call_id] = call;
    }
    c.out.calls.set(key, call);
    return call;
  }

  private turn(c: Ctx, e: EventOf<'dialog.turn'>): void {
    const models = this.models.turn;
    const call = this.call(c, e);
    const row = turnRow(e, c.late);
    if (e.speaker === 'customer') {
      const voice = e.prosody ? voiceImpatience((call.voice ??= []), e.prosody) : null;
      const known = this.understood.get(e);
      const emotion = fuseEmotion(known?.emotion ?? models.emotion(e.text), voice);
      const insight = {
        intent: known?.intent ?? models.intent(e.text),
        emotion,
        // "下午三点" becomes an instant in the customer's zone (crm.timezone), at the turn's time.
        slots: models.slots(e.text, { nowMs: Date.parse(c.ts), timeZone: zoneOf(c.p) }),
      };
      call.peak_impatience = Math.max(call.peak_impatience ?? 0, emotion.impatience);
      applyCustomerTurn(c.p, insight, c.ts);
      // The callback the customer asked for, as the event the engine emits for a live turn:
      // applied once whichever comes first (same id).
      const asked = insight.slots.callbackAt && callbackOfTurn(e, insight.slots.callbackAt);
      if (asked && this.firstTime(c.p, asked.event_id)) this.schedule(c, asked);
      const intent = insight.intent.intent;
      call.customer_turns = (call.customer_turns ?? 0) + 1;
      call.positive_intents = (call.positive_intents ?? 0) + (POSITIVE_INTENTS.has(intent) ? 1 : 0);
      call.negative_intents = (call.negative_intents ?? 0) + (NEGATIVE_INTENTS.has(intent) ? 1 : 0);
      call.objections = (call.objections ?? 0) + (insight.slots.objection ? 1 : 0);
      call.valence =
        call.valence === null
          ? insight.emotion.valence
          : (call.valence + insight.emotion.valence) / 2;
      call.signals = observeCustomerTurn(call.signals ?? newCallSignals(), {
        text: e.text,
        intent,
        valence: emotion.valence,
        objection: insight.slots.objection,
        impatience: emotion.impatience,
      });
      call.intent_score = this.score(c.p, call, c.ts);
      applyCallScore(c.p, call.intent_score, c.ts);
      this.optOut(c, e, known?.optOut ?? models.optOut(e.text, 'customer'));
      Object.assign(row, {
        intent,
        intent_confidence: insight.intent.confidence,
        out_of_scope: insight.intent.outOfScope,
        emotion: emotion.label,
        valence: emotion.valence,
        call_intent_score: call.intent_score,
        impatience: emotion.impatience,
      });
    } else {
      if (e.speaker === 'agent') this.optOut(c, e, models.optOut(e.text, 'agent'));
      for (const h of models.compliance(e.text, e.speaker)) {
        c.out.hits.push(hitRow(e, h));
        call.compliance_hits = (call.compliance_hits ?? 0) + 1;
      }
    }
    c.out.turns.push(row);
  }

  /** A spoken opt-out (or an agent's record of one) revokes call consent at once. */
  private optOut(c: Ctx, e: EventOf<'dialog.turn'>, heard: OptOut): void {
    if (!heard.optOut) return;
    const change = optOutConsent(e, heard.cue);
    applyConsent(c.p, { ...change, ts: c.ts });
    c.out.consents.push(change);
  }

  /** A touch into the contact record; a reply that refuses withdraws consent (contact.ts). */
  private touch(c: Ctx, e: TouchEvent): void {
    c.out.touches.push(e);
    const change = applyTouch(c.p, e, c.ts, this.models.turn);
    if (change) c.out.consents.push(change);
  }

  private score(p: Profile, call: CallState, ts: string): number {
    const signals = call.signals ?? newCallSignals();
    return callIntentScore(this.models.propensity, signals, customerHistory(p, Date.parse(ts)));
  }
}
