/** The decision engine: one decision per call turn, and the writer of its decision log. */
export { DecisionEngine } from './decision-engine.js';
export { DecisionLogWriter } from './decision-log-writer.js';
export type {
  ActionKind,
  Decision,
  DecisionDeps,
  DecisionRecord,
  DecisionSetup,
  TurnRequest,
} from './engine-contract.js';
