import { callbackPhaseAt, DEFAULT_CALLBACK_TIMING } from '../core/callback.js';
import type { DialwiseEvent } from '../core/events/index.js';
import { seeded } from '../core/rng.js';
import { AgentPool } from './agent-pool.js';
import { callEvents, loadEvents, RING_S } from './call-events.js';
import { talkPlatform, talkScripted, type CallContext, type Talk } from './calls.js';
import { ContactAudit, LAW_HOURS, type ContactRules } from './contact-audit.js';
import {
  clairvoyantDialer,
  naiveDialer,
  platformDialer,
  type Dialer,
  type PolicyName,
} from './dialers.js';
import { oracleDialer } from './oracle-dialer.js';
import { localTime } from './local-time.js';
import { FIXED_SCRIPT } from './scripted-bot.js';
import { Tally, type Costs, type PolicyFigures } from './tally.js';
import type { TwinTarget } from './target.js';
import type { SimCustomer, World } from './world.js';

export interface TwinOptions {
  world: World;
  policy: PolicyName;
  /** Dials to place over the scenario's days (fewer when the days run out first). */
  calls: number;
  seed: number;
  rules: ContactRules;
  costs: Costs;
  /** The platform, for the dialwise policy. */
  target?: TwinTarget;
  /** Simulated milliseconds per step (default a minute). */
  tickMs?: number;
  /** Concurrent lines of the dialer (default: enough for `calls` in the week's working hours). */
  lines?: number;
  /**
   * A live run: called once when the simulated time reaches the wall clock;
   * from then on each step waits for real time to reach it.
   */
  onCaughtUp?(): void;
  signal?: AbortSignal;
  onTick?(atMs: number, dials: number): void;
}

export type TwinReport = PolicyFigures & {
  policy: PolicyName;
  scenario: string;
  seed: number;
  violations: ContactAudit['violations'] & { total: number };
  wallSeconds: number;
};

const DAY_MS = 86_400_000;
/** How long a dialer offered nobody waits before it asks again. */
const QUIET_MS = 5 * 60_000;
/** The platform's default commit interval (DIALWISE_COMMIT_INTERVAL_MS). */
const COMMIT_STEP_MS = 500;

// Enough lines to place the week's dials in about two good hours a day: a
// policy that waits for the best hour needs to dial many at once then.
const defaultLines = (calls: number, days: number): number =>
  Math.max(4, Math.ceil(calls / (days * 120)));

/**
 * Sends events and keeps the platform's clock moving until they are taken in:
 * on a virtual clock the embedded intake answers once the pipeline has
 * committed them, and a commit retried after a failure waits on that clock.
 */
async function deliver(target: TwinTarget, events: DialwiseEvent[], fromMs: number): Promise<void> {
  if (events.length === 0) return;
  let done = false;
  const sent = target.events.send(events).finally(() => (done = true));
  // Give the commit real time first, then step the clock a commit interval,
  // each step after a longer wait: a commit that works costs no extra round
  // trip, one that is only slow (a loaded machine) does not run out the
  // intake's deadline (on the same clock: its 10 s are 20 steps, some 40 s
  // of real time), and one retried after a failure still gets its clock moved.
  for (let at = fromMs, step = 1; target.virtual && !done; step++) {
    const wait = new Promise((r) => setTimeout(r, 200 * step));
    await Promise.race([sent.catch(() => undefined), wait]);
    if (done) break;
    at += COMMIT_STEP_MS;
    await target.advance(at);
  }
  const r = await sent;
  if (r.rejected.length)
    throw new Error(`the platform rejected ${r.rejected.length} events: ${r.rejected[0]?.reason}`);
}

/** Resolves when the wall clock reaches `ms`, or at once when `signal` aborts. */
function sleepUntil(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms - Date.now()));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Whether any customer's zone is within the law's hours: outside them no policy dials. */
function anyoneCallable(zones: readonly string[], atMs: number): boolean {
  return zones.some((z) => {
    const { hour } = localTime(z, atMs);
    return hour >= LAW_HOURS.from && hour < LAW_HOURS.to;
  });
}

