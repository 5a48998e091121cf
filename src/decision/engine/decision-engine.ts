import type { Clock } from '../../core/clock.js';
import { DialwiseError } from '../../core/errors.js';
import type { DialwiseEvent, Outcome } from '../../core/events/index.js';
import type { CustomerView } from '../customer-view.js';
import {
  contactCheck,
  localTimeOf,
  newAnswerModel,
  newPacer,
  observe,
  pacingRatio,
  rankNext,
  recordAttempt,
  type AnswerModel,
  type AttemptOutcome,
  type ContactRequest,
  type Eligibility,
  type PacerState,
  type Ranking,
} from '../dialing/index.js';
import {
  cells,
  loadScripts,
  record,
  report,
  type ScriptLibrary,
  type VariantReport,
} from '../scripts/index.js';
import { recordOutcome, type SkillModel } from '../transfer/index.js';
import {
  addTurn,
  callContext,
  IDLE_MS,
  newSession,
  TURN_IDS_KEPT,
  type Session,
} from './call-session.js';
import { generationAsk, settledLine, type TurnDraft } from './engine-generate.js';
import type { Decision, DecisionDeps, DecisionSetup, TurnRequest } from './engine-contract.js';
import { agentState, cellArms, type EngineState } from './engine-journal.js';
import { decide, speak, type SpeakContext } from './engine-speak.js';
import { DialingGate } from './dialing-gate.js';
import { assistAgent, awaitPickup, handOver, type PendingPickups } from './engine-transfer.js';
import { PendingContacts } from './pending-contacts.js';
import { stepTurn } from './understand-turn.js';
import { decisionRecord, turnEvents } from './turn-events.js';
import { withCallback } from './callback-events.js';
import { dialRecords } from './dial-log.js';
import { decisionContextOf } from './decision-context.js';

/**
 * The live decision layer: per call turn it understands the utterance with
 * the served models, updates the call's memory, checks the transfer
 * triggers, steps the dialog flow and picks a compliant line from the
 * script library (variant by the running experiment). State lives in memory
 * per call; facts go out as events, so a slow event stream never delays or
 * loses a decision. Time comes from the injected clock, read once per
 * request.
 */
export class DecisionEngine {
  private readonly sessions = new Map<string, Session>();
  private answers: AnswerModel;
  private pacer: PacerState;
  private skills: SkillModel;
  /** Consent changes and touches in force before the pipeline has applied them. */
  private readonly pending = new PendingContacts();
  /** The no-pickup fallback timers of transfers waiting for an agent, by call. */
  private readonly pickups: PendingPickups = new Map();
  private readonly gate = new DialingGate();
  private readonly clock: Clock;
  private readonly rng: () => number;
  private readonly speech: SpeakContext;

  constructor(
    private readonly setup: DecisionSetup,
    private readonly deps: DecisionDeps,
  ) {
    this.clock = deps.clock;
    this.rng = deps.rng ?? Math.random;
    this.answers = newAnswerModel(setup.dialing);
    this.pacer = newPacer(setup.dialing.pacing);
    this.skills = setup.skills;
    this.speech = { setup, checkBotLine: deps.checkBotLine, rng: this.rng };
  }

  /**
   * Decides the bot's answer to one customer turn. A refused (dialing-gate.ts), ended
   * or transferred call keeps answering with its last decision.
   */
  turn(req: TurnRequest): Decision {
    const t = this.draft(req, false);
    return 'decision_id' in t ? t : this.settle(t);
  }

  /**
   * As turn(), but where config/generation.json lets this turn's line be
   * generated (deps.generate), it is, within its deadline; the template is
   * spoken when it is not. A second turn of the call meanwhile is refused.
   */
  async converse(req: TurnRequest): Promise<Decision> {
    const t = this.draft(req, true);
    if ('decision_id' in t) return t;
    if (!t.ask || !this.deps.generate) return this.settle(t);
    t.s.deciding = true;
    t.generated = await this.deps.generate(t.ask).finally(() => delete t.s.deciding);
    // Erased, ended or taken over by another replica while the line was made: nothing to answer for.
    if (this.sessions.get(t.s.callId) !== t.s)
      throw new DialwiseError('UNAVAILABLE', `call ${t.s.callId} moved; send the turn again`, {
        retryAfterS: 1,
      });
    return this.settle(t);
  }

