import { createHash } from 'node:crypto';
import type { DialwiseEvent } from '../../core/events/index.js';
import type { PfgDialogue } from '../../datasets/persuasionforgood.js';
import { fuseEmotion } from '../../models/emotion-fusion.js';
import {
  NO_HISTORY,
  newCallSignals,
  observeCustomerTurn,
  propensityFeatures,
  type CallSignals,
  type PropensityInputs,
} from '../../models/propensity-features.js';
import { voiceImpatience, type VoiceSample } from '../../models/prosody/baseline.js';
import type { TurnModels } from '../../models/types.js';

/** One labelled example: the model's inputs as the pipeline would see them, and the outcome. */
export interface PropensityRow {
  id: string;
  inputs: PropensityInputs;
  x: number[];
  y: boolean;
}

const row = (id: string, inputs: PropensityInputs, y: boolean): PropensityRow => ({
  id,
  inputs,
  x: propensityFeatures(inputs),
  y,
});

/** SHA-256 of the rows' ids, features and labels: ties a model to its exact training data. */
export function rowsHash(rows: readonly PropensityRow[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(`${r.id}\t${r.x.join(',')}\t${r.y ? 1 : 0}\n`);
  return h.digest('hex');
}

/**
 * A persuasionforgood dialogue as a call: the persuadee is the customer, each
 * of their turns goes through the same NLU and fusion as a pipeline turn
 * without voice. The donation task has no web or CRM history: those stay 0.
 */
export function pfgRow(d: PfgDialogue, models: TurnModels): PropensityRow {
  const s = newCallSignals();
  for (const text of d.persuadee) {
    const emotion = fuseEmotion(models.emotion(text), null);
    observeCustomerTurn(s, {
      text,
      intent: models.intent(text).intent,
      valence: emotion.valence,
      objection: models.slots(text).objection,
      impatience: emotion.impatience,
    });
  }
  return row(d.id, { ...s, ...NO_HISTORY }, d.donated);
}

/** The enricher's per-customer history, as far as propensity reads it. */
interface History {
  webVisits: number;
  lastPricingVisitMs: number | null;
  conversions: number;
  complaintCalls: number;
  complaintIntents: number;
}

const DAY_MS = 86_400_000;

/**
 * Simulated calls, replayed the way the enricher (src/pipelines/enricher.ts)
 * sees them — training may not import pipelines/, so this mirrors it, and a
 * unit test runs both over the same events and compares: customer turns
 * through NLU and voice-fused emotion, history (web visits, pricing page in
 * the last 24 h, past conversions and complaints) from earlier events. One
 * row per answered call, as of its last customer turn, labelled by
 * outcome === 'converted'. Unanswered calls are never scored, so left out.
 */
export function simulatorRows(
  calls: readonly DialwiseEvent[][],
  models: TurnModels,
): PropensityRow[] {
  const histories = new Map<string, History>();
  const rows: PropensityRow[] = [];
  calls.forEach((events, callIndex) => {
    let signals: CallSignals | null = null;
    let inputs: PropensityInputs | null = null;
    const voice: VoiceSample[] = [];
    for (const e of events) {
      let h = histories.get(e.customer_id);
      if (!h) {
        h = {
          webVisits: 0,
          lastPricingVisitMs: null,
          conversions: 0,
          complaintCalls: 0,
          complaintIntents: 0,
        };
        histories.set(e.customer_id, h);
      }
      if (e.type === 'web.visit') {
        h.webVisits += 1;
        if (/pric|价格|报价/i.test(e.page))
          h.lastPricingVisitMs = Math.max(h.lastPricingVisitMs ?? -Infinity, Date.parse(e.ts));
      } else if (e.type === 'dialog.turn' && e.speaker === 'customer') {
        signals ??= newCallSignals();
        const prosody = e.prosody ? voiceImpatience(voice, e.prosody) : null;
        const emotion = fuseEmotion(models.emotion(e.text), prosody);
        const intent = models.intent(e.text);
        if (!intent.outOfScope && intent.intent === 'complaint') h.complaintIntents += 1;
        observeCustomerTurn(signals, {
          text: e.text,
          intent: intent.intent,
          valence: emotion.valence,
          objection: models.slots(e.text).objection,
          impatience: emotion.impatience,
        });
        const pricing = h.lastPricingVisitMs;
        inputs = {
          ...signals,
          recentPricingVisit: pricing !== null && Date.parse(e.ts) - pricing < DAY_MS,
          webVisits: h.webVisits,
          priorConversions: h.conversions,
          complaints: h.complaintCalls + h.complaintIntents,
        };
      } else if (e.type === 'call.ended') {
        // The simulator's call ids carry a random run id: the index keeps ids, splits and hashes reproducible.
        if (inputs) rows.push(row(`sim-${callIndex}`, inputs, e.outcome === 'converted'));
        if (e.outcome === 'converted') h.conversions += 1;
        if (e.outcome === 'complaint') h.complaintCalls += 1;
      }
    }
  });
  return rows;
}
