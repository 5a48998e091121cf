/**
 * A promised callback and when it counts as due, kept or missed: the one
 * definition the pipeline folds (schedules, keeps, misses) and the dialer's
 * ranking reads (offers a due one first).
 */
import type { CALLBACK_SOURCES, EventOf } from './events/index.js';

/** The callback a customer is waiting for (the latest scheduled; at most one). */
export interface PendingCallback {
  /** The callback.scheduled event that set it: the row's key in `callbacks`. */
  event_id: string;
  /** When to call (ISO 8601). */
  at: string;
  source: (typeof CALLBACK_SOURCES)[number];
  call_id: string | null;
  /** When it was scheduled (the event's time). */
  set_at: string;
}

/** config/dialing.json `callbacks`: how far around `at` a call keeps the promise. */
export interface CallbackTiming {
  /** A call up to this long after `at` still keeps it; past it the callback is missed. */
  graceMinutes: number;
  /** A call this long before `at` keeps it too (the dialer got there a little early). */
  earlyMinutes: number;
}

/**
 * Where a callback stands at `nowMs`: `ahead` (a call now does not keep it),
 * `early` (a call now keeps it, but it is not due yet), `due` (from `at` to
 * `at` + grace, both ends included: offered first), `missed` (after that).
 */
export function callbackPhase(
  at: string,
  nowMs: number,
  timing: CallbackTiming,
): 'ahead' | 'early' | 'due' | 'missed' {
  // A time that does not parse is never due: schema-checked events cannot carry one.
  const due = Date.parse(at);
  return Number.isNaN(due) ? 'ahead' : callbackPhaseAt(due, nowMs, timing);
}

/** callbackPhase for a time already in epoch ms. */
export function callbackPhaseAt(
  due: number,
  nowMs: number,
  timing: CallbackTiming,
): 'ahead' | 'early' | 'due' | 'missed' {
  if (nowMs > due + timing.graceMinutes * 60_000) return 'missed';
  if (nowMs >= due) return 'due';
  return nowMs >= due - timing.earlyMinutes * 60_000 ? 'early' : 'ahead';
}

/** What config/dialing.json says when it names no `callbacks` (and what an enricher without it uses). */
export const DEFAULT_CALLBACK_TIMING: CallbackTiming = { graceMinutes: 60, earlyMinutes: 5 };

/**
 * The callback.scheduled that a customer's turn naming a time ("下午三点再打")
 * stands for, due at the start of the window the customer named. The engine
 * emits it for a live turn and the pipeline derives it from a stored one:
 * the same event with the same id either way, so the enricher's dedupe
 * applies it once.
 */
export function callbackOfTurn(
  turn: EventOf<'dialog.turn'>,
  window: { from: string },
): EventOf<'callback.scheduled'> {
  return {
    event_id: `callback:${turn.event_id}`.slice(0, 128),
    type: 'callback.scheduled',
    ts: turn.ts,
    schema_version: 1,
    customer_id: turn.customer_id,
    call_id: turn.call_id,
    at: window.from,
    source: 'customer',
  };
}
