import type { DialwiseEvent, Outcome } from '../core/events/index.js';
import type { Rng } from '../core/rng.js';
import type { AgentPool } from './agent-pool.js';
import { scriptedLine } from './scripted-bot.js';
import type { SpokenLine } from './tally.js';
import type { TwinTarget } from './target.js';
import type {
  BotLine,
  Conversation,
  CustomerAct,
  CustomerTurn,
  SimCustomer,
  World,
} from './world.js';

/** What one answered call came to, whoever talked. */
export interface Talk {
  scriptSeconds: number;
  agentSeconds: number;
  outcome: Outcome;
  lines: SpokenLine[];
  /** Seconds from a transfer's trigger to the pickup; null: it reached the fallback. */
  handoff?: number | null;
  optOut: boolean;
  complaint: boolean;
  /** When the customer asked to be called back. */
  callbackAt?: number;
  refused?: string;
  /** What the call adds to the platform's events beyond started/answered/ended (agents' corrections). */
  events: DialwiseEvent[];
}

export interface CallContext {
  world: World;
  rng: Rng;
  agents: AgentPool;
  atMs: number;
  callId: string;
  customer: SimCustomer;
  /** A call on the wall clock (`live-calls.ts`); absent on a virtual clock, where the whole call happens at `atMs`. */
  realTime?: RealTime;
}

/**
 * What a call on the wall clock does in real time: the customer's pause
 * before each line (the bot's line spoken, the answer thought of), the
 * agent's time to pick up, and deadlines read against the time now.
 */
export interface RealTime {
  now(): number;
  /** Resolves when the customer says their next line; rejects when the call is hung up. */
  beforeTurn(): Promise<void>;
  sleep(seconds: number): Promise<void>;
}

/** A customer talks at most this many turns before the twin hangs up for them. */
const MAX_TURNS = 24;
/** How long a transfer may wait for pickup before the platform's fallback (its default deadline). */
const DEFAULT_DEADLINE_S = 30;

/** The intent an agent writes in a correction for what the customer really did. */
const INTENT_OF: Partial<Record<CustomerAct, string>> = {
  greet: 'greeting',
  ask_who: 'ask_who',
  interested: 'interested',
  ask_price: 'ask_price',
  objection_price: 'objection_price',
  objection_competitor: 'objection_competitor',
  busy: 'objection_timing',
  callback: 'request_callback',
  ask_human: 'request_human',
  opt_out: 'opt_out',
  complaint: 'complaint',
  agree: 'agree_purchase',
  reject: 'not_interested',
};

/** A call's talk before anyone has spoken. */
export const newTalk = (): Talk => ({
  scriptSeconds: 0,
  agentSeconds: 0,
  outcome: 'no_decision',
  lines: [],
  optOut: false,
  complaint: false,
  events: [],
});

function noted(talk: Talk, turn: CustomerTurn, atMs: number): void {
  if (turn.act === 'opt_out') talk.optOut = true;
  if (turn.act === 'complaint') talk.complaint = true;
  if (turn.act === 'callback' && turn.callbackAt !== undefined && turn.callbackAt > atMs)
    talk.callbackAt = turn.callbackAt;
}

const spoken = (l: BotLine): SpokenLine => ({
  script_id: l.script_id,
  variant: l.variant,
  concise: l.concise,
});

/**
 * A transfer: the agent the call was routed to (or the first free) picks up
 * within the deadline, or the call reaches the fallback.
 */
function handOver(
  ctx: CallContext,
  conv: Conversation,
  talk: Talk,
  routed: { agent?: string | null; deadlineS?: number },
): { agentId?: string } {
  const a = ctx.agents.assign(routed.agent, ctx.atMs, ctx.rng);
  const waited = a && a.pickupS !== undefined ? a.waitS + a.pickupS : undefined;
  if (!a || waited === undefined || waited > (routed.deadlineS ?? DEFAULT_DEADLINE_S)) {
    talk.handoff = null;
    return {};
  }
  talk.handoff = waited;
  const withAgent = conv.withAgent(a.agent);
  talk.agentSeconds += withAgent.seconds;
  talk.outcome = withAgent.outcome;
  ctx.agents.busy(a.agent.id, ctx.atMs + (talk.scriptSeconds + waited + withAgent.seconds) * 1000);
  return { agentId: a.agent.id };
}

/**
 * A call by the twin's scripted caller: the oracle's bot (best variants in
 * the segment's better tone, transfers to agents) or the naive centre's agents reading the fixed
 * script (every minute an agent minute).
 */
