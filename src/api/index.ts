// The HTTP API (GraphQL, REST, the dashboard's files) and its API keys.
// Other folders import from here.
export { apiMetrics, type ApiMetrics } from './api-metrics.js';
export { createApi, type Api, type ApiDeps } from './server.js';
export {
  cachedAuthenticator,
  createApiKey,
  issueApiKey,
  listApiKeys,
  newApiKey,
  onApiKeyChange,
  putApiKeyRow,
  revokeApiKey,
  ROLES,
  withdrawApiKey,
  type ApiKeyInfo,
  type ApiKeyRow,
  type Principal,
  type Role,
} from './auth.js';
export type { ApiLimits } from './limits.js';
export { createGraphql, typeDefs, type Commits, type GraphqlDeps } from './graphql/index.js';
export { evaluatePolicyText, MAX_POLICY_CHARS } from './policy-evaluation.js';
export { MAX_DNC_PER_REQUEST } from './rest/schemas.js';
export type { ErasureReport } from './rest/schemas.js';
export { FORWARDED_HEADER, type RelayedAnswer, type Replicas } from './replicas.js';
