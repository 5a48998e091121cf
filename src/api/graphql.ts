// Yoga's own error factory: a GraphQLError from another copy of graphql (ESM vs CJS)
// would fail its instanceof check and be masked.
import type { ASTVisitor, SelectionSetNode, ValidationContext } from 'graphql';
import {
  createGraphQLError,
  createSchema,
  createYoga,
  type Plugin,
  type PubSub,
  type YogaServerInstance,
} from 'graphql-yoga';
import { z } from 'zod';
import { DIMENSIONS, kpisBy, totals, type CallCosts, type Dimension } from '../analytics/kpis.js';
import { DialwiseError, httpStatusOf } from '../core/errors.js';
import type { Store } from '../core/store/store.js';
import type { DecisionEngine } from '../decision/engine.js';
import { contactsInWeek, type Profile } from '../pipelines/profile.js';
import type { AlertRunner } from '../analytics/alert-runner.js';
import { searchTranscripts } from '../analytics/transcripts.js';
import { requireRole, ROLES, type Principal, type Role } from './auth.js';

export interface GqlContext {
  principal: Principal;
}

const isoTime = z.iso.datetime({ offset: true });
const ANALYSTS: readonly Role[] = ['analyst', 'data_scientist', 'compliance', 'admin'];
const PROFILE_READERS: readonly Role[] = [...ANALYSTS, 'dialer'];

const typeDefs = /* GraphQL */ `
  enum Dimension { ${Object.keys(DIMENSIONS).join(' ')} }
  type Principal { name: String! role: String! }
  type KpiRow {
    key: String!
    calls: Int!
    answered: Int!
    conversions: Int!
    complaints: Int!
    transfers: Int!
    "answered / calls, 0..1"
    connectRate: Float!
    "conversions / calls, 0..1"
    conversionRate: Float!
    "complaints / answered, 0..1"
    complaintRate: Float!
    "transfers to a human / answered, 0..1"
    transferRate: Float!
    "mean duration of answered calls, seconds"
    avgTalkSeconds: Float!
    "calls / distinct customers"
    contactsPerCustomer: Float!
    "bot and agent minutes at their per-minute cost, per conversion"
    costPerConversion: Float!
  }
  type Totals {
    calls: Int!
    answered: Int!
    conversions: Int!
    conversionRate: Float!
    eventsIngested: Int!
    deadLetters: Int!
  }
  type Field { key: String! value: String }
  type Count { key: String! count: Int! }
  type Consent { scope: String! granted: Boolean! }
  "The live 360° profile (personal data masked)."
  type Customer {
    customerId: ID!
    phoneMasked: String
    tags: [String!]!
    intentScore: Float!
    calls: Int!
    answered: Int!
    contacts7d: Int!
    lastCallAt: String
    webVisits: Int!
    lastVisitAt: String
    crm: [Field!]!
    crmUnmapped: [Field!]!
    consent: [Consent!]!
    intents: [Count!]!
    objections: [Count!]!
    facts: [Field!]!
    valence: Float!
    openCalls: Int!
  }
  type TurnLine { speaker: String! text: String! }
  "A call the bot is on, as GET /dialog/context returns it."
  type DialogContext {
    callId: ID!
    customerId: ID!
    state: String!
    customerTurns: Int!
    intentScore: Float!
    scriptVersion: String!
    slots: [Field!]!
    lastTurns: [TurnLine!]!
    handoffQueue: String
    handoffAgent: String
    handoffSummary: String
    fallback: String
  }
  type DialTarget { customerId: ID! score: Float! pAnswer: Float! intentScore: Float! }
  "A script variant in its experiment: conversion, probability to be best, uplift vs the control."
  type VariantStats {
    variant: String!
    trials: Int!
    conversions: Int!
    rate: Float!
    pBest: Float!
    uplift: Float!
    upliftLo95: Float!
    upliftHi95: Float!
    stopped: Boolean!
  }
  type Highlight { start: Int! end: Int! }
  type TranscriptHit {
    callId: ID!
    customerId: ID!
    turn: Int!
    speaker: String!
    ts: String!
    text: String!
    highlights: [Highlight!]!
  }
  type TranscriptPage { hits: [TranscriptHit!]! nextCursor: String total: Int }
  type AlertRule {
    id: ID!
    metric: String!
    dimension: String
    threshold: Float!
    direction: String!
    weeks: Int!
    cooldownMinutes: Int!
    minVolume: Int!
    enabled: Boolean!
  }
  input AlertRuleInput {
    id: ID!
    metric: String!
    dimension: String
    threshold: Float
    direction: String
    weeks: Int
    cooldownMinutes: Int
    minVolume: Int
    enabled: Boolean
  }
  "A metric off its baseline for one dimension value (key 'all': overall)."
  type Alert {
    ruleId: ID!
    key: String!
    status: String!
    metric: String!
    dimension: String
    value: Float!
    baseline: Float!
    deviation: Float!
    threshold: Float!
    firedAt: String
  }
  type Subscription {
    "The totals now, then again whenever new data is committed (checked every second): live KPI cards over SSE."
    totals: Totals!
  }
  type Mutation {
    saveAlertRule(rule: AlertRuleInput!): AlertRule!
    acknowledgeAlert(ruleId: ID!, key: String!): Alert!
  }
  type Query {
    me: Principal!
    alerts(status: String): [Alert!]!
    alertRules: [AlertRule!]!
    "Keyword search over transcripts (Chinese and English), newest first; compliance and admin only, every search audited."
    transcripts(
      text: String!
      speaker: String
      from: String
      to: String
      limit: Int
      after: String
    ): TranscriptPage!
    customer(id: ID!): Customer
    "Calls started in [from, to) (ISO 8601), either end open."
    kpis(by: Dimension!, from: String, to: String): [KpiRow!]!
    totals: Totals!
    dialogContext(callId: ID!): DialogContext
    dialerNext(limit: Int = 20): [DialTarget!]!
    experiment(node: String!, segment: String = "none"): [VariantStats!]!
  }
`;

