import type { Rng } from '../core/rng.js';
import type { SimAgent, World } from './world.js';

export interface Assignment {
  agent: SimAgent;
  /** Seconds the customer waited for the agent to be free. */
  waitS: number;
  /** Seconds from free to picking up; undefined when the agent did not pick up. */
  pickupS: number | undefined;
}

/**
 * The scenario's agents and when each is free again: a transfer goes to the
 * agent the platform routed it to (when the twin has that agent), else to
 * whoever is free first.
 */
export class AgentPool {
  private readonly freeAt = new Map<string, number[]>();

  constructor(private readonly world: World) {
    for (const a of world.agents) this.freeAt.set(a.id, Array(Math.max(1, a.capacity)).fill(0));
  }

  assign(named: string | null | undefined, atMs: number, rng: Rng): Assignment | undefined {
    const agents = this.world.agents;
    if (agents.length === 0) return undefined;
    const agent =
      agents.find((a) => a.id === named) ??
      agents.reduce((best, a) => (this.earliest(a) < this.earliest(best) ? a : best));
    const waitS = Math.max(0, (this.earliest(agent) - atMs) / 1000);
    return { agent, waitS, pickupS: this.world.pickupSeconds(agent, rng) };
  }

  /** The agent is on the call until `untilMs`. */
  busy(agentId: string, untilMs: number): void {
    const slots = this.freeAt.get(agentId);
    if (!slots) return;
    const i = slots.indexOf(Math.min(...slots));
    slots[i] = Math.max(slots[i]!, untilMs);
  }

  private earliest(a: SimAgent): number {
    return Math.min(...(this.freeAt.get(a.id) ?? [0]));
  }
}
