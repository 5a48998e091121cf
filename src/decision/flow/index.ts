/**
 * The dialog flow: the state machine the bot walks through a call (loaded
 * from config/dialog-flow.json) and the short memory of the call it reads.
 */
export {
  EMPTY_MEMORY,
  isKnown,
  known,
  MEMORY_TURNS,
  remember,
  SLOT_NAMES,
  type Memory,
  type RecentTurn,
  type SlotName,
} from './dialog-memory.js';
export { STANDARD_STATES, TERMINAL_STATES, type StateName } from './dialog-states.js';
export { flowFor, loadFlow, startState } from './flow-loader.js';
export {
  ASKED_SLOTS,
  type AskedSlot,
  type Condition as FlowCondition,
  type ConciseRule,
  type Flow,
  type FlowState,
  type Graph,
  type StateSpec,
  type StepResult,
  type Transition,
} from './flow-schema.js';
export { concise, step } from './flow-step.js';
