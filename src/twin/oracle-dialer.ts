/**
 * The oracle's dialer: the best a centre could do that knows the scenario's
 * parameters — per segment the answer curves by local hour and weekday, the
 * connect drops, the mean will to buy and the best lines — but not any
 * customer's own hidden draw. It plans the week: each hour's dials go where
 * they are worth most, a customer is not dialled now when a clearly better
 * hour for them lies ahead within their windows and the week, and a callback
 * is dialled at the time the customer named.
 */
import { callbackPhaseAt, DEFAULT_CALLBACK_TIMING } from '../core/callback.js';
import type { Outcome } from '../core/events/index.js';
import type { ContactAudit, ContactRules } from './contact-audit.js';
import { affordability } from './conversation.js';
import type { Dialer, Picked } from './dialers.js';
import { answerChance } from './oracle.js';
import type { Segment } from './scenario.js';
import type { SimCustomer, World } from './world.js';

const HOUR_MS = 3_600_000;
/**
 * Dials a line places in an hour: at a good hour about a third are answered
 * and hold the line some three minutes, the rest ring for under a minute.
 */
const DIALS_PER_LINE_HOUR = 35;
/** A later hour this much better than now is worth waiting for. */
export const CLEARLY_BETTER = 1.2;
/** The nodes of the scripted call, whose best lines the oracle's bot reads. */
const FUNNEL = ['opening', 'needs_discovery', 'product_pitch', 'pricing', 'closing'];

/** Customers who answer alike: one segment, region and zone. */
export interface Group {
  seg: Segment;
  rep: SimCustomer;
  /** Those whose budget reaches the price furthest first. */
  customers: SimCustomer[];
}

export interface OracleOptions {
  /** The dials the week allows, and the dialer's lines. */
  calls: number;
  lines: number;
}

/**
 * What a dial to a customer of the segment is worth at atMs with the bot
 * reading the best lines in the better tone, before the answer chance: the
 * segment's mean propensity × the best variants' multipliers × the tone's.
 */
export function segmentWorth(world: World, seg: Segment, atMs: number): number {
  let m = seg.propensity.mean * Math.max(seg.tone.concise, seg.tone.full);
  for (const node of FUNNEL) m *= world.bestVariant(seg.id, node, atMs)?.multiplier ?? 1;
  return m;
}

