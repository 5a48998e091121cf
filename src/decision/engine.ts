import { randomUUID } from 'node:crypto';
import { DialwiseError } from '../core/errors.js';
import type { DialwiseEvent, Outcome } from '../core/events/index.js';
import type { ServedModels } from '../models/champions.js';
import { fuseEmotion } from '../models/emotion-fusion.js';
import {
  newCallSignals,
  observeCustomerTurn,
  type CallSignals,
} from '../models/propensity-features.js';
import { callIntentScore } from '../models/propensity-model.js';
import { voiceImpatience, type VoiceSample } from '../models/prosody/baseline.js';
import type { TurnProsody } from '../models/prosody/event-fields.js';
import type { ComplianceHit } from '../models/types.js';
import {
  localTimeOf,
  newAnswerModel,
  newPacer,
  observe,
  pacingRatio,
  rankNext,
  recordAttempt,
  type AnswerModel,
  type AttemptOutcome,
  type DialingRules,
  type PacerState,
  type Ranking,
} from './dialing.js';
import {
  allocate,
  cells,
  record,
  report,
  type ExperimentState,
  type VariantReport,
} from './experiments.js';
import {
  concise as wantsConcise,
  flowFor,
  startState,
  step,
  type Flow,
  type FlowState,
} from './flow.js';
import { EMPTY_MEMORY, known, remember, type Memory } from './memory.js';
import { recordOutcome, type SkillModel } from './routing.js';
import {
  eligibleVariants,
  guardLine,
  render,
  scriptNode,
  type ScriptLibrary,
  type ScriptVersions,
} from './scripts.js';
import {
  buildHandoff,
  chooseAgent,
  firstTrigger,
  hybridPlan,
  initialCounters,
  onNoPickup,
  updateCounters,
  type Agent,
  type CallCounters,
  type Handoff,
  type TransferConfig,
  type Trigger,
  type Turn,
} from './transfer.js';
import type { ActionKind, CustomerView, TurnSignals } from './types.js';

/** Everything the engine decides with, loaded and validated from config at start. */
export interface DecisionSetup {
  flow: Flow;
  scripts: ScriptVersions;
  transfer: TransferConfig;
  dialing: DialingRules;
  experiment: ExperimentState;
  skills: SkillModel;
  agents: Agent[];
}

export interface DecisionDeps {
  /** The served models (a promoted champion shows up here without a restart). */
  models(): ServedModels;
  /** The customer as the live profile has them now. */
  customer(customerId: string, nowMs: number): CustomerView;
  /** Just the CRM fields (industry, time zone): what learning from call events needs, without tags. */
  crm(customerId: string): CustomerView['crm'];
  /** Every customer the dialer may call, for `next()`. */
  candidates(nowMs: number): Iterable<CustomerView>;
  checkBotLine(text: string): ComplianceHit[];
  /** Events the decision produced (turns spoken, transfers, consent revoked): fire and forget. */
  emit(events: DialwiseEvent[]): void;
  /** One record per decision (for off-policy evaluation and audit). */
  log(record: DecisionRecord): void;
  alert(message: string): void;
  /** Pushes a transfer's context to the agent desktop before pickup. */
  pushHandoff(handoff: NonNullable<Decision['transfer']>): void;
  clock?: () => number;
  rng?: () => number;
}

export interface TurnRequest {
  call_id: string;
  customer_id: string;
  campaign_id?: string | undefined;
  product_line?: string | undefined;
  text: string;
  asr_confidence: number;
  prosody?: TurnProsody | undefined;
}

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
}

export interface DecisionRecord {
  decision_id: string;
  ts: string;
  call_id: string;
  customer_id: string;
  campaign_id: string | null;
  state: string;
  node: string;
  segment: string;
  variant: string;
  /** The probability the experiment gave this variant. */
  propensity: number;
  script_version: string;
  action: ActionKind;
  reason: string;
  blocked: string | null;
  micros: number;
}

/** One call the bot is on: the dialog state and its short memory. */
interface Session {
  callId: string;
  customerId: string;
  campaignId: string | undefined;
  productLine: string;
  scriptVersion: string;
  flow: FlowState;
  memory: Memory;
  counters: CallCounters;
  signals: CallSignals;
  voice: VoiceSample[];
  turns: Turn[];
  intentScore: number;
  /** Every (node, segment, variant) spoken, for the experiment's rewards at the call's end. */
  spoken: { node: string; segment: string; variant: string }[];
  last?: Decision;
  handoff?: Decision['transfer'];
  fallback?: string;
  touchedAt: number;
}

