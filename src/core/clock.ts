/**
 * Where time comes from. Every time-dependent part (timers, contact caps,
 * calling windows, pacing, alert rounds, the retrain schedule, retention)
 * takes a Clock from its composition root instead of reading Date.now or
 * arming setTimeout itself, so a simulation can run the platform on virtual
 * time and tests can step time by hand.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
  /** Resolves after `ms`, or at once (rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** setTimeout holds at most ~24.8 days; longer waits re-arm on the way. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function sleepWith(after: Clock['after'], ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Wall-clock time and Node timers. Timers are unref'd: a part that must keep
 * the process alive does so through its own server or consumer, and every part
 * cancels its timers on stop.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    let timer: NodeJS.Timeout;
    const arm = (due: number): void => {
      const wait = Math.min(Math.max(0, due - Date.now()), MAX_TIMER_MS);
      timer = setTimeout(() => (Date.now() >= due ? fn() : arm(due)), wait).unref();
    };
    arm(Date.now() + ms);
    return () => clearTimeout(timer);
  },
  every(ms, fn) {
    const timer = setInterval(fn, ms).unref();
    return () => clearInterval(timer);
  },
  sleep(ms, signal) {
    return sleepWith(systemClock.after, ms, signal);
  },
};

export interface ManualClock extends Clock {
  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void;
  set(ms: number): void;
}

/** Whether the clock is a manual one: the virtual time of a simulation, moved by its driver. */
export const isManual = (clock: Clock): clock is ManualClock =>
  typeof (clock as Partial<ManualClock>).set === 'function';

/** A clock that moves only when told to: for tests and virtual-time runs. */
export function manualClock(startMs = 0): ManualClock {
  let now = startMs;
  let seq = 0;
  const timers = new Map<number, { due: number; fn: () => void; everyMs?: number }>();
  const add = (ms: number, fn: () => void, everyMs?: number): (() => void) => {
    const id = seq++;
    timers.set(id, { due: now + Math.max(0, ms), fn, ...(everyMs ? { everyMs } : {}) });
    return () => timers.delete(id);
  };
  const clock: ManualClock = {
    now: () => now,
    after: (ms, fn) => add(ms, fn),
    every: (ms, fn) => add(ms, fn, Math.max(1, ms)),
    sleep: (ms, signal) => sleepWith(clock.after, ms, signal),
    advance(ms) {
      clock.set(now + ms);
    },
    set(target) {
      for (;;) {
        let next: [number, { due: number; fn: () => void; everyMs?: number }] | undefined;
        for (const entry of timers)
          if (entry[1].due <= target && (!next || entry[1].due < next[1].due)) next = entry;
        if (!next) break;
        const [id, t] = next;
        now = Math.max(now, t.due);
        if (t.everyMs) t.due += t.everyMs;
        else timers.delete(id);
        t.fn();
      }
      now = Math.max(now, target);
    },
  };
  return clock;
}

/**
 * Every `ms`, one round of `work`, rounds in sequence; errors go to
 * `onError`. A tick while a round already waits its turn adds none: a slow
 * round, or a virtual clock moved a minute at once, does not pile rounds up.
 */
export function everyInTurn(
  clock: Clock,
  ms: number,
  work: () => Promise<void>,
  onError: (err: unknown) => void,
): { stop(): Promise<void> } {
  let running = Promise.resolve();
  let waiting = false;
  const cancel = clock.every(ms, () => {
    if (waiting) return;
    waiting = true;
    running = running
      .then(() => {
        waiting = false;
        return work();
      })
      .catch(onError);
  });
  return {
    async stop() {
      cancel();
      await running;
    },
  };
}