function groupsOf(world: World): Group[] {
  const byKey = new Map<string, Group>();
  for (const c of world.customers) {
    const key = `${c.segment}\u0000${c.region}\u0000${c.timeZone}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { seg: world.segment(c.segment), rep: c, customers: [] }));
    g.customers.push(c);
  }
  const afford = (c: SimCustomer) => affordability(c, world.scenario);
  for (const g of byKey.values()) g.customers.sort((a, b) => afford(b) - afford(a));
  return [...byKey.values()];
}

/** A group's hour: what a dial is worth then, and whether a clearly better hour of theirs lies ahead. */
export interface Slot {
  group: Group;
  hour: number;
  value: number;
  waits: boolean;
}

/**
 * The week's hours from `hourMs` to `endMs`, for every group whose windows
 * are open then: a dial's worth (answer chance × segment worth) and whether
 * a later hour is clearly better for them.
 */
export function slotsAhead(
  world: World,
  groups: readonly Group[],
  rules: ContactRules,
  hourMs: number,
  endMs: number,
): Slot[] {
  const slots: Slot[] = [];
  for (const group of groups) {
    const own: Slot[] = [];
    for (let h = hourMs; h < endMs; h += HOUR_MS) {
      // Windows open and close on the hour: the middle of the hour tells.
      const mid = h + HOUR_MS / 2;
      if (!rules.inWindow(group.rep, mid)) continue;
      const value =
        answerChance(world.scenario, group.seg, group.rep, mid) *
        segmentWorth(world, group.seg, mid);
      own.push({ group, hour: h, value, waits: false });
    }
    let later = 0;
    for (let i = own.length - 1; i >= 0; i--) {
      own[i]!.waits = own[i]!.value * CLEARLY_BETTER < later;
      later = Math.max(later, own[i]!.value);
    }
    slots.push(...own);
  }
  return slots;
}

/**
 * The least a dial to each group must be worth to be placed now: the week's
 * remaining dials given to the best slots first, each hour holding what the
 * lines can place and each group what its customers can still take. A
 * group's bar is the worth of its last slot that gets any dial: where its
 * customers run out first, their last dials are kept for their best hours;
 * where the dials run out first, every group left shares that bar. 0 where
 * neither runs out.
 */
export function thresholds(
  slots: readonly Slot[],
  dialsLeft: number,
  perHour: (hour: number) => number,
  groupLeft: (g: Group) => number,
): Map<Group, number> {
  const hourLeft = new Map<number, number>();
  const supply = new Map<Group, number>();
  const bars = new Map<Group, number>();
  let left = dialsLeft;
  for (const s of [...slots].filter((x) => !x.waits).sort((a, b) => b.value - a.value)) {
    if (bars.has(s.group)) continue;
    const inHour = hourLeft.get(s.hour) ?? perHour(s.hour);
    const inGroup = supply.get(s.group) ?? groupLeft(s.group);
    const take = Math.min(inHour, inGroup, left);
    hourLeft.set(s.hour, inHour - take);
    supply.set(s.group, inGroup - take);
    left -= take;
    if (inGroup - take <= 0) bars.set(s.group, s.value);
    if (left <= 0) {
      for (const x of slots) if (!bars.has(x.group)) bars.set(x.group, s.value);
      break;
    }
  }
  return bars;
}

/**
 * The callbacks due now among the customers awaiting one, the earliest
 * promise first; those dialled, or past the grace, leave `awaiting`.
 */
function dueCallbacks(
  world: World,
  awaiting: Map<string, SimCustomer>,
  atMs: number,
  open: (c: SimCustomer) => boolean,
): Picked[] {
  const due: { c: SimCustomer; at: number }[] = [];
  for (const [id, c] of awaiting) {
    const at = world.callbackAt(id) ?? -Infinity;
    const phase = callbackPhaseAt(at, atMs, DEFAULT_CALLBACK_TIMING);
    if (phase === 'missed') awaiting.delete(id);
    else if (phase !== 'ahead' && open(c)) due.push({ c, at });
  }
  due.sort((a, b) => a.at - b.at);
  for (const { c } of due) awaiting.delete(c.id);
  return due.map(({ c }) => ({ customer: c, reason: 'callback' }));
}

/** The oracle dialer (policy `oracle`). */
export function oracleDialer(
  world: World,
  audit: ContactAudit,
  rules: ContactRules,
  o: OracleOptions,
): Dialer {
  const groups = groupsOf(world);
  const endMs = Date.parse(world.scenario.start) + world.scenario.days * 86_400_000;
  const dialsOf = new Map<string, number>();
  const closed = new Set<string>();
  const byId = new Map(world.customers.map((c) => [c.id, c]));
  /** Customers who named a time to be called back, not yet dialled for it. */
  const awaiting = new Map<string, SimCustomer>();
  let placed = 0;
  let planned: { hour: number; bars: Map<Group, number>; now: Map<Group, Slot> } | undefined;

  const open = (c: SimCustomer, atMs: number) =>
    !closed.has(c.id) && audit.allowed(c, atMs, 'platform');
  const replan = (atMs: number) => {
    const hour = Math.floor(atMs / HOUR_MS) * HOUR_MS;
    if (planned?.hour === hour) return planned;
    const slots = slotsAhead(world, groups, rules, hour, endMs);
    const perHour = (h: number) =>
      o.lines * DIALS_PER_LINE_HOUR * (h === hour ? 1 - (atMs - hour) / HOUR_MS : 1);
    const groupLeft = (g: Group) =>
      g.customers.reduce(
        (n, c) =>
          closed.has(c.id) || audit.optedOutAt(c.id) !== undefined
            ? n
            : n + Math.max(0, rules.cap.touches - audit.recent(c.id, atMs)),
        0,
      );
    const bars = thresholds(slots, o.calls - placed, perHour, groupLeft);
    const now = new Map(slots.filter((s) => s.hour === hour).map((s) => [s.group, s]));
    return (planned = { hour, bars, now });
  };

  /** Up to `limit` of the group's customers open now, the fewest dials first. */
  const fewestDials = (g: Group, atMs: number, limit: number, taken: Set<SimCustomer>) => {
    const out: SimCustomer[] = [];
    for (let k = 0; k < rules.cap.touches && out.length < limit; k++) {
      for (const c of g.customers) {
        if (out.length >= limit) break;
        const ready = !taken.has(c) && !awaiting.has(c.id) && open(c, atMs);
        if ((dialsOf.get(c.id) ?? 0) === k && ready) out.push(c);
      }
    }
    return out;
  };

  return {
    async pick(atMs, limit) {
      const out = dueCallbacks(world, awaiting, atMs, (c) => open(c, atMs));
      const plan = replan(atMs);
      const taken = new Set(out.map((p) => p.customer));
      const offers: { c: SimCustomer; value: number }[] = [];
      for (const g of groups) {
        const slot = plan.now.get(g);
        const bar = plan.bars.get(g) ?? 0;
        if (!slot || slot.waits || slot.value < bar || !rules.inWindow(g.rep, atMs)) continue;
        // A customer not reached yet is as likely to answer as one tried before.
        for (const c of fewestDials(g, atMs, limit, taken))
          offers.push({ c, value: slot.value * affordability(c, world.scenario) });
      }
      offers.sort((a, b) => b.value - a.value);
      out.push(...offers.slice(0, limit).map((x) => ({ customer: x.c })));
      for (const p of out) dialsOf.set(p.customer.id, (dialsOf.get(p.customer.id) ?? 0) + 1);
      placed += out.length;
      return out;
    },
    heard(customerId: string, outcome: Outcome) {
      // A sale made or a customer lost is not dialled again; a named time is kept.
      if (outcome === 'converted' || outcome === 'complaint') closed.add(customerId);
      if (outcome === 'callback') awaiting.set(customerId, byId.get(customerId)!);
    },
  };
}