const TURNS_KEPT = 12;
const IDLE_MS = 30 * 60_000;
/** Tags that split the script experiments: the segments whose best line may differ. */
const SEGMENT_TAGS = ['vip', 'high_intent', 'price_sensitive'];

export const segmentOf = (customer: CustomerView): string =>
  SEGMENT_TAGS.filter((t) => customer.tags.includes(t)).join('+') || 'none';

/**
 * The live decision layer: per call turn it understands the utterance with
 * the served models, updates the call's memory, checks the transfer
 * triggers, steps the dialog flow and picks a compliant line from the
 * script library (variant by the running experiment). State lives in memory
 * per call; facts go out as events, so a slow event stream never delays or
 * loses a decision.
 */
export class DecisionEngine {
  private readonly sessions = new Map<string, Session>();
  private answers: AnswerModel;
  private pacer: PacerState;
  private skills: SkillModel;
  /** Consent revoked during calls, in force before the pipeline has applied the event. */
  private readonly revoked = new Set<string>();
  private readonly pickups = new Map<string, NodeJS.Timeout>();
  private readonly clock: () => number;
  private readonly rng: () => number;

  constructor(
    private readonly setup: DecisionSetup,
    private readonly deps: DecisionDeps,
  ) {
    this.clock = deps.clock ?? Date.now;
    this.rng = deps.rng ?? Math.random;
    this.answers = newAnswerModel(setup.dialing);
    this.pacer = newPacer(setup.dialing.pacing);
    this.skills = setup.skills;
  }

  turn(req: TurnRequest): Decision {
    const started = performance.now();
    const now = this.clock();
    const s = this.session(req, now);
    if (s.last && s.last.action !== 'say') return s.last;
    const customer = this.customer(s.customerId, now);
    const signals = this.understand(s, req);
    s.memory = remember(s.memory, s.flow.callTurns + 1, signals);
    s.counters = updateCounters(s.counters, signals, s.flow.name, this.setup.transfer.counting);
    observeCustomerTurn(s.signals, {
      text: signals.text,
      intent: signals.intent,
      valence: signals.valence,
      objection: signals.slots.objection,
      impatience: signals.impatience,
    });
    s.intentScore = callIntentScore(this.deps.models().propensity, s.signals, customer.history);
    const scored = { ...customer, intentScore: s.intentScore };
    const trigger = firstTrigger(this.setup.transfer, {
      signals,
      counters: s.counters,
      state: s.flow.name,
      customer: scored,
    });
    const stepped = trigger
      ? {
          state: { ...s.flow, name: 'transfer_to_human', callTurns: s.flow.callTurns + 1 },
          reason: `transfer: ${trigger.id}`,
        }
      : step(this.setup.flow, s.campaignId, s.flow, signals, s.memory, customer.facts);
    s.flow = stepped.state;
    s.turns.push({ speaker: 'customer', text: req.text });

    const graph = flowFor(this.setup.flow, s.campaignId);
    const node = graph.states[s.flow.name]!.node;
    const concise = wantsConcise(signals, s.memory);
    const segment = segmentOf(scored);
    const line = this.line(s, node, scored, segment, concise);
    const action: ActionKind =
      s.flow.name === 'transfer_to_human'
        ? 'transfer'
        : graph.states[s.flow.name]!.terminal
          ? 'end'
          : 'say';
    const decision: Decision = {
      decision_id: randomUUID(),
      call_id: s.callId,
      action,
      text: line.text,
      state: s.flow.name,
      script_id: node,
      variant: line.variant,
      script_version: s.scriptVersion,
      concise,
      reason: stepped.reason,
      intent: signals.intent,
      intent_score: s.intentScore,
      ...(line.blocked.length && { blocked: line.blocked.map((h) => h.rule) }),
    };
    if (action === 'end' && s.flow.name !== 'do_not_call') {
      const plan = hybridPlan(scored, this.setup.transfer);
      if (plan) {
        const { queue, dueInHours } = plan.followUp;
        const agent = chooseAgent(
          this.setup.agents,
          { queue, productLine: s.productLine },
          this.skills,
        );
        decision.follow_up = {
          queue,
          agent: agent?.id ?? null,
          due_at: new Date(now + dueInHours * 3_600_000).toISOString(),
        };
      }
    }
    if (action === 'transfer')
      decision.transfer = this.handOff(
        s,
        trigger ?? this.flowTrigger(stepped.reason),
        signals,
        scored,
        now,
      );
    s.turns.push({ speaker: 'bot', text: line.text });
    if (s.turns.length > TURNS_KEPT) s.turns.splice(0, s.turns.length - TURNS_KEPT);
    // The safe line is the fallback, not an arm of the experiment.
    if (line.variant !== 'safe') s.spoken.push({ node, segment, variant: line.variant });
    s.last = decision;
    this.emitTurn(s, req, decision, now);
    this.deps.log({
      decision_id: decision.decision_id,
      ts: new Date(now).toISOString(),
      call_id: s.callId,
      customer_id: s.customerId,
      campaign_id: s.campaignId ?? null,
      state: s.flow.name,
      node,
      segment,
      variant: line.variant,
      propensity: line.propensity,
      script_version: s.scriptVersion,
      action,
      reason: stepped.reason,
      blocked: decision.blocked?.join(',') ?? null,
      micros: Math.round((performance.now() - started) * 1000),
    });
    return decision;
  }

