import { describe, expect, it } from 'vitest';
import { manualClock, systemClock } from '../../src/core/clock.js';
import { DialwiseError } from '../../src/core/errors.js';
import { retry } from '../../src/core/retry.js';

describe('manual clock', () => {
  it('fires timers in due order as time is advanced, repeating ones at each period', () => {
    const clock = manualClock(1_000);
    const fired: string[] = [];
    clock.after(300, () => fired.push(`once@${clock.now()}`));
    const stop = clock.every(100, () => fired.push(`tick@${clock.now()}`));
    clock.advance(250);
    expect(fired).toEqual(['tick@1100', 'tick@1200']);
    expect(clock.now()).toBe(1_250);
    clock.advance(100);
    // Timers due at the same time fire in the order they were set.
    expect(fired).toEqual(['tick@1100', 'tick@1200', 'once@1300', 'tick@1300']);
    stop();
    clock.advance(1_000);
    expect(fired).toHaveLength(4);
  });

  it('cancels a pending timer and rejects a sleep whose signal aborts', async () => {
    const clock = manualClock();
    let fired = false;
    const cancel = clock.after(10, () => (fired = true));
    cancel();
    clock.advance(20);
    expect(fired).toBe(false);
    const abort = new AbortController();
    const slept = clock.sleep(1_000, abort.signal);
    abort.abort(new Error('stopped'));
    await expect(slept).rejects.toThrow('stopped');
  });

  it('the system clock reads wall time', () => {
    const before = Date.now();
    expect(systemClock.now()).toBeGreaterThanOrEqual(before);
  });
});

describe('retry', () => {
  const clock = manualClock();
  // Waits resolve at once: the manual clock is advanced past every sleep.
  const fast = { ...clock, sleep: async (ms: number) => clock.advance(ms) };
  const retriable = () => new DialwiseError('UPSTREAM_FAILED', 'busy', { retriable: true });

  it('tries a retriable failure again with growing waits, and returns the first success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const got = await retry(
      async () => {
        if (++calls < 3) throw retriable();
        return 'ok';
      },
      { clock: fast, baseMs: 100, random: () => 1, onRetry: (_, __, ms) => waits.push(ms) },
    );
    expect(got).toBe('ok');
    expect(waits).toEqual([100, 200]);
  });

  it('gives up at once on an error that is not retriable, and after the last attempt', async () => {
    let calls = 0;
    const final = new DialwiseError('BAD_REQUEST', 'no');
    await expect(
      retry(async () => ((calls += 1), Promise.reject(final)), { clock: fast }),
    ).rejects.toBe(final);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retry(async () => ((calls += 1), Promise.reject(retriable())), { clock: fast, attempts: 3 }),
    ).rejects.toThrow('busy');
    expect(calls).toBe(3);
  });

  it('waits at least Retry-After and never past the deadline', async () => {
    const waits: number[] = [];
    const slow = new DialwiseError('RATE_LIMITED', 'later', { retryAfterS: 2 });
    let calls = 0;
    await expect(
      retry(async () => ((calls += 1), Promise.reject(slow)), {
        clock: fast,
        baseMs: 10,
        random: () => 0.5,
        deadlineMs: 5_000,
        onRetry: (_, __, ms) => waits.push(ms),
      }),
    ).rejects.toBe(slow);
    expect(waits).toEqual([2_000, 2_000]);
    expect(calls).toBe(3);
  });

  it('reads retriability of foreign errors through isRetriable', async () => {
    let calls = 0;
    const got = await retry(
      async () => {
        if (++calls === 1) throw new TypeError('fetch failed');
        return calls;
      },
      { clock: fast, isRetriable: (e) => e instanceof TypeError },
    );
    expect(got).toBe(2);
  });
});
