/**
 * When a call goes to a human, what the agent is told, and who takes it.
 *
 * Transfer triggers are data (config/transfer.json): each one is a condition
 * over the latest turn, the call's running counters, the dialog state and the
 * customer. Every turn the caller folds the turn into the counters
 * (`updateCounters`) and asks `firstTrigger`; the highest-priority enabled
 * trigger that holds decides the skill queue. `buildHandoff` then packs what
 * the agent needs (no phone number or name), `chooseAgent` picks the agent
 * by the skills it learned (skill-routing.ts), and `onNoPickup` says what
 * happens when nobody answers.
 */
export {
  chooseAgent,
  hybridPlan,
  onNoPickup,
  pickupDeadline,
  type Agent,
  type AgentNeed,
  type HybridPlan,
} from './agent-choice.js';
export {
  COUNTER_NAMES,
  DEFAULT_COUNTING,
  initialCounters,
  updateCounters,
  type CallCounters,
  type CounterName,
  type Counting,
} from './call-counters.js';
export { agentWarning, type AgentWarning } from './agent-warning.js';
export { buildHandoff, type Handoff, type HandoffInput, type Turn } from './handoff.js';
export {
  loadSkillModel,
  rankWorkers,
  recordOutcome,
  skill,
  skillModelSchema,
  type SkillModel,
} from './skill-routing.js';
export {
  checkConciseBeforeTransfer,
  loadTransferConfig,
  transferConfigSchema,
  type Condition as TriggerCondition,
  type NoPickupFallback,
  type TransferConfig,
  type Trigger,
} from './transfer-config.js';
export { firstTrigger, type TransferInput } from './transfer-triggers.js';