  /** What an agent (or the dialer) needs to know about a call in progress. */
  context(callId: string) {
    const s = this.sessions.get(callId);
    if (!s) return undefined;
    const customer = this.customer(s.customerId, this.clock());
    return {
      call_id: s.callId,
      customer_id: s.customerId,
      campaign_id: s.campaignId ?? null,
      state: s.flow.name,
      customer_turns: s.flow.callTurns,
      slots: known(s.memory, customer.facts),
      intent_score: s.intentScore,
      script_version: s.scriptVersion,
      last_turns: s.turns.slice(-6),
      last_decision: s.last ?? null,
      handoff: s.handoff ?? null,
      fallback: s.fallback ?? null,
    };
  }

  /** The agent took the call: the no-pickup fallback is off. */
  pickedUp(callId: string, agentId: string): void {
    const s = this.sessions.get(callId);
    if (!s?.handoff) throw new DialwiseError('NOT_FOUND', `call ${callId} has no transfer waiting`);
    clearTimeout(this.pickups.get(callId));
    this.pickups.delete(callId);
    s.handoff = { ...s.handoff, agent: agentId };
  }

  /** A new script version (the weekly update): new calls use it, calls in progress keep theirs. */
  rollOutScripts(library: ScriptLibrary): void {
    this.setup.scripts.add(library);
  }

  setAgentAvailable(agentId: string, available: boolean): void {
    const agent = this.setup.agents.find((a) => a.id === agentId);
    if (!agent) throw new DialwiseError('NOT_FOUND', `unknown agent ${agentId}`);
    agent.available = available;
  }

  /** Whom to call now, best first, with the pacing ratio the dialer should run at. */
  next(limit: number): Ranking & { pacingRatio: number } {
    const now = this.clock();
    const candidates = [...this.deps.candidates(now)].map((c) => this.withRevocations(c));
    return {
      ...rankNext(candidates, new Date(now), this.setup.dialing, this.answers, limit),
      pacingRatio: pacingRatio(this.pacer, this.setup.dialing.pacing),
    };
  }

  /** A consent change known to the API before the pipeline has applied it. */
  noteConsent(customerId: string, granted: boolean): void {
    if (granted) this.revoked.delete(customerId);
    else this.revoked.add(customerId);
  }

  /** Learns from what happened: answers by hour, pacing, experiment rewards, skills. */
  observe(events: readonly DialwiseEvent[]): void {
    for (const e of events) {
      if (e.type === 'call.answered' || e.type === 'call.unanswered') {
        const at = new Date(e.ts);
        this.learnAnswer(e.customer_id, at, e.type === 'call.answered');
        this.attempt(at, e.type === 'call.answered' ? 'connected' : 'unanswered');
      } else if (e.type === 'call.abandoned') {
        this.attempt(new Date(e.ts), 'abandoned');
      } else if (e.type === 'call.ended') {
        this.ended(e.call_id, e.outcome);
      }
    }
  }

  /**
   * What the engine learned before a restart, rebuilt from the store: the
   * outcome of every logged decision of an ended call (the experiments) and
   * whether recent calls were answered (the answer model).
   */
  restore(history: {
    rewards: Iterable<{ node: string; segment: string; variant: string; converted: boolean }>;
    answers: Iterable<{ customer_id: string; at: Date; answered: boolean }>;
  }): void {
    for (const r of history.rewards)
      record(this.setup.experiment, r.node, r.segment, r.variant, r.converted ? 1 : 0);
    for (const a of history.answers) this.learnAnswer(a.customer_id, a.at, a.answered);
  }

  private learnAnswer(customerId: string, at: Date, answered: boolean): void {
    const crm = this.deps.crm(customerId);
    const local = localTimeOf({ crm }, at, this.setup.dialing);
    const industry = typeof crm.industry === 'string' ? crm.industry : null;
    this.answers = observe(this.answers, industry, local, answered);
  }

