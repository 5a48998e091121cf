/**
 * The twin's calls on the wall clock, against a platform that runs on it
 * (`bench/loop-realtime.ts`): a number of lines, each talking one call after
 * another through the platform with `talkPlatform` — the same customers,
 * lines and agents as the simulated week, but with real pauses between the
 * customer's lines and before an agent picks up. Whom to call comes from
 * `POST /dialer/next`. Every dial is answered: the load is the talking
 * calls, and an unanswered dial would only hold a line. When the signal
 * aborts, no new call starts and the calls in progress hang up.
 */
import type { Clock } from '../core/clock.js';
import type { DialwiseEvent } from '../core/events/index.js';
import { seeded, type Rng } from '../core/rng.js';
import { AgentPool } from './agent-pool.js';
import { callEvents } from './call-events.js';
import { newTalk, talkPlatform, type CallContext, type RealTime, type Talk } from './calls.js';
import { platformDialer, type Dialer } from './dialers.js';
import type { TwinTarget } from './target.js';
import type { SimCustomer, World } from './world.js';

export interface LiveOptions {
  world: World;
  target: TwinTarget;
  clock: Clock;
  seed: number;
  /** Calls in flight at once (the dialer's lines). */
  lines: number;
  /** Seconds from one of the customer's lines to the next, drawn uniformly. */
  gapS: { min: number; max: number };
  /** Ends the run: no new call starts and the calls in progress hang up. */
  signal: AbortSignal;
  /** Each call's events when it ends, for the dialer to post to `POST /events`. */
  report(events: DialwiseEvent[]): void;
}

export interface LiveFigures {
  /** Calls talked to their end. */
  completed: number;
  /** Calls in progress when the run ended. */
  hungUp: number;
  /** Calls cut short by a request that failed. */
  failed: number;
  /** Calls the bot transferred, and of those the ones an agent picked up (`POST /dialog/pickup`). */
  transfers: number;
  pickups: number;
  /** Dials to a customer the platform did not offer: none of its offers was free (or the request failed). */
  notOffered: number;
  firstErrors: string[];
}

/** The most customers one `POST /dialer/next` may ask for (the API's limit). */
const MAX_OFFERS = 1000;

/**
 * Whom the waiting lines call next: one `POST /dialer/next` at a time for
 * all the lines waiting, the offers not already on a call; when the
 * offers run short, a free customer of the world at random, counted.
 */
class DialQueue {
  private readonly waiting: ((c: SimCustomer) => void)[] = [];
  private readonly onCall = new Set<string>();
  private asking = false;
  notOffered = 0;

  constructor(
    private readonly dialer: Dialer,
    private readonly world: World,
    private readonly rng: Rng,
    private readonly clock: Clock,
    private readonly failed: (err: unknown) => void,
  ) {}

  take(): Promise<SimCustomer> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      void this.ask();
    });
  }

  hangUp(c: SimCustomer): void {
    this.onCall.delete(c.id);
  }

  private async ask(): Promise<void> {
    if (this.asking) return;
    this.asking = true;
    try {
      while (this.waiting.length > 0) {
        const limit = Math.min(MAX_OFFERS, this.waiting.length);
        const offered = await this.dialer.pick(this.clock.now(), limit).catch((err: unknown) => {
          this.failed(err);
          return [];
        });
        const free = offered.map((p) => p.customer).filter((c) => !this.onCall.has(c.id));
        for (const resolve of this.waiting.splice(0, limit)) {
          const c = free.shift() ?? this.anyFree();
          this.onCall.add(c.id);
          resolve(c);
        }
      }
    } finally {
      this.asking = false;
    }
  }

  private anyFree(): SimCustomer {
    this.notOffered += 1;
    const all = this.world.customers;
    for (;;) {
      const c = all[Math.floor(this.rng() * all.length)]!;
      if (!this.onCall.has(c.id)) return c;
    }
  }
}

/** Runs `o.lines` calls at a time until the signal aborts; resolves when every line has hung up. */
export async function runLiveCalls(o: LiveOptions): Promise<LiveFigures> {
  const figures: LiveFigures = {
    completed: 0,
    hungUp: 0,
    failed: 0,
    transfers: 0,
    pickups: 0,
    notOffered: 0,
    firstErrors: [],
  };
  const noteError = (err: unknown) => {
    if (figures.firstErrors.length < 5) figures.firstErrors.push(String(err));
  };
  if (o.world.customers.length <= o.lines)
    throw new Error(
      `${o.lines} lines need more than the world's ${o.world.customers.length} customers`,
    );
  const queue = new DialQueue(
    platformDialer(o.world, o.target),
    o.world,
    seeded(o.seed ^ 0xd1a1),
    o.clock,
    noteError,
  );
  const agents = new AgentPool(o.world);
  const gaps = seeded(o.seed ^ 0x9a95);
  const realTime: RealTime = {
    now: () => o.clock.now(),
    beforeTurn: () =>
      o.clock.sleep(1000 * (o.gapS.min + gaps() * (o.gapS.max - o.gapS.min)), o.signal),
    sleep: (seconds) => o.clock.sleep(1000 * seconds, o.signal),
  };
  let dials = 0;

  async function call(customer: SimCustomer): Promise<void> {
    const n = dials++;
    const callId = `live-${o.seed}-${n}`;
    const atMs = o.clock.now();
    const rng = seeded((o.seed * 1_000_003 + n) >>> 0);
    const ctx: CallContext = { world: o.world, rng, agents, atMs, callId, customer, realTime };
    let talk: Talk | undefined;
    try {
      talk = await talkPlatform(ctx, o.target);
      figures.completed += 1;
    } catch (err) {
      if (o.signal.aborted) figures.hungUp += 1;
      else {
        figures.failed += 1;
        noteError(err);
      }
    }
    if (talk?.handoff !== undefined) figures.transfers += 1;
    if (talk?.handoff != null) figures.pickups += 1;
    o.report(callEvents(o.target.campaignId, callId, customer, atMs, talk ?? newTalk(), ''));
  }

  async function line(): Promise<void> {
    while (!o.signal.aborted) {
      const customer = await queue.take();
      if (!o.signal.aborted) await call(customer);
      queue.hangUp(customer);
    }
  }

  await Promise.all(Array.from({ length: o.lines }, line));
  figures.notOffered = queue.notOffered;
  return figures;
}