/** Most fields a query may ask for, fragments expanded and aliases counted. */
export const MAX_QUERY_FIELDS = 400;

/**
 * The size of a query, measured before it runs. The schema has no
 * recursive types, so depth is bounded by the schema itself; aliases are
 * what make a query expensive (`a1: kpis … a500: kpis`), and they are
 * counted here. Introspection fields (`__typename`, `__schema`) are not.
 */
function queryCost(context: ValidationContext): ASTVisitor {
  const count = (set: SelectionSetNode, seen: ReadonlySet<string>): number => {
    let fields = 0;
    for (const sel of set.selections) {
      if (sel.kind === 'Field') {
        if (sel.name.value.startsWith('__')) continue;
        fields += 1 + (sel.selectionSet ? count(sel.selectionSet, seen) : 0);
      } else if (sel.kind === 'InlineFragment') fields += count(sel.selectionSet, seen);
      else if (!seen.has(sel.name.value)) {
        const fragment = context.getFragment(sel.name.value);
        if (fragment) fields += count(fragment.selectionSet, new Set([...seen, sel.name.value]));
      }
    }
    return fields;
  };
  return {
    OperationDefinition(node) {
      const fields = count(node.selectionSet, new Set());
      if (fields > MAX_QUERY_FIELDS)
        context.reportError(
          createGraphQLError(`query asks for ${fields} fields; at most ${MAX_QUERY_FIELDS}`),
        );
    },
  };
}

const limits: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule(queryCost);
  },
};

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

const fields = (o: Record<string, unknown>) =>
  Object.entries(o).map(([key, v]) => ({
    key,
    value: v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v),
  }));
const counts = (o: Record<string, number>) =>
  Object.entries(o).map(([key, count]) => ({ key, count }));