  /** The script nodes and segments that have an experiment running. */
  experimentCells(): { node: string; segment: string; trials: number }[] {
    return cells(this.setup.experiment);
  }

  /** Per variant conversion, probability to be best and uplift, for a script node and segment. */
  experimentReport(node: string, segment: string): VariantReport[] {
    return report(this.setup.experiment, node, segment);
  }

  /** The dialer reports an answered call nobody was free to take (pacing). */
  attempt(at: Date, outcome: AttemptOutcome): void {
    this.pacer = recordAttempt(this.pacer, at, outcome, this.setup.dialing.pacing);
  }

  close(): void {
    for (const t of this.pickups.values()) clearTimeout(t);
    this.pickups.clear();
  }

  private ended(callId: string, outcome: Outcome): void {
    const s = this.sessions.get(callId);
    if (!s) return;
    const converted = outcome === 'converted';
    for (const v of s.spoken)
      record(this.setup.experiment, v.node, v.segment, v.variant, converted ? 1 : 0);
    const worker = s.handoff?.agent ?? 'bot';
    this.skills = recordOutcome(this.skills, worker, s.productLine, converted);
    clearTimeout(this.pickups.get(callId));
    this.pickups.delete(callId);
    this.sessions.delete(callId);
  }

  private session(req: TurnRequest, now: number): Session {
    let s = this.sessions.get(req.call_id);
    if (s && s.customerId !== req.customer_id)
      throw new DialwiseError(
        'BAD_REQUEST',
        `call ${req.call_id} belongs to customer ${s.customerId}, not ${req.customer_id}`,
      );
    if (!s) {
      if (this.sessions.size % 1000 === 0) this.evictIdle(now);
      s = {
        callId: req.call_id,
        customerId: req.customer_id,
        campaignId: req.campaign_id,
        productLine: req.product_line ?? 'default',
        // A call keeps the script version it started on when a new one is rolled out.
        scriptVersion: this.setup.scripts.current().version,
        flow: startState(this.setup.flow, req.campaign_id),
        memory: EMPTY_MEMORY,
        counters: initialCounters(),
        signals: newCallSignals(),
        voice: [],
        turns: [],
        intentScore: 0,
        spoken: [],
        touchedAt: now,
      };
      this.sessions.set(req.call_id, s);
    }
    s.touchedAt = now;
    return s;
  }

  private evictIdle(now: number): void {
    for (const [id, s] of this.sessions) if (now - s.touchedAt > IDLE_MS) this.sessions.delete(id);
  }

  private customer(customerId: string, now: number): CustomerView {
    return this.withRevocations(this.deps.customer(customerId, now));
  }

  private withRevocations(c: CustomerView): CustomerView {
    return this.revoked.has(c.customerId) ? { ...c, doNotCall: true } : c;
  }

  private understand(s: Session, req: TurnRequest): TurnSignals {
    const { turn } = this.deps.models();
    const intent = turn.intent(req.text);
    const voice = req.prosody ? voiceImpatience(s.voice, req.prosody) : null;
    const emotion = fuseEmotion(turn.emotion(req.text), voice);
    return {
      text: req.text,
      intent: intent.intent,
      intentConfidence: intent.confidence,
      outOfScope: intent.outOfScope,
      emotion: emotion.label,
      valence: emotion.valence,
      impatience: emotion.impatience,
      asrConfidence: req.asr_confidence,
      slots: turn.slots(req.text),
    };
  }

  /**
   * The line for a script node: among the variants that fit the customer
   * (the tag- or industry-matched ones where any fit) and can be filled
   * from what is known, the experiment picks one; the compliance guard
   * checks it before it is returned.
   */
  private line(
    s: Session,
    nodeId: string,
    customer: CustomerView,
    segment: string,
    concise: boolean,
  ) {
    const library = this.setup.scripts.get(s.scriptVersion);
    const node = scriptNode(library, nodeId);
    const slots = this.slotValues(s, customer);
    const fits = eligibleVariants(library, nodeId, customer);
    const matched = fits.filter((v) => v.match);
    const renderable = (matched.length ? matched : fits).filter(
      (v) => render(v, slots, concise) !== undefined,
    );
    if (renderable.length === 0) {
      const { text, blocked } = guardLine(node.safe, this.deps.checkBotLine, node.safe);
      return { text, blocked, variant: 'safe', propensity: 1 };
    }
    const { variant, propensity } = allocate(
      this.setup.experiment,
      nodeId,
      segment,
      renderable.map((v) => v.id),
      this.rng,
    );
    const chosen = renderable.find((v) => v.id === variant)!;
    const { text, blocked } = guardLine(
      render(chosen, slots, concise)!,
      this.deps.checkBotLine,
      node.safe,
    );
    return { text, blocked, variant, propensity };
  }