function dialerFor(o: TwinOptions, audit: ContactAudit): Dialer {
  if (o.policy === 'naive') return naiveDialer(o.world, audit);
  if (o.policy === 'clairvoyant') return clairvoyantDialer(o.world, audit, o.rules);
  const lines = o.lines ?? defaultLines(o.calls, o.world.scenario.days);
  if (o.policy === 'oracle')
    return oracleDialer(o.world, audit, o.rules, { calls: o.calls, lines });
  if (!o.target) throw new Error('the dialwise policy needs a platform to drive');
  return platformDialer(o.world, o.target);
}

/** One answered call by the policy's caller. */
function talk(o: TwinOptions, ctx: CallContext): Promise<Talk> {
  if (o.policy === 'dialwise') return talkPlatform(ctx, o.target!);
  if (o.policy === 'naive')
    return Promise.resolve(talkScripted(ctx, (n) => FIXED_SCRIPT[n] ?? 'default', 'agent'));
  const best = (node: string) =>
    o.world.bestVariant(ctx.customer.segment, node, ctx.atMs)?.variant ??
    FIXED_SCRIPT[node] ??
    'default';
  const { tone } = o.world.segment(ctx.customer.segment);
  return Promise.resolve(talkScripted(ctx, best, 'bot', tone.concise > tone.full));
}

interface RunState {
  audit: ContactAudit;
  tally: Tally;
  agents: AgentPool;
  /** When each of the dialer's lines is free again. */
  lines: number[];
  /** Callbacks the customers asked for, not yet kept or missed, by customer. */
  promised: Map<string, number>;
  dialer: Dialer;
}

/** The n-th dial, to `c` at `t`: placed, talked through when answered, audited and tallied; its events. */
async function placeCall(
  o: TwinOptions,
  run: RunState,
  c: SimCustomer,
  n: number,
  t: number,
): Promise<DialwiseEvent[]> {
  const callId = `twin-${o.seed}-${o.policy}-${n}`;
  const rng = seeded((o.seed * 1_000_003 + n) >>> 0);
  run.audit.dial(c, t);
  const promise = run.promised.get(c.id);
  const phase =
    promise === undefined ? undefined : callbackPhaseAt(promise, t, DEFAULT_CALLBACK_TIMING);
  if (phase === 'early' || phase === 'due') {
    run.tally.callbacks.kept += 1;
    run.promised.delete(c.id);
  }
  const d = o.world.dial(c, t, rng);
  const ctx: CallContext = {
    world: o.world,
    rng,
    agents: run.agents,
    atMs: t,
    callId,
    customer: c,
  };
  const spoken = d.answered ? await talk(o, ctx) : undefined;
  const line = run.lines.findIndex((busy) => busy <= t);
  if (line >= 0) run.lines[line] = t + 1000 * (spoken ? 8 + spoken.scriptSeconds : RING_S);
  if (spoken?.optOut) run.audit.optOut(c.id, t);
  run.dialer.heard?.(c.id, spoken?.outcome ?? 'no_decision');
  if (spoken?.callbackAt !== undefined) {
    run.tally.callbacks.stated += 1;
    run.promised.set(c.id, spoken.callbackAt);
  }
  // An unanswered dial rings on the bot's line, or on an agent's in the naive centre.
  const ring = {
    script: o.policy === 'naive' ? 0 : RING_S,
    agent: o.policy === 'naive' ? RING_S : 0,
  };
  run.tally.add({
    customer: c,
    atMs: t,
    answered: d.answered,
    scriptSeconds: spoken ? spoken.scriptSeconds : ring.script,
    agentSeconds: spoken ? spoken.agentSeconds : ring.agent,
    outcome: spoken?.outcome ?? 'no_decision',
    lines: spoken?.lines ?? [],
    ...(spoken?.handoff !== undefined && { handoff: spoken.handoff }),
    optOut: spoken?.optOut ?? false,
    complaint: spoken?.complaint ?? false,
    ...(spoken?.refused && { refused: spoken.refused }),
  });
  return o.target
    ? callEvents(o.target.campaignId, callId, c, t, spoken, d.answered ? '' : d.reason)
    : [];
}

