/**
 * The contact-centre twin's world: the scenario's customers and agents, who
 * answers when, what they say, and the latent truth an oracle policy and a
 * regret measure read. Pure and seeded: no I/O, no platform imports; the same
 * seed gives the same customers, and each draw comes from the `Rng` the
 * caller passes, so a driver replays a run exactly.
 */
import type { Rng } from '../core/rng.js';
import { SimConversation, affordability } from './conversation.js';
import { logNormal } from './draws.js';
import { anomaliesAt, answerChance, bestOf, conversionOf } from './oracle.js';
import { population } from './population.js';
import type { Anomaly, Scenario, Segment } from './scenario.js';
import type { Conversation, HeardLine, SimAgent, SimCustomer } from './types.js';

export type {
  BotLine,
  Conversation,
  CustomerAct,
  CustomerTurn,
  HeardLine,
  Prosody,
  SimAgent,
  SimCustomer,
} from './types.js';

/** Within this long of the time a customer named, they pick up as promised. */
const PROMISE_WINDOW_MS = 30 * 60_000;
/** How likely a customer answers the callback they asked for. */
const PROMISE_KEPT = 0.85;
/** Of the dials not answered: share busy and share sent to voicemail (the rest ring out). */
const BUSY = 0.2;
const VOICEMAIL = 0.2;

export type DialResult =
  { answered: true } | { answered: false; reason: 'no_answer' | 'busy' | 'voicemail' };

export interface World {
  readonly scenario: Scenario;
  readonly customers: readonly SimCustomer[];
  readonly agents: readonly SimAgent[];
  /** The probability the customer picks up at atMs (local hour, weekday, segment, anomalies in force, a callback they asked for). */
  answerProbability(c: SimCustomer, atMs: number): number;
  dial(c: SimCustomer, atMs: number, rng: Rng): DialResult;
  converse(c: SimCustomer, atMs: number, rng: Rng): Conversation;
  /** Seconds until the agent picks up, or undefined when they do not. */
  pickupSeconds(agent: SimAgent, rng: Rng): number | undefined;
  /** The latent truth, for the oracle policy and for regret: the best variant per node for a segment at atMs and its multiplier. */
  bestVariant(
    segment: string,
    node: string,
    atMs: number,
  ): { variant: string; multiplier: number } | undefined;
  /** The customer's true conversion probability if the call goes through these lines and reaches the close (what the oracle maximises). */
  conversionProbability(c: SimCustomer, lines: readonly HeardLine[], atMs: number): number;
  /** The time the customer last asked to be called back at (ms epoch), as they said it on a call. */
  callbackAt(customerId: string): number | undefined;
  /** The segment's parameters, as the scenario states them. */
  segment(id: string): Segment;
  /** The anomalies in force at atMs (for measuring alert delay). */
  anomaliesAt(atMs: number): readonly Anomaly[];
}

/**
 * The lines of a node the platform may say to a customer of the segment who
 * carries no tags yet (its script library's variants for their industry);
 * undefined where the driver does not know the node.
 */
export type LinesFor = (segment: Segment, node: string) => readonly string[] | undefined;

/**
 * The world of a scenario. `lines`: what the platform may say to each
 * segment, so `bestVariant` picks among those (the ones the scenario does
 * not name at 1), as the platform could; without it, among the variants
 * the scenario names.
 */
export function createWorld(scenario: Scenario, seed: number, lines?: LinesFor): World {
  const segments = new Map(scenario.segments.map((s) => [s.id, s]));
  const segmentOf = (id: string): Segment => {
    const s = segments.get(id);
    if (!s) throw new Error(`no segment "${id}" in scenario ${scenario.name}`);
    return s;
  };
  const customers = population(scenario, seed);
  const agents: SimAgent[] = scenario.agents.map((a) => ({ ...a, skills: { ...a.skills } }));
  /** The callback each customer last asked for (ms epoch). */
  const promised = new Map<string, number>();

  const answerProbability = (c: SimCustomer, atMs: number): number => {
    let p = answerChance(scenario, segmentOf(c.segment), c, atMs);
    const promise = promised.get(c.id);
    if (promise !== undefined && Math.abs(atMs - promise) <= PROMISE_WINDOW_MS) {
      p = Math.max(p, PROMISE_KEPT);
    }
    return p;
  };

  return {
    scenario,
    customers,
    agents,
    answerProbability,
    dial(c, atMs, rng) {
      if (rng() < answerProbability(c, atMs)) return { answered: true };
      const u = rng();
      return {
        answered: false,
        reason: u < BUSY ? 'busy' : u < BUSY + VOICEMAIL ? 'voicemail' : 'no_answer',
      };
    },
    converse: (c, atMs, rng) =>
      new SimConversation({
        scenario,
        customer: c,
        segment: segmentOf(c.segment),
        anomalies: anomaliesAt(scenario, atMs),
        atMs,
        rng,
        onCallback: (at) => promised.set(c.id, at),
      }),
    pickupSeconds: (agent, rng) =>
      rng() < agent.noPickup
        ? undefined
        : Math.round(logNormal(rng, agent.pickup.medianS, agent.pickup.p95S) * 10) / 10,
    bestVariant: (segment, node, atMs) =>
      bestOf(
        segmentOf(segment),
        node,
        anomaliesAt(scenario, atMs),
        lines?.(segmentOf(segment), node),
      ),
    conversionProbability: (c, lines, atMs) =>
      conversionOf(
        c.propensity * affordability(c, scenario),
        segmentOf(c.segment),
        lines,
        anomaliesAt(scenario, atMs),
      ),
    callbackAt: (id) => promised.get(id),
    segment: segmentOf,
    anomaliesAt: (atMs) => anomaliesAt(scenario, atMs),
  };
}
