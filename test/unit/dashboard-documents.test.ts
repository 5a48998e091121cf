// Every GraphQL document the dashboard sends passes the server's limits as
// shipped (depth, cost, aliases): a fragment spread counts as a level, so a
// document can fail on the server while it type-checks here.
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { buildSchema, print, parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { typeDefs } from '../../src/api/graphql/schema.js';
import { loadConfig } from '../../src/core/config.js';
import * as alerts from '../../src/dashboard/queries/alert-queries.js';
import * as app from '../../src/dashboard/queries/app-queries.js';
import * as compliance from '../../src/dashboard/queries/compliance-queries.js';
import * as corrections from '../../src/dashboard/queries/correction-queries.js';
import * as customers from '../../src/dashboard/queries/customer-queries.js';
import * as generation from '../../src/dashboard/queries/generation-queries.js';
import * as kpis from '../../src/dashboard/queries/kpi-queries.js';

const limits = loadConfig({ env: {} });
const schema = buildSchema(typeDefs);
const documents = Object.entries({
  ...alerts,
  ...app,
  ...compliance,
  ...corrections,
  ...customers,
  ...generation,
  ...kpis,
}).filter(
  (e): e is [string, DocumentNode] => (e[1] as DocumentNode | undefined)?.kind === 'Document',
);

/** What the server's validation says of a document: every error and rejection. */
function problems(doc: DocumentNode): string[] {
  const rejected: string[] = [];
  const onReject = [(_: unknown, err: Error) => void rejected.push(err.message)];
  type Ctx = Parameters<ReturnType<typeof maxDepthRule>>[0];
  const errors = validate(schema, doc, [
    ...specifiedRules,
    (ctx: Ctx) =>
      costLimitRule({ maxCost: limits.graphqlMaxCost, onReject, propagateOnRejection: false })(ctx),
    (ctx: Ctx) =>
      maxDepthRule({ n: limits.graphqlMaxDepth, onReject, propagateOnRejection: false })(ctx),
    (ctx: Ctx) =>
      maxAliasesRule({ n: limits.graphqlMaxAliases, onReject, propagateOnRejection: false })(ctx),
  ]);
  return [...errors.map((e) => e.message), ...rejected];
}

describe("the dashboard's GraphQL documents", () => {
  it.each(documents)('%s is valid and within the limits', (_, doc) => {
    expect(problems(parse(print(doc)))).toEqual([]);
  });

  it('counts a fragment spread as a level: a fragment in a fragment can exceed the depth', () => {
    const nested = parse(`query Q($full: Boolean!) { customer(id: "x") { ...P } }
      fragment P on Customer { customerId ...L }
      fragment L on Customer { consentChanges { text @include(if: $full) } }`);
    expect(problems(nested).join()).toMatch(/depth limit/);
  });
});