  /** A turn decided up to its line: settled at once, or once its line is generated. */
  private draft(req: TurnRequest, generative: boolean): Decision | TurnDraft {
    const started = performance.now();
    const nowMs = this.clock.now();
    const s = this.session(req, nowMs);
    // A turn decided already (a retry, a copy from before a takeover): the last decision, not a new turn.
    if (req.turn_id !== undefined && s.last && s.turnIds?.includes(req.turn_id)) return s.last;
    if (s.deciding)
      throw new DialwiseError('CONFLICT', `a turn of call ${s.callId} is being decided`);
    const customer = this.customer(s.customerId, nowMs);
    const flag = this.gate.check({ s, req, customer, nowMs }, this.setup.dialing, this.deps);
    if (s.last && s.last.action !== 'say') return s.last;
    const { signals, scored, trigger, stepped } = stepTurn(this.setup, this.deps.models(), {
      s,
      req,
      customer,
      nowMs,
    });
    s.flow = stepped.state;
    s.turns.push({ speaker: 'customer', text: req.text });
    const context = decisionContextOf(customer, nowMs, this.setup.dialing, s);
    const heard = { signals, customer: scored, moved: stepped.moved };
    const spoken = speak(this.speech, s, heard, context);
    const decision = { ...decide(this.setup, s, signals, spoken, stepped.reason), ...flag };
    const acts = { deps: this.deps, clock: this.clock, pickups: this.pickups };
    handOver({ setup: this.setup, skills: this.skills, nowMs, ...acts }, s, decision, {
      trigger,
      reason: stepped.reason,
      signals,
      customer: scored,
    });
    const t: TurnDraft = { s, req, decision, spoken, signals, nowMs, started, context };
    const ask =
      generative && this.deps.generate ? generationAsk(this.speech, t, scored) : undefined;
    return ask ? { ...t, ...ask } : t;
  }

  /** The turn's line said: remembered, journaled, its events out and its decision logged. */
  private settle(t: TurnDraft): Decision {
    const { s, req, signals, nowMs, context } = t;
    const { decision, spoken, arms } = settledLine(t);
    addTurn(s, { speaker: 'bot', text: spoken.line.text });
    s.spoken.push(...arms);
    s.last = decision;
    if (req.turn_id !== undefined)
      s.turnIds = [...(s.turnIds ?? []), req.turn_id].slice(-TURN_IDS_KEPT);
    const said = turnEvents(s, req, decision, nowMs, signals.optOut);
    const events = withCallback(said, signals.slots.callbackAt);
    if (decision.state === 'do_not_call') this.pending.noteOptOut(s.customerId, events, nowMs);
    // Written down before it is answered: a restarted process goes on from here.
    this.deps.journal?.({ k: 'session', s, events });
    this.deps.emit(events);
    const micros = Math.round((performance.now() - t.started) * 1000);
    this.deps.log(decisionRecord(s, decision, spoken, nowMs, micros, context));
    return decision;
  }

  /** What an agent (or the dialer) needs to know about a call in progress. */
  context(callId: string) {
    const s = this.sessions.get(callId);
    return s && callContext(s, this.customer(s.customerId, this.clock.now()));
  }

  /** The agent took the call: the no-pickup fallback is off. */
  pickedUp(callId: string, agentId: string): void {
    const s = this.sessions.get(callId);
    if (!s?.handoff) throw new DialwiseError('NOT_FOUND', `call ${callId} has no transfer waiting`);
    this.cancelPickup(callId);
    s.handoff = { ...s.handoff, agent: agentId };
    s.pickedUpAt = this.clock.now();
    this.deps.journal?.({ k: 'session', s });
  }

  /** A new script version (the weekly update): new calls use it, calls in progress keep theirs. */
  rollOutScripts(library: ScriptLibrary): void {
    this.setup.scripts.add(library);
    this.deps.journal?.({ k: 'scripts', library });
  }

  /** A version loaded before made current again (a rollback), journaled as a roll-out is. */
  rollBackScripts(version: string): void {
    this.setup.scripts.use(version);
    this.deps.journal?.({ k: 'scripts', library: this.setup.scripts.get(version) });
  }

  /** The script versions loaded, the current one last. */
  readonly scriptVersions = (): ScriptLibrary[] => this.setup.scripts.all();

