import { DialwiseError } from '../../core/errors.js';
import type { Principal } from '../auth.js';
import type { Commits } from './context.js';

/**
 * Live subscriptions held open per key: a key at its limit is refused until
 * one of its streams ends (a client closing it ends it).
 */
export class SubscriptionSlots {
  private readonly open = new Map<string, number>();
  constructor(private readonly perKey: number) {}

  /**
   * The current value, then again after every commit: a live subscription
   * over SSE. The slot is freed when the client goes away (the request's
   * signal): a generator waiting for the next commit would only run its
   * `finally` once that commit came.
   */
  live(commits: Commits, principal: Principal, signal?: AbortSignal): AsyncGenerator<unknown> {
    const held = this.open.get(principal.name) ?? 0;
    if (held >= this.perKey)
      throw new DialwiseError(
        'RATE_LIMITED',
        `key "${principal.name}" holds ${held} live subscriptions; at most ${this.perKey}`,
        { retryAfterS: 5 },
      );
    this.open.set(principal.name, held + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const n = (this.open.get(principal.name) ?? 1) - 1;
      if (n > 0) this.open.set(principal.name, n);
      else this.open.delete(principal.name);
    };
    signal?.addEventListener('abort', release, { once: true });
    return (async function* () {
      try {
        yield;
        yield* commits.subscribe('committed');
      } finally {
        release();
      }
    })();
  }
}
