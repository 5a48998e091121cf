// Yoga's own error factory: a GraphQLError from another copy of graphql (ESM vs CJS)
// would fail its instanceof check and be masked.
import {
  createGraphQLError,
  createSchema,
  createYoga,
  type YogaServerInstance,
} from 'graphql-yoga';
import { DIMENSIONS, kpisBy, totals, type Dimension } from '../analytics/kpis.js';
import { DialwiseError, httpStatusOf } from '../core/errors.js';
import type { Store } from '../core/store/store.js';
import { requireRole, type Principal, type Role } from './auth.js';

export interface GqlContext {
  principal: Principal;
}

const ANALYSTS: readonly Role[] = ['analyst', 'data_scientist', 'compliance', 'admin'];

const typeDefs = /* GraphQL */ `
  enum Dimension { ${Object.keys(DIMENSIONS).join(' ')} }
  type Principal { name: String! role: String! }
  type KpiRow {
    key: String!
    calls: Int!
    answered: Int!
    conversions: Int!
    "answered / calls, 0..1"
    connectRate: Float!
    "conversions / calls, 0..1"
    conversionRate: Float!
  }
  type Totals {
    calls: Int!
    answered: Int!
    conversions: Int!
    conversionRate: Float!
    eventsIngested: Int!
    deadLetters: Int!
  }
  type Query {
    me: Principal!
    kpis(by: Dimension!): [KpiRow!]!
    totals: Totals!
  }
`;

/** Maps our typed errors to GraphQL errors with a code and an HTTP status. */
function guarded<A, R>(roles: readonly Role[], fn: (args: A) => Promise<R>) {
  return async (_: unknown, args: A, ctx: GqlContext): Promise<R> => {
    try {
      requireRole(ctx.principal, roles);
      return await fn(args);
    } catch (err) {
      if (!(err instanceof DialwiseError)) throw err;
      throw createGraphQLError(err.message, {
        extensions: { code: err.code, http: { status: httpStatusOf(err.code) } },
      });
    }
  };
}

export function createGraphql(store: Store): YogaServerInstance<GqlContext, object> {
  return createYoga<GqlContext>({
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    schema: createSchema<GqlContext>({
      typeDefs,
      resolvers: {
        Query: {
          me: (_: unknown, __: unknown, ctx: GqlContext) => ctx.principal,
          kpis: guarded(ANALYSTS, (a: { by: Dimension }) => kpisBy(store, a.by)),
          totals: guarded(ANALYSTS, () => totals(store)),
        },
      },
    }),
  });
}