/** Keeps the first 3 and last 4 digits: enough to recognise, not to dial. */
export const maskPhone = (phone: string): string => {
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 7
    ? '*'.repeat(digits.length)
    : `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
};

function customerView(p: Profile, nowMs: number) {
  return {
    customerId: p.customer_id,
    phoneMasked: p.phone === null ? null : maskPhone(p.phone),
    tags: p.tags,
    intentScore: p.intent_score,
    calls: p.calls,
    answered: p.answered,
    contacts7d: contactsInWeek(p, nowMs),
    lastCallAt: p.last_call_at,
    webVisits: p.web_visits,
    lastVisitAt: p.last_visit_at,
    crm: fields(p.crm),
    crmUnmapped: fields(p.crm_unmapped),
    consent: Object.entries(p.consent).map(([scope, granted]) => ({ scope, granted })),
    intents: counts(p.intents),
    objections: counts(p.objections),
    facts: Object.entries(p.facts).map(([key, f]) => ({ key, value: f.value })),
    valence: p.valence,
    openCalls: Object.keys(p.open_calls).length,
  };
}

/** Tells subscribers that new data was committed. */
export type Commits = PubSub<{ committed: [] }>;

export function createGraphql(
  store: Store,
  profile: (customerId: string) => Profile | undefined | Promise<Profile | undefined>,
  alerts: AlertRunner,
  commits: Commits,
  costs: CallCosts | undefined,
  decisions?: DecisionEngine,
): YogaServerInstance<GqlContext, object> {
  const engine = (): DecisionEngine => {
    if (!decisions)
      throw new DialwiseError('NOT_FOUND', 'the decision layer does not run in this process');
    return decisions;
  };
  return createYoga<GqlContext>({
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    plugins: [limits],
    schema: createSchema<GqlContext>({
      typeDefs,
      resolvers: {
        Query: {
          me: (_: unknown, __: unknown, ctx: GqlContext) => ctx.principal,
          customer: guarded(PROFILE_READERS, async (a: { id: string }) => {
            const p = await profile(a.id);
            return p ? customerView(p, Date.now()) : null;
          }),
          kpis: guarded(ANALYSTS, (a: { by: Dimension; from?: string; to?: string }) => {
            for (const [k, v] of Object.entries({ from: a.from, to: a.to }))
              if (v && !isoTime.safeParse(v).success)
                throw new DialwiseError('BAD_REQUEST', `${k} must be an ISO 8601 time, got ${v}`);
            return kpisBy(store, a.by, { ...a, costs });
          }),
          totals: guarded(ANALYSTS, () => totals(store)),
          // Role check and audit live in searchTranscripts: a denied search is audited too.
          transcripts: async (
            _: unknown,
            a: Parameters<typeof searchTranscripts>[2],
            ctx: GqlContext,
          ) =>
            guarded(ROLES, async () => {
              const page = await searchTranscripts(store, ctx.principal, a);
              return {
                ...page,
                hits: page.hits.map((h) => ({
                  callId: h.call_id,
                  customerId: h.customer_id,
                  turn: h.turn,
                  speaker: h.speaker,
                  ts: h.ts,
                  text: h.text,
                  highlights: h.highlights,
                })),
              };
            })(_, a, ctx),
          alerts: guarded(ANALYSTS, (a: { status?: string }) => alerts.alerts(a.status)),
          alertRules: guarded(ANALYSTS, () => alerts.rules()),
          dialogContext: guarded(PROFILE_READERS, async (a: { callId: string }) => {
            const c = engine().context(a.callId);
            return (
              c && {
                callId: c.call_id,
                customerId: c.customer_id,
                state: c.state,
                customerTurns: c.customer_turns,
                intentScore: c.intent_score,
                scriptVersion: c.script_version,
                slots: fields({ ...c.slots }),
                lastTurns: c.last_turns,
                handoffQueue: c.handoff?.queue ?? null,
                handoffAgent: c.handoff?.agent ?? null,
                handoffSummary: c.handoff?.summary ?? null,
                fallback: c.fallback,
              }
            );
          }),
          dialerNext: guarded(
            PROFILE_READERS,
            async (a: { limit: number }) =>
              engine().next(Math.min(Math.max(a.limit, 1), 1000)).next,
          ),
          experiment: guarded(ANALYSTS, async (a: { node: string; segment: string }) =>
            engine()
              .experimentReport(a.node, a.segment)
              .map(({ upliftVsControl: u, ...v }) => ({
                ...v,
                uplift: u.mean,
                upliftLo95: u.lo95,
                upliftHi95: u.hi95,
              })),
          ),
        },
        Subscription: {
          totals: {
            // The current totals first, then again after each commit.
            subscribe: guarded(ANALYSTS, async () =>
              (async function* () {
                yield;
                yield* commits.subscribe('committed');
              })(),
            ),
            resolve: () => totals(store),
          },
        },
        Mutation: {
          saveAlertRule: guarded(ANALYSTS, (a: { rule: Record<string, unknown> }) =>
            alerts.saveRule(
              Object.fromEntries(Object.entries(a.rule).filter(([, v]) => v !== null)),
            ),
          ),
          acknowledgeAlert: guarded(ANALYSTS, (a: { ruleId: string; key: string }) =>
            alerts.acknowledge(a.ruleId, a.key),
          ),
        },
      },
    }),
  });
}