/**
 * Runs the scenario's week under one policy: every simulated minute the
 * dialer fills its free lines (paced so `calls` spread over the days), each
 * dial is answered or not as the world says, an answered call is talked
 * through by the policy's caller, and everything is audited and tallied.
 */
export async function runTwin(o: TwinOptions): Promise<TwinReport> {
  const started = performance.now();
  const { world } = o;
  const startMs = Date.parse(world.scenario.start);
  const endMs = startMs + world.scenario.days * DAY_MS;
  const tickMs = o.tickMs ?? 60_000;
  const audit = new ContactAudit(o.rules);
  const tally = new Tally(world, startMs);
  const agents = new AgentPool(world);
  const dialer = dialerFor(o, audit);
  const lines: number[] = Array(o.lines ?? defaultLines(o.calls, world.scenario.days)).fill(0);
  const zones = [...new Set(world.customers.map((c) => c.timeZone))];
  const promised = new Map<string, number>();
  if (o.target) {
    await o.target.advance(startMs - 3_600_000);
    await deliver(o.target, loadEvents(world, startMs - 3_600_000, o.seed), startMs - 3_600_000);
  }
  let dials = 0;
  let caughtUp = false;
  let quietUntil = startMs;
  let t = startMs;
  for (; t < endMs && dials < o.calls && !o.signal?.aborted; t += tickMs) {
    if (o.onCaughtUp && t > Date.now()) {
      if (!caughtUp) o.onCaughtUp();
      caughtUp = true;
      await sleepUntil(t, o.signal);
    }
    const due = Math.ceil((o.calls * (t - startMs + tickMs)) / (endMs - startMs)) - dials;
    const free = lines.filter((busy) => busy <= t).length;
    // The pace spreads the dials over the days; a callback the platform
    // offers is dialled whatever the pace (a promise is kept on time).
    let budget = Math.max(0, due);
    const room = Math.min(free, o.calls - dials, o.policy === 'dialwise' ? free : budget);
    const ask = room > 0 && t >= quietUntil && anyoneCallable(zones, t);
    // The platform's clock moves only to a minute the dialer asks in: a
    // night or a quiet spell is one jump, its timers firing on the way at
    // their own instants, not a round trip a minute.
    if (o.target && ask) await o.target.advance(t);
    const offered = ask ? await dialer.pick(t, room) : [];
    // Nobody to call now: the dialer asks again in a few minutes, not every minute.
    if (ask && offered.length === 0) quietUntil = t + QUIET_MS;
    const picks = offered.filter((p) => p.reason === 'callback' || budget-- > 0);
    const state = { audit, tally, agents, lines, promised, dialer };
    const placed = await Promise.all(
      picks.map((p, i) => placeCall(o, state, p.customer, dials + i, t)),
    );
    const events: DialwiseEvent[] = placed.flat();
    dials += picks.length;
    for (const [id, at] of promised)
      if (callbackPhaseAt(at, t, DEFAULT_CALLBACK_TIMING) === 'missed') {
        tally.callbacks.missed += 1;
        promised.delete(id);
      }
    if (o.target) await deliver(o.target, events, t);
    o.onTick?.(t, dials);
  }
  // The platform's clock ends where the run did, past the minutes skipped,
  // and a commit interval on: the last minute's turns, which its own
  // timers take in, are committed with the rest.
  if (o.target) await o.target.advance(t - tickMs + COMMIT_STEP_MS);
  return {
    policy: o.policy,
    scenario: world.scenario.name,
    seed: o.seed,
    ...tally.report(o.costs),
    violations: { ...audit.violations, total: audit.total() },
    wallSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