  setAgentAvailable(agentId: string, available: boolean): void {
    const agent = this.setup.agents.find((a) => a.id === agentId);
    if (!agent) throw new DialwiseError('NOT_FOUND', `unknown agent ${agentId}`);
    agent.available = available;
    this.deps.journal?.({ k: 'agents', agents: [agentState(agent)] });
  }

  /** Whom to call now for the campaign, best first, with the pacing ratio the dialer should run at. */
  next(limit: number, campaignId?: string): Ranking & { pacingRatio: number } {
    const nowMs = this.clock.now();
    const candidates = [...this.deps.candidates(nowMs)].map((c) => this.pending.apply(c));
    const { dialing } = this.setup;
    const ranking = rankNext(candidates, nowMs, dialing, this.answers, limit, campaignId);
    for (const r of dialRecords(ranking, candidates, nowMs, dialing, campaignId)) this.deps.log(r);
    return { ...ranking, pacingRatio: pacingRatio(this.pacer, dialing.pacing) };
  }

  /** Whether a sender may reach the customer now on a channel (POST /outreach/check). */
  check(customerId: string, req: ContactRequest): Eligibility {
    const nowMs = this.clock.now();
    const c = this.deps.contact?.(customerId, nowMs) ?? this.deps.customer(customerId, nowMs);
    return contactCheck(this.pending.apply(c), req, nowMs, this.setup.dialing);
  }

  /** Events accepted by the API: their consent changes and touches bind the next check at once. */
  readonly noteAccepted = (events: readonly DialwiseEvent[]): void =>
    this.pending.note(events, this.clock.now());

  /** Learns from what happened (answers by hour, pacing, rewards, skills); warns agents; forgets the erased. */
  observe(events: readonly DialwiseEvent[]): void {
    for (const e of events) {
      if (e.type === 'call.answered' || e.type === 'call.unanswered') {
        const atMs = Date.parse(e.ts);
        this.learnAnswer(e.customer_id, atMs, e.type === 'call.answered');
        this.pace(atMs, e.type === 'call.answered' ? 'connected' : 'unanswered');
      } else if (e.type === 'call.abandoned') this.pace(Date.parse(e.ts), 'abandoned');
      else if (e.type === 'call.ended') this.ended(e.call_id, e.outcome);
      else if (e.type === 'dialog.turn' && e.speaker === 'agent') assistAgent(this.deps, e);
      else if (e.type === 'customer.erased') {
        // Their calls in progress go too: a session's turns and memory hold their words.
        this.drop((s) => s.customerId === e.customer_id);
        this.pending.forget(e.customer_id);
      }
    }
  }

  /** Rebuilt from the store: experiments from ended calls' decisions (no journal yet), the answer model. */
  restore(history: {
    rewards: Iterable<{ node: string; segment: string; variant: string; converted: boolean }>;
    answers: Iterable<{ customer_id: string; at: Date; answered: boolean }>;
  }): void {
    for (const r of history.rewards)
      record(this.setup.experiment, r.node, r.segment, r.variant, r.converted ? 1 : 0);
    for (const a of history.answers) this.learnAnswer(a.customer_id, a.at.getTime(), a.answered);
  }

  /**
   * Goes on from the state a journal recorded (engine-journal.ts): the live
   * calls where they were, the experiments' arms and skills as they were,
   * agents, script versions.
   */
  resume(state: EngineState): void {
    this.setup.scripts.resume(state.libraries, (l) => loadScripts(l, this.deps.checkBotLine));
    for (const a of this.setup.agents) Object.assign(a, state.agents.get(a.id));
    for (const [node, bySegment] of Object.entries(state.cells))
      for (const [segment, arms] of Object.entries(bySegment))
        (this.setup.experiment.cells[node] ??= {})[segment] = { arms, cache: null };
    this.skills = { ...this.skills, outcomes: state.outcomes };
    this.adopt(state.sessions.values(), [...state.unsent.values()]);
  }

  /**
   * Goes on with live calls recorded elsewhere (a journal, a replica's
   * changelog) where they were; `events`: what was emitted and may not have
   * reached the pipeline, in force at once.
   */
  adopt(sessions: Iterable<Session>, events: readonly DialwiseEvent[]): void {
    const nowMs = this.clock.now();
    this.pending.note(events, nowMs);
    for (const s of sessions) {
      this.cancelPickup(s.callId);
      this.sessions.set(s.callId, s);
      const own =
        s.flow.name === 'do_not_call'
          ? events.filter((e) => 'call_id' in e && e.call_id === s.callId)
          : [];
      if (own.length) this.pending.noteOptOut(s.customerId, own, nowMs);
      awaitPickup(this.setup.transfer, s, this.deps, this.pickups);
    }
  }

