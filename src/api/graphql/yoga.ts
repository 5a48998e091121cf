import { createSchema, createYoga, type YogaServerInstance } from 'graphql-yoga';
import { systemClock } from '../../core/clock.js';
import { adminResolvers } from './admin-resolvers.js';
import { analyticsResolvers } from './analytics-resolvers.js';
import { callbackResolvers } from './callback-resolvers.js';
import { correctionResolvers } from './correction-resolvers.js';
import { generationResolvers } from './generation-resolvers.js';
import type { GqlContext, GraphqlDeps, ResolverDeps } from './context.js';
import { customerResolvers } from './customer-resolvers.js';
import { decisionResolvers } from './decision-resolvers.js';
import { limitsPlugin } from './query-limits.js';
import { policyResolvers } from './policy-resolvers.js';
import { SCALARS } from './scalars.js';
import { typeDefs } from './schema.js';
import { scriptResolvers } from './script-resolvers.js';
import { transcriptResolvers } from './transcript-resolvers.js';
import { violationResolvers } from './violation-resolvers.js';

type Resolvers = Record<string, Record<string, unknown>>;

/** The areas' resolvers as one map: each type's fields from every area that has them. */
function merged(parts: Resolvers[]): Resolvers {
  const out: Resolvers = {};
  for (const part of parts)
    for (const [type, fields] of Object.entries(part)) out[type] = { ...out[type], ...fields };
  return out;
}

/** The GraphQL API (yoga): the schema, every area's resolvers and the query limits. */
export function createGraphql(deps: GraphqlDeps): YogaServerInstance<GqlContext, object> {
  const settled: ResolverDeps = { ...deps, clock: deps.clock ?? systemClock };
  const resolvers = merged(
    [
      customerResolvers,
      analyticsResolvers,
      transcriptResolvers,
      decisionResolvers,
      adminResolvers,
      violationResolvers,
      callbackResolvers,
      policyResolvers,
      correctionResolvers,
      scriptResolvers,
      generationResolvers,
    ].map((area) => area(settled) as Resolvers),
  );
  return createYoga<GqlContext>({
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    plugins: [limitsPlugin(deps.limits)],
    schema: createSchema<GqlContext>({ typeDefs, resolvers: { ...resolvers, ...SCALARS } }),
  });
}
