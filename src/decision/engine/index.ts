/**
 * The decision engine: one decision per call turn, the dialing rules it
 * enforces, the writers of its decision log and dialing violations, and the
 * journal a restarted process goes on from.
 */
export { DecisionEngine } from './decision-engine.js';
export type { Session } from './call-session.js';
export type { RowShip } from './batch-writer.js';
export { DecisionLogWriter } from './decision-log-writer.js';
export {
  EngineJournal,
  emptyEngineState,
  foldRecord,
  type EngineRecord,
  type EngineState,
  type Unwritten,
} from './engine-journal.js';
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
