/**
 * The contact-centre twin (`dialwise simulate --scenario FILE`): a
 * scenario's world — simulated customers and agents, the latent truth,
 * pure and seeded (docs/scenarios.md) — and the policies that dial into it:
 * Dialwise through the platform's real API, a naive centre and the oracle,
 * audited against the dialing rules and tallied. It imports only core/ and
 * the library's client.
 */
export { createWorld } from './world.js';
export type {
  BotLine,
  Conversation,
  CustomerAct,
  CustomerTurn,
  DialResult,
  HeardLine,
  LinesFor,
  Prosody,
  SimAgent,
  SimCustomer,
  World,
} from './world.js';
export { contactCost, loadScenario, parseScenario } from './scenario.js';
export type { Anomaly, Costs, Scenario, ScenarioAgent, Segment } from './scenario.js';
export { localTime } from './local-time.js';
export type { LocalTime } from './local-time.js';
export { alertFigures, compareToPeers, type AlertFigures, type SeenAlert } from './compare.js';
export {
  ContactAudit,
  LAW_HOURS,
  lawful,
  type ContactRules,
  type ViolationKind,
} from './contact-audit.js';
export type { PolicyName } from './dialers.js';
export { runTwin, type TwinOptions, type TwinReport } from './run-twin.js';
export { loadEvents } from './call-events.js';
export { runLiveCalls, type LiveFigures, type LiveOptions } from './live-calls.js';
export type { TwinTarget } from './target.js';
