/**
 * The contact-centre twin's world (`dialwise simulate --scenario FILE`):
 * scenarios, simulated customers and agents, and the latent truth. Pure and
 * seeded; it imports only core/. docs/scenarios.md describes the scenario
 * files and the dynamics.
 */
export { createWorld } from './world.js';
export type {
  BotLine,
  Conversation,
  CustomerAct,
  CustomerTurn,
  DialResult,
  HeardLine,
  Prosody,
  SimAgent,
  SimCustomer,
  World,
} from './world.js';
export { contactCost, loadScenario, parseScenario } from './scenario.js';
export type { Anomaly, Costs, Scenario, ScenarioAgent, Segment } from './scenario.js';
export { localTime } from './local-time.js';
export type { LocalTime } from './local-time.js';
