// Keeps a GraphQL subscription open: reconnects with back-off when the stream
// drops, reports its state for the topbar's live badge, and gives up only on
// 401 (signed out) or 403 (the role may not).
import type { ApolloClient, OperationVariables, TypedDocumentNode } from '@apollo/client';
import { classifyError, errorMessage } from './graphql-client.js';

export type LiveState = 'connecting' | 'live' | 'retrying' | 'off';

export interface LiveHandlers<T> {
  onData(data: T): void;
  onState?(state: LiveState, detail?: string): void;
  /** 403 or a refused request: the stream stays closed. */
  onRefused?(message: string, kind: 'forbidden' | 'invalid'): void;
  onSignedOut?(): void;
}

const BACKOFF_MS = [1000, 2000, 5000, 10_000];

export function subscribeLive<T, V extends OperationVariables>(
  client: ApolloClient,
  query: TypedDocumentNode<T, V>,
  variables: V,
  handlers: LiveHandlers<T>,
): () => void {
  let stopped = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: { unsubscribe(): void } | undefined;

  const retry = (error: unknown): void => {
    current?.unsubscribe();
    current = undefined;
    if (stopped) return;
    const kind = classifyError(error);
    if (kind === 'unauthenticated') {
      stopped = true;
      handlers.onSignedOut?.();
      return;
    }
    if (kind === 'forbidden' || kind === 'invalid') {
      stopped = true;
      handlers.onState?.('off');
      handlers.onRefused?.(errorMessage(error), kind);
      return;
    }
    const delay = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]!;
    handlers.onState?.('retrying', errorMessage(error));
    timer = setTimeout(open, delay);
  };

  function open(): void {
    if (stopped) return;
    handlers.onState?.('connecting');
    current = client.subscribe({ query, variables, fetchPolicy: 'no-cache' }).subscribe({
      next(result) {
        if (result.error) return retry(result.error);
        if (result.data === undefined) return;
        attempt = 0;
        handlers.onState?.('live');
        handlers.onData(result.data as T);
      },
      error: retry,
      complete() {
        // Yoga completes only when the server shuts the stream: open it again.
        if (!stopped) retry(new Error('the live stream ended'));
      },
    });
  }

  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    current?.unsubscribe();
    handlers.onState?.('off');
  };
}

/**
 * Runs `fn` at most once every `ms`, trailing: a burst of calls within the
 * window becomes one call at its end. `cancel` drops a pending call.
 */
export function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (): void => {
    timer = undefined;
    last = Date.now();
    fn();
  };
  const throttled = (): void => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(run, wait);
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return throttled;
}
