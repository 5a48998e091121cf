/**
 * The contact-centre twin: a scenario's world (customers, agents, answer
 * and conversion behaviour, anomalies) and the policies that dial into it —
 * Dialwise through the platform's real API, a naive centre and the oracle.
 */
export {
  ContactAudit,
  LAW_HOURS,
  lawful,
  type ContactRules,
  type ViolationKind,
} from './contact-audit.js';
export { alertFigures, compareToPeers, type AlertFigures, type SeenAlert } from './compare.js';
export type { PolicyName } from './dialers.js';
export { runTwin, type TwinOptions, type TwinReport } from './run-twin.js';
export type { Costs } from './tally.js';
export type { TwinTarget } from './target.js';
export {
  createWorld,
  loadScenario,
  type Anomaly,
  type Scenario,
  type SimCustomer,
  type World,
} from './world.js';