export function talkScripted(
  ctx: CallContext,
  variantOf: (node: string) => string,
  staff: 'bot' | 'agent',
  concise = false,
): Talk {
  const conv = ctx.world.converse(ctx.customer, ctx.atMs, ctx.rng);
  const talk = newTalk();
  let turn: CustomerTurn | undefined = conv.opening();
  let line: BotLine | undefined;
  for (let n = 0; turn && n < MAX_TURNS; n++) {
    noted(talk, turn, ctx.atMs);
    line = scriptedLine(line, turn.act, variantOf, concise);
    talk.lines.push(spoken(line));
    if (line.action === 'transfer' && staff === 'bot') {
      talk.scriptSeconds = conv.seconds();
      handOver(ctx, conv, talk, {});
      if (talk.handoff !== null) return talk;
      break;
    }
    if (line.action !== 'say') break;
    turn = conv.reply(line);
  }
  talk.outcome = conv.outcome();
  if (staff === 'bot') talk.scriptSeconds = conv.seconds();
  else talk.agentSeconds = conv.seconds();
  return talk;
}

/**
 * A call through the platform: each customer turn to `POST /dialog/turn`,
 * the line it answers spoken to the simulated customer; a transfer to the
 * routed agent, who picks up (`POST /dialog/pickup`) and corrects the
 * intents the platform misheard.
 */
export async function talkPlatform(ctx: CallContext, target: TwinTarget): Promise<Talk> {
  const { customer: c } = ctx;
  const conv = ctx.world.converse(c, ctx.atMs, ctx.rng);
  const talk = newTalk();
  const heard: { turn: number; act: CustomerAct; intent: string }[] = [];
  let turn: CustomerTurn | undefined = conv.opening();
  for (let n = 1; turn && n <= MAX_TURNS; n++) {
    noted(talk, turn, ctx.atMs);
    await ctx.realTime?.beforeTurn();
    const d = await target.decisions.turn({
      call_id: ctx.callId,
      customer_id: c.id,
      campaign_id: target.campaignId,
      product_line: c.productLine,
      text: turn.text,
      asr_confidence: turn.asr_confidence,
      prosody: turn.prosody,
    });
    heard.push({ turn: 2 * n - 1, act: turn.act, intent: d.intent });
    const rule = (d as { rule?: string }).rule;
    if (rule && d.action === 'end') {
      talk.refused = rule;
      break;
    }
    const line: BotLine = {
      text: d.text,
      state: d.state,
      script_id: d.script_id,
      variant: d.variant,
      concise: d.concise,
      action: d.action,
    };
    if (d.variant !== 'safe') talk.lines.push(spoken(line));
    if (d.action === 'transfer') {
      talk.scriptSeconds = conv.seconds();
      const deadline = d.transfer?.pickup_deadline;
      const now = ctx.realTime?.now() ?? ctx.atMs;
      const deadlineS = deadline ? (Date.parse(deadline) - now) / 1000 : undefined;
      const { agentId } = handOver(ctx, conv, talk, {
        agent: d.transfer?.agent,
        ...(deadlineS !== undefined && { deadlineS }),
      });
      if (agentId) {
        await ctx.realTime?.sleep(talk.handoff ?? 0);
        await target.decisions.pickup({ call_id: ctx.callId, agent_id: agentId });
        talk.events.push(...corrections(ctx, heard, agentId));
        return talk;
      }
      break;
    }
    if (d.action !== 'say') break;
    turn = conv.reply(line);
  }
  talk.outcome = conv.outcome();
  talk.scriptSeconds = conv.seconds();
  return talk;
}

/** The agent's corrections: each customer turn whose heard intent was not what the customer meant. */
function corrections(
  ctx: CallContext,
  heard: { turn: number; act: CustomerAct; intent: string }[],
  agentId: string,
): DialwiseEvent[] {
  const ts = new Date(ctx.atMs).toISOString();
  return heard.flatMap((h, i) => {
    const meant = INTENT_OF[h.act];
    if (!meant || meant === h.intent) return [];
    return [
      {
        event_id: `${ctx.callId}-fix-${i}`,
        type: 'correction.submitted' as const,
        ts,
        schema_version: 1 as const,
        customer_id: ctx.customer.id,
        call_id: ctx.callId,
        turn: h.turn,
        corrected_intent: meant,
        submitted_by: agentId,
      },
    ];
  });
}