  private slotValues(s: Session, customer: CustomerView): Record<string, string | undefined> {
    const facts = known(s.memory, customer.facts);
    const industry = customer.crm.industry;
    const product = PRODUCTS[s.productLine] ?? PRODUCTS.default!;
    return {
      product: product.name,
      benefit: product.benefit,
      channel: '邮箱',
      callback_time: facts.timeline,
      budget: facts.budget,
      timeline: facts.timeline,
      competitor: facts.competitor,
      industry: typeof industry === 'string' ? industry : undefined,
      agent: s.handoff?.agent ?? undefined,
    };
  }

  /** A transfer the flow decided (e.g. a request for a person) under its own reason. */
  private flowTrigger(reason: string): Trigger {
    const id = 'dialog_flow';
    return (
      this.setup.transfer.triggers.find((t) => t.id === id) ?? {
        id,
        description: reason,
        enabled: true,
        priority: 0,
        queue: 'general',
        when: {},
      }
    );
  }

  private handOff(
    s: Session,
    trigger: Trigger,
    signals: TurnSignals,
    customer: CustomerView,
    now: number,
  ): NonNullable<Decision['transfer']> {
    const handoff = buildHandoff({
      trigger,
      state: s.flow.name,
      signals,
      memorySlots: known(s.memory, customer.facts),
      customer,
      lastTurns: s.turns,
      callId: s.callId,
    });
    const agent = chooseAgent(
      this.setup.agents,
      { queue: handoff.queue, productLine: s.productLine },
      this.skills,
    );
    const { timeoutMs } = this.setup.transfer.noPickup;
    const result = {
      ...handoff,
      agent: agent?.id ?? null,
      pickup_deadline: agent ? new Date(now + timeoutMs).toISOString() : null,
    };
    s.handoff = result;
    this.deps.pushHandoff(result);
    const fallback = () => {
      const { fallback: action, alert } = onNoPickup(handoff, this.setup.transfer);
      s.fallback = action;
      this.deps.alert(alert);
    };
    if (!agent) fallback();
    else {
      agent.lastAssignedAt = now;
      const timer = setTimeout(fallback, timeoutMs);
      timer.unref();
      this.pickups.set(s.callId, timer);
    }
    return result;
  }

  private emitTurn(s: Session, req: TurnRequest, d: Decision, now: number): void {
    const base = { schema_version: 1 as const, customer_id: s.customerId, call_id: s.callId };
    const ts = new Date(now).toISOString();
    const turnNo = s.flow.callTurns * 2;
    const events: DialwiseEvent[] = [
      {
        ...base,
        event_id: randomUUID(),
        type: 'dialog.turn',
        ts,
        turn: turnNo - 1,
        speaker: 'customer',
        text: req.text,
        asr_confidence: req.asr_confidence,
        ...(req.prosody && { prosody: req.prosody }),
      },
      {
        ...base,
        event_id: d.decision_id,
        type: 'dialog.turn',
        ts,
        turn: turnNo,
        speaker: 'bot',
        text: d.text,
        asr_confidence: 1,
      },
    ];
    if (d.transfer)
      events.push({
        ...base,
        event_id: randomUUID(),
        type: 'call.transferred',
        ts,
        reason: d.transfer.reason.trigger,
        queue: d.transfer.queue,
      });
    if (d.state === 'do_not_call') {
      this.revoked.add(s.customerId);
      events.push({
        event_id: randomUUID(),
        type: 'consent.changed',
        ts,
        schema_version: 1,
        customer_id: s.customerId,
        scope: 'call',
        granted: false,
      });
    }
    this.deps.emit(events);
  }
}

/** What the bot says of each product line (the simulator's lines). */
const PRODUCTS: Record<string, { name: string; benefit: string }> = {
  wealth: { name: '稳盈理财服务', benefit: '打理闲置资金、提高资金使用效率' },
  insurance: { name: '企业保障计划', benefit: '转移经营中的意外风险' },
  credit_card: { name: '商务信用卡', benefit: '统一管理差旅和采购支出' },
  loan: { name: '经营贷服务', benefit: '解决短期周转资金需求' },
  default: { name: '我们的产品', benefit: '提升运营效率' },
};
