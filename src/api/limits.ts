import type { Config } from '../core/config.js';

/** The API's resource limits: the settings of that name (DIALWISE_LIMIT_*, DIALWISE_RATE_LIMIT*). */
export type ApiLimits = Pick<
  Config,
  | 'bodyLimitBytes'
  | 'eventsBodyLimitBytes'
  | 'recordingLimitBytes'
  | 'graphqlBodyLimitBytes'
  | 'jsonDepthLimit'
  | 'graphqlMaxTokens'
  | 'graphqlMaxCost'
  | 'graphqlMaxDepth'
  | 'graphqlMaxAliases'
  | 'subscriptionsPerKey'
  | 'rateLimit'
  | 'rateLimitDialer'
>;
