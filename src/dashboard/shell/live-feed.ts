// A view's data, kept fresh: loaded over HTTP, then reloaded (or patched)
// whenever its GraphQL subscription says new data was committed. Only where
// the server refuses that subscription does it fall back to polling, and the
// live badge says so.
import type { OperationVariables, TypedDocumentNode } from '@apollo/client';
import { classifyError, errorMessage } from './graphql-client.js';
import { subscribeLive, throttle } from './live-subscription.js';
import type { ViewContext } from './view-context.js';

export interface FeedOptions<S, V extends OperationVariables> {
  ctx: ViewContext;
  /**
   * Fetches and renders everything the view shows; may throw. `stale()` turns
   * true once variables changed meanwhile: then the answer is not drawn.
   */
  load(stale: () => boolean): Promise<void>;
  subscription: TypedDocumentNode<S, V>;
  variables(): V;
  /**
   * What a pushed result does; by default a (throttled) reload. `first`: the
   * stream's opening result, the state the HTTP load has just shown.
   */
  onData?(data: S, reload: () => void, first: boolean): void;
  /** A failed load's message, or null once one succeeds. */
  onError(message: string | null, kind: ReturnType<typeof classifyError>): void;
  throttleMs?: number;
  pollMs?: number;
}

export interface Feed {
  /** Loads now. */
  refresh(): Promise<void>;
  /** New variables: reload and subscribe again. */
  restart(): void;
  stop(): void;
}

export function liveFeed<S, V extends OperationVariables>(opts: FeedOptions<S, V>): Feed {
  const { ctx } = opts;
  let stopped = false;
  let generation = 0;
  let unsubscribe: (() => void) | undefined;
  let poll: ReturnType<typeof setInterval> | undefined;

  const refresh = async (): Promise<void> => {
    const mine = generation;
    try {
      await opts.load(() => mine !== generation || stopped);
      if (mine === generation && !stopped) opts.onError(null, 'network');
    } catch (error) {
      if (mine !== generation || stopped) return;
      const kind = classifyError(error);
      if (kind === 'unauthenticated') return ctx.signOut('Your API key is no longer valid');
      opts.onError(errorMessage(error), kind);
    }
  };
  const reload = throttle(() => void refresh(), opts.throttleMs ?? 2000);

  const startPolling = (): void => {
    ctx.setLive('polling', `refreshing every ${Math.round((opts.pollMs ?? 5000) / 1000)} s`);
    poll = setInterval(() => void refresh(), opts.pollMs ?? 5000);
  };

  const start = (): void => {
    const mine = ++generation;
    let pushes = 0;
    void refresh();
    unsubscribe = subscribeLive(ctx.client, opts.subscription, opts.variables(), {
      onData(data) {
        if (mine !== generation) return;
        const first = pushes++ === 0;
        if (opts.onData) opts.onData(data, reload, first);
        else if (!first) reload();
      },
      onState(state, detail) {
        if (mine === generation && state !== 'off') ctx.setLive(state, detail);
      },
      onRefused(_message, kind) {
        // No such subscription on this server: poll instead. (A 403 is the
        // load's to show.)
        if (kind === 'invalid' && mine === generation && !stopped) startPolling();
      },
      onSignedOut: () => ctx.signOut('Your API key is no longer valid'),
    });
  };

  const halt = (): void => {
    unsubscribe?.();
    unsubscribe = undefined;
    reload.cancel();
    clearInterval(poll);
    poll = undefined;
  };

  start();
  return {
    refresh,
    restart() {
      halt();
      start();
    },
    stop() {
      stopped = true;
      generation++;
      halt();
      ctx.setLive('none');
    },
  };
}
