/**
 * Callbacks in the profile: scheduled by a callback.scheduled (an agent, the
 * dialer, or the customer's own words, see core/callback.ts callbackOfTurn),
 * kept by a call started around the time, missed once the grace passes
 * without one. Each change is the callback's row in `callbacks`, keyed by
 * the event that scheduled it.
 */
import { callbackPhase, type CallbackTiming, type PendingCallback } from '../../core/callback.js';
import type { EventOf } from '../../core/events/index.js';
import type { CallbackRow } from '../../core/store/migrations.js';
import type { Changes } from './changes.js';
import type { Profile } from './profile.js';

const rowOf = (customerId: string, cb: PendingCallback): CallbackRow => ({
  event_id: cb.event_id,
  customer_id: customerId,
  call_id: cb.call_id,
  due_at: cb.at,
  source: cb.source,
  scheduled_at: cb.set_at,
  kept_at: null,
  kept_by: null,
  missed: false,
});

/**
 * The latest scheduled (by event time) becomes the customer's pending
 * callback; one it replaces stays in the table as scheduled, neither kept
 * nor missed.
 */
export function scheduleCallback(
  p: Profile,
  e: EventOf<'callback.scheduled'>,
  ts: string,
  out: Changes,
): void {
  const cb: PendingCallback = {
    event_id: e.event_id,
    // In UTC, as the dialer and the table compare it.
    at: new Date(Date.parse(e.at)).toISOString(),
    source: e.source,
    call_id: e.call_id ?? null,
    set_at: ts,
  };
  out.callbacks.set(cb.event_id, rowOf(p.customer_id, cb));
  out.callbackCounts.scheduled += 1;
  if (!p.callback || p.callback.set_at <= ts) p.callback = cb;
}

/** A call started from `earlyMinutes` before the time to the end of the grace keeps the callback. */
export function keepCallback(
  p: Profile,
  call: EventOf<'call.started'>,
  ts: string,
  timing: CallbackTiming,
  out: Changes,
): void {
  const cb = p.callback;
  if (!cb) return;
  const phase = callbackPhase(cb.at, Date.parse(ts), timing);
  if (phase !== 'early' && phase !== 'due') return;
  out.callbacks.set(cb.event_id, {
    ...rowOf(p.customer_id, cb),
    kept_at: ts,
    kept_by: call.call_id,
  });
  out.callbackCounts.kept += 1;
  p.callback = null;
}

/**
 * Past its grace at `nowMs` (the pipeline's clock, not an event's time: no
 * event comes to say a call did not happen), the callback is missed and
 * the profile's cleared. True when it was.
 */
export function missCallback(
  p: Profile,
  nowMs: number,
  timing: CallbackTiming,
  out: Changes,
): boolean {
  const cb = p.callback;
  if (!cb || callbackPhase(cb.at, nowMs, timing) !== 'missed') return false;
  out.callbacks.set(cb.event_id, { ...rowOf(p.customer_id, cb), missed: true });
  out.callbackCounts.missed += 1;
  p.callback = null;
  out.profiles.add(p);
  return true;
}
