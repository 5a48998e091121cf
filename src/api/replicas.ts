import { DialwiseError } from '../core/errors.js';

/**
 * What the API asks of the decision replicas (`dialwise decide`, several
 * behind a load balancer): each customer's decisions are taken by the
 * replica that owns the customer's partition, so a request that lands
 * elsewhere is relayed there once. A relayed request carries
 * FORWARDED_HEADER and is never relayed again.
 */
export const FORWARDED_HEADER = 'x-dialwise-forwarded';

/** An answer as it came back from the replica that gave it. */
export interface RelayedAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface Replicas {
  /**
   * The owner's answer to this request, or undefined once this replica owns
   * the customer and is ready to decide (a rebalance is waited through).
   */
  relay(
    customerId: string,
    request: {
      path: string;
      body: string;
      authorization: string | null;
      forwarded: boolean;
      /** X-Request-Id, carried to the owner: the call's turns stored there keep it. */
      requestId?: string;
    },
  ): Promise<RelayedAnswer | undefined>;
  /** A call in progress on another replica: the first that knows it answers (null: none). */
  find(path: string, authorization: string | null): Promise<unknown>;
  /** Resolves once what was decided here so far is durable: an answer waits for it. */
  durable(): Promise<void>;
  /**
   * The same request, relayed, to every other replica alive now (each
   * applies it or answers for its own customers); their answers, none from
   * one that cannot be reached.
   */
  everywhere(request: {
    path: string;
    body: string;
    authorization: string | null;
  }): Promise<RelayedAnswer[]>;
  /**
   * As `everywhere`, under the replicas' own admin key: a change this replica
   * has let through already (a script version approved by its reviewer).
   */
  applyEverywhere(request: { path: string; body: string }): Promise<RelayedAnswer[]>;
  /** Resolves once this replica has read what the replicas share (the register, API keys) to its end now. */
  caughtUp(): Promise<void>;
}

/** Throws unless every other replica applied the change too (a 2xx from each that answered). */
export function appliedEverywhere(answers: readonly RelayedAnswer[]): void {
  const refused = answers.find((a) => a.status >= 300);
  if (refused)
    throw new DialwiseError(
      'UNAVAILABLE',
      `applied here, but another decision replica answered ${refused.status}: ${refused.body.slice(0, 200)}`,
    );
}
