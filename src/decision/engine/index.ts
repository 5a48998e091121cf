/**
 * The decision engine: one decision per call turn, the dialing rules it
 * enforces, and the writers of its decision log and dialing violations.
 */
export { DecisionEngine } from './decision-engine.js';
export { DecisionLogWriter } from './decision-log-writer.js';
export { ViolationWriter } from './violation-writer.js';
export type {
  ActionKind,
  Decision,
  DecisionDeps,
  DecisionRecord,
  DecisionSetup,
  DialingViolation,
  TurnRequest,
} from './engine-contract.js';
