/**
 * What the decision engine is built from and what it answers: its setup and
 * dependencies (given by the composition root, src/app/decision-service.ts), the
 * turn request, the decision and the record logged for each decision.
 */
import type { Clock } from '../../core/clock.js';
import type { DialwiseEvent, IneligibleReason } from '../../core/events/index.js';
import type { DecisionContext } from '../../core/logged-decision.js';
import type { ServedModels } from '../../models/champions.js';
import type { TurnProsody } from '../../models/prosody/event-fields.js';
import type { SayInstead } from '../../models/compliance/index.js';
import type { ComplianceHit } from '../../models/types.js';
import type { ContactView, CustomerView, RankingView } from '../customer-view.js';
import type { DialingRules } from '../dialing/index.js';
import type { Flow } from '../flow/index.js';
import type {
  ChosenLine,
  ExperimentState,
  ScriptPolicy,
  ScriptVersions,
} from '../scripts/index.js';
import type {
  Agent,
  AgentWarning,
  Handoff,
  SkillModel,
  TransferConfig,
} from '../transfer/index.js';
import type { EngineRecord } from './engine-journal.js';
import type { Fallback, Generated, GenerationAsk, GenerationPolicy } from '../generation/index.js';

/** Everything the engine decides with, loaded and validated from config at start. */
export interface DecisionSetup {
  flow: Flow;
  scripts: ScriptVersions;
  transfer: TransferConfig;
  dialing: DialingRules;
  experiment: ExperimentState;
  skills: SkillModel;
  agents: Agent[];
  /** A script policy deployed live at its node instead of the experiment (DIALWISE_SCRIPT_POLICY). */
  scriptPolicy?: ScriptPolicy | undefined;
  /** Where a line may be generated (config/generation.json); absent: templates only. */
  generation?: GenerationPolicy | undefined;
}

export interface DecisionDeps {
  /** The served models (a promoted champion shows up here without a restart). */
  models(): ServedModels;
  /** The customer as the live profile has them now. */
  customer(customerId: string, nowMs: number): CustomerView;
  /**
   * Just the contact record, CRM and do-not-call marks: what check() reads,
   * without the tags, scores and history that customer() works out.
   * Absent: customer().
   */
  contact?(customerId: string, nowMs: number): ContactView;
  /** Just the CRM fields (industry, time zone): what learning from call events needs, without tags. */
  crm(customerId: string): CustomerView['crm'];
  /** Every customer the dialer may call, for `next()`. */
  candidates(nowMs: number): Iterable<RankingView>;
  checkBotLine(text: string): ComplianceHit[];
  /**
   * Live agent assist: the rules on an agent's turn, and each rule's
   * compliant wording. Absent: agents' turns are only flagged in the store.
   */
  agentLines?: {
    check(text: string): ComplianceHit[];
    sayInstead(rule: string): SayInstead | undefined;
  };
  /** Pushes a warning to the agent desktop the moment an agent's turn breaks a rule. */
  pushWarning?(warning: AgentWarning): void;
  /** Events the decision produced (turns spoken, transfers, consent revoked): fire and forget. */
  emit(events: DialwiseEvent[]): void;
  /** One record per decision (for off-policy evaluation and audit). */
  log(record: DecisionRecord): void;
  /** A call that broke a dialing rule, once per call and rule (call-gate.ts). */
  violation(v: DialingViolation): void;
  alert(message: string): void;
  /**
   * Writes a change of the engine's state down before the decision is
   * answered (engine-journal.ts), so that another process goes on from it.
   * Absent: nothing survives the process.
   */
  journal?(record: EngineRecord): void;
  /** A generated line for a turn the policy lets generate (converse()); absent: templates only. */
  generate?(ask: GenerationAsk): Promise<Generated>;
  /** Pushes a transfer's context to the agent desktop before pickup. */
  pushHandoff(handoff: NonNullable<Decision['transfer']>): void;
  /**
   * Where time comes from: read once per request (contact caps, calling
   * windows, pacing, timestamps) and the timer of a transfer's pickup
   * deadline.
   */
  clock: Clock;
  /** Draws the experiment's variants; Math.random when left out. */
  rng?: () => number;
}

export interface TurnRequest {
  call_id: string;
  customer_id: string;
  /** A retry of the call's last turn (the same id) gets its decision again. */
  turn_id?: string | undefined;
  campaign_id?: string | undefined;
  product_line?: string | undefined;
  text: string;
  asr_confidence: number;
  prosody?: TurnProsody | undefined;
  /** The API request (X-Request-Id): the turn's events carry it to the store. */
  request_id?: string | undefined;
}

export type ActionKind = 'say' | 'transfer' | 'end';

export interface Decision {
  decision_id: string;
  call_id: string;
  action: ActionKind;
  text: string;
  state: string;
  script_id: string;
  variant: string;
  script_version: string;
  concise: boolean;
  reason: string;
  intent: string;
  intent_score: number;
  /** Set when the line the script gave was not compliant and was replaced. */
  blocked?: string[];
  transfer?: Handoff & { agent: string | null; pickup_deadline: string | null };
  /** Hybrid mode: a high-value customer the bot screened gets a human follow-up task. */
  follow_up?: { queue: string; agent: string | null; due_at: string };
  /** The dialing rule the call breaks (refused, or flagged in `flag` mode), and why. */
  rule?: IneligibleReason;
  detail?: string;
  /** A turn whose line was to be generated: spoken, or the cause the template was said instead. */
  generation?: GenerationOutcome;
}

/** What became of a line the policy let generate. */
export type GenerationOutcome =
  | { spoken: true; facts: string[]; tokens: number; ms: number; cached: boolean }
  | { spoken: false; cause: Fallback; tokens: number; ms: number };

/** A call that broke a dialing rule: refused (enforce) or let through and flagged (flag). */
export interface DialingViolation {
  /** `<call_id>/<rule>`: one per call and rule, however often the turn is retried. */
  id: string;
  ts: string;
  call_id: string;
  customer_id: string;
  campaign_id: string | null;
  rule: IneligibleReason;
  detail: string;
  mode: 'refused' | 'flagged';
}

/**
 * A row of the decision log (`decisions`): a turn's line, or a customer
 * the dialer was offered (kind 'dial', no call yet).
 */
export interface DecisionRecord {
  decision_id: string;
  ts: string;
  kind: 'turn' | 'dial';
  call_id: string | null;
  customer_id: string;
  campaign_id: string | null;
  state: string;
  node: string;
  /** The customer's script-experiment segment (scriptSegmentOf). */
  segment: string;
  variant: string;
  /** The probability the experiment gave this variant (1 for a dial: the ranking is deterministic). */
  propensity: number;
  script_version: string | null;
  /** The logging policy: the script version for a turn, the ranker's version for a dial. */
  policy_version: string;
  action: ActionKind | 'dial';
  reason: string;
  blocked: string | null;
  /** A generated line's outcome: `spoken`, or the fallback's cause (`timeout`, `gate:compliance`, …). */
  generation?: string | undefined;
  /** Tokens the generation took (prompt and completion). */
  tokens?: number | undefined;
  micros: number;
  /** What the decision was taken on, for off-policy evaluation. */
  context: DecisionContext;
}

/** What the bot says this turn: from which script node, for which segment, and the line. */
export interface Spoken {
  node: string;
  segment: string;
  concise: boolean;
  line: ChosenLine;
}
