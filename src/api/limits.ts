import type { Config } from '../core/config.js';

/** Resource limits of the API, from config (DIALWISE_LIMIT_*, DIALWISE_RATE_LIMIT*). */
export interface ApiLimits {
  bodyBytes: number;
  eventsBodyBytes: number;
  graphqlBodyBytes: number;
  jsonDepth: number;
  graphqlMaxTokens: number;
  graphqlMaxCost: number;
  graphqlMaxDepth: number;
  graphqlMaxAliases: number;
  subscriptionsPerKey: number;
  /** Requests per second per key: GraphQL, exports and admin routes; the dialer's routes. */
  ratePerKey: number;
  ratePerDialerKey: number;
}

export const apiLimits = (c: Config): ApiLimits => ({
  bodyBytes: c.bodyLimitBytes,
  eventsBodyBytes: c.eventsBodyLimitBytes,
  graphqlBodyBytes: c.graphqlBodyLimitBytes,
  jsonDepth: c.jsonDepthLimit,
  graphqlMaxTokens: c.graphqlMaxTokens,
  graphqlMaxCost: c.graphqlMaxCost,
  graphqlMaxDepth: c.graphqlMaxDepth,
  graphqlMaxAliases: c.graphqlMaxAliases,
  subscriptionsPerKey: c.subscriptionsPerKey,
  ratePerKey: c.rateLimit,
  ratePerDialerKey: c.rateLimitDialer,
});
