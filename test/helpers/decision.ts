import type { CustomerView, TurnSignals } from '../../src/decision/index.js';
import { foldConsent, type ConsentLedger, type TouchMark } from '../../src/core/contact-record.js';
import type { Channel } from '../../src/core/events/index.js';
import { NO_HISTORY } from '../../src/models/propensity-features.js';

/** A ledger with one change per scope (every purpose), all at one time: `{ call: false }`. */
export const ledger = (
  scopes: Partial<Record<Channel | 'all', boolean>>,
  ts = '2026-01-01T00:00:00Z',
): ConsentLedger =>
  Object.entries(scopes).reduce<ConsentLedger>(
    (l, [scope, granted]) =>
      foldConsent(l, { scope: scope as Channel | 'all', granted, ts, event_id: `t-${scope}` }),
    {},
  );

/** Marketing touches at the given times (calls unless said otherwise), ids in order. */
export const touchesAt = (times: readonly string[], channel: Channel = 'call'): TouchMark[] =>
  times.map((at, i) => ({
    id: `${channel}-${i}`,
    at,
    channel,
    campaign: null,
    purpose: 'marketing',
  }));

/** A calm, understood customer turn; tests override what they are about. */
export const signals = (over: Partial<TurnSignals> = {}): TurnSignals => ({
  text: '',
  intent: 'out_of_scope',
  intentConfidence: 0.9,
  outOfScope: false,
  optOut: false,
  emotion: 'neutral',
  valence: 0,
  impatience: 0,
  asrConfidence: 0.95,
  slots: {},
  ...over,
});

/** A customer with no history, consent or tags; tests override what they are about. */
export const customerView = (over: Partial<CustomerView> = {}): CustomerView => ({
  customerId: 'cust-1',
  tags: [],
  intentScore: 0.3,
  crm: {},
  consent: {},
  doNotCall: false,
  dncListed: null,
  touches: [],
  outcomes: {},
  facts: {},
  history: NO_HISTORY,
  ...over,
});