  /** Lets go of the live calls another replica decides now: nothing ended, learned or journaled. */
  release(leaving: (s: Session) => boolean): string[] {
    const ids = [...this.sessions.values()].filter(leaving).map((s) => s.callId);
    for (const id of ids) {
      this.cancelPickup(id);
      this.sessions.delete(id);
    }
    return ids;
  }

  /** What a journal's compaction writes: the state as it is now (unsent events are the journal's). */
  durableState(): Omit<EngineState, 'unsent' | 'unwritten'> {
    return {
      sessions: this.sessions,
      cells: cellArms(this.setup.experiment),
      outcomes: this.skills.outcomes,
      agents: new Map(this.setup.agents.map((a) => [a.id, agentState(a)])),
      libraries: this.setup.scripts.all(),
    };
  }

  /** The script nodes and segments that have an experiment running. */
  experimentCells(): { node: string; segment: string; trials: number }[] {
    return cells(this.setup.experiment);
  }

  /** Per variant conversion, probability to be best and uplift, for a script node and segment. */
  experimentReport(node: string, segment: string): VariantReport[] {
    return report(this.setup.experiment, node, segment);
  }

  /** How a dial ended (pacing), e.g. answered with nobody free; `at` is when (else the clock's now). */
  attempt(at: Date | undefined, outcome: AttemptOutcome): void {
    this.pace(at ? at.getTime() : this.clock.now(), outcome);
  }

  close(): void {
    for (const cancel of this.pickups.values()) cancel();
    this.pickups.clear();
  }

  private pace(atMs: number, outcome: AttemptOutcome): void {
    this.pacer = recordAttempt(this.pacer, atMs, outcome, this.setup.dialing.pacing);
  }

  private learnAnswer(customerId: string, atMs: number, answered: boolean): void {
    const crm = this.deps.crm(customerId);
    const local = localTimeOf({ crm }, atMs, this.setup.dialing);
    const industry = typeof crm.industry === 'string' ? crm.industry : null;
    this.answers = observe(this.answers, industry, local, answered);
  }

  private ended(callId: string, outcome: Outcome): void {
    const s = this.sessions.get(callId);
    if (!s) return;
    const converted = outcome === 'converted';
    for (const v of s.spoken)
      record(this.setup.experiment, v.node, v.segment, v.variant, converted ? 1 : 0);
    // Every segment of a rewarded node, whose arms (stops included) the record sets as they are now.
    const cells = cellArms(this.setup.experiment, [...new Set(s.spoken.map((v) => v.node))]);
    const worker = s.handoff?.agent ?? 'bot';
    this.skills = recordOutcome(this.skills, worker, s.productLine, converted);
    const outcomes = {
      [worker]: { [s.productLine]: this.skills.outcomes[worker]![s.productLine]! },
    };
    this.cancelPickup(callId);
    this.sessions.delete(callId);
    this.deps.journal?.({ k: 'end', callIds: [callId], cells, outcomes });
  }

  /** Calls gone without an outcome (erased, idle). */
  private drop(which: (s: Session) => boolean): void {
    const callIds = this.release(which);
    if (callIds.length) this.deps.journal?.({ k: 'end', callIds });
  }

  private cancelPickup(callId: string): void {
    this.pickups.get(callId)?.();
    this.pickups.delete(callId);
  }

  private session(req: TurnRequest, nowMs: number): Session {
    let s = this.sessions.get(req.call_id);
    if (s && s.customerId !== req.customer_id)
      throw new DialwiseError(
        'CONFLICT',
        `call ${req.call_id} belongs to customer ${s.customerId}, not ${req.customer_id}`,
      );
    if (!s) {
      if (this.sessions.size % 1000 === 0) this.evictIdle(nowMs);
      s = newSession(this.setup, req, nowMs);
      this.sessions.set(req.call_id, s);
    }
    s.touchedAt = nowMs;
    return s;
  }

  private evictIdle(nowMs: number): void {
    this.drop((s) => nowMs - s.touchedAt > IDLE_MS);
  }

  private customer(customerId: string, nowMs: number): CustomerView {
    return this.pending.apply(this.deps.customer(customerId, nowMs));
  }
}
