import type { CustomerView, TurnSignals } from '../../src/decision/index.js';
import { NO_HISTORY } from '../../src/models/propensity-features.js';

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
  contactAttempts: [],
  outcomes: {},
  facts: {},
  history: NO_HISTORY,
  ...over,
});
