// The GraphQL API. `typeDefs` (schema.ts) is the schema's SDL, the one
// contract the dashboard's types are generated from.
export { createGraphql } from './yoga.js';
export { typeDefs } from './schema.js';
export type { Commits, GqlContext, GraphqlDeps } from './context.js';
