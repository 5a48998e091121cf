import { randomUUID } from 'node:crypto';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
// Yoga's own error factory: a GraphQLError from another copy of graphql (ESM vs CJS)
// would fail its instanceof check and be masked.
import { createGraphQLError, createSchema, createYoga, type PubSub } from 'graphql-yoga';
import type { YogaServerInstance } from 'graphql-yoga';
import type { AlertRunner } from '../analytics/alert-runner.js';
import { audit, TRANSCRIPT_READERS } from '../analytics/audit.js';
import { callTranscript, flaggedCalls } from '../analytics/compliance-review.js';
import { callsById, customerIdByPhoneHash, customerList } from '../analytics/customers.js';
import { kpiSeries, kpisBy, totals, type CallCosts, type Dimension } from '../analytics/kpis.js';
import { searchTranscripts } from '../analytics/transcripts.js';
import { DialwiseError, httpStatusOf } from '../core/errors.js';
import { maskPersonal, personalKind } from '../core/personal.js';
import { parseEvent, type DialwiseEvent } from '../core/events/index.js';
import type { Store } from '../core/store/store.js';
import type { DecisionEngine } from '../decision/engine.js';
import { compareArms } from '../decision/experiments.js';
import type { ModelName, ModelRegistry } from '../models/registry.js';
import { MODEL_NAMES } from '../training/kinds.js';
import type { Profile } from '../pipelines/profile.js';
import {
  ANALYSTS,
  COMPLIANCE,
  issueApiKey,
  listApiKeys,
  LIVE_READERS,
  PROFILE_READERS,
  requireRole,
  ROLES,
  withdrawApiKey,
  type Principal,
  type Role,
} from './auth.js';
import { limitsPlugin } from './graphql-limits.js';
import type { ApiLimits } from './limits.js';
import { typeDefs } from './graphql-schema.js';
import {
  callSummaryView,
  consentView,
  customerView,
  fields,
  flaggedView,
  kpiFilter,
  leaderOf,
  variantView,
  type CustomerView,
  type KpiArgs,
} from './graphql-views.js';

export interface GqlContext {
  principal: Principal;
  /** The HTTP request (yoga puts it in every context). */
  request?: Request;
}

/** Tells subscribers that new data was committed. */
export type Commits = PubSub<{ committed: [] }>;

/** What the GraphQL API reads and writes through. */
export interface GraphqlDeps {
  store: Store;
  profile(customerId: string): Profile | undefined | Promise<Profile | undefined>;
  alerts: AlertRunner;
  commits: Commits;
  /** Per-minute costs of bots and agents, for cost per conversion (defaults otherwise). */
  costs?: CallCosts | undefined;
  /** The live decision layer (absent where no pipeline state is at hand, e.g. the loader). */
  decisions?: DecisionEngine | undefined;
  /** The model registry and which version of each model this process serves. */
  models: { registry: ModelRegistry; served(): Partial<Record<ModelName, string>> };
  /** The keyed hash the pipeline stores for a phone number (look-ups never store the number). */
  phoneHash(phone: string): string;
  /** Takes validated events; resolves once durable. */
  submit(valid: DialwiseEvent[], invalid: string[]): Promise<void>;
  limits: ApiLimits;
}

/** What a denied call is audited as (reads of transcripts and personal data). */
interface Audited<A> {
  action: string;
  target: (args: A) => string;
}

/**
 * Checks the role, then maps our typed errors to GraphQL errors with a code
 * and an HTTP status. An argument given as null is passed as absent.
 */
function guarded<A, R>(
  roles: readonly Role[],
  fn: (args: A, ctx: GqlContext, info: GraphQLResolveInfo) => Promise<R>,
  denied?: Audited<A> & { store: Store },
) {
  return async (_: unknown, args: A, ctx: GqlContext, info: GraphQLResolveInfo): Promise<R> => {
    try {
      if (denied && !roles.includes(ctx.principal.role))
        await audit(denied.store, ctx.principal, `${denied.action}.denied`, denied.target(args));
      requireRole(ctx.principal, roles);
      const given = Object.entries(args as object).filter(([, v]) => v !== null);
      return await fn(Object.fromEntries(given) as A, ctx, info);
    } catch (err) {
      if (!(err instanceof DialwiseError)) throw err;
      throw createGraphQLError(err.message, {
        extensions: { code: err.code, http: { status: httpStatusOf(err.code) } },
      });
    }
  };
}

/** Whether the query selects `field` under the field being resolved (fragments included). */
function asks(info: GraphQLResolveInfo, field: string): boolean {
  const within = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((s) =>
      s.kind === Kind.FIELD
        ? s.name.value === field
        : s.kind === Kind.INLINE_FRAGMENT
          ? within(s.selectionSet)
          : within(info.fragments[s.name.value]?.selectionSet),
    );
  return info.fieldNodes.some((n) => within(n.selectionSet));
}

/**
 * Live subscriptions held open per key: a key at its limit is refused until
 * one of its streams ends (a client closing it ends it).
 */
class SubscriptionSlots {
  private readonly open = new Map<string, number>();
  constructor(private readonly perKey: number) {}

  /**
   * The current value, then again after every commit: a live subscription
   * over SSE. The slot is freed when the client goes away (the request's
   * signal): a generator waiting for the next commit would only run its
   * `finally` once that commit came.
   */
  live(commits: Commits, principal: Principal, signal?: AbortSignal): AsyncGenerator<unknown> {
    const held = this.open.get(principal.name) ?? 0;
    if (held >= this.perKey)
      throw new DialwiseError(
        'RATE_LIMITED',
        `key "${principal.name}" holds ${held} live subscriptions; at most ${this.perKey}`,
        { retryAfterS: 5 },
      );
    this.open.set(principal.name, held + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const n = (this.open.get(principal.name) ?? 1) - 1;
      if (n > 0) this.open.set(principal.name, n);
      else this.open.delete(principal.name);
    };
    signal?.addEventListener('abort', release, { once: true });
    return (async function* () {
      try {
        yield;
        yield* commits.subscribe('committed');
      } finally {
        release();
      }
    })();
  }
}

const PHONE = /^\+?[0-9 ()-]{5,32}$/;

const SCOPES = ['call', 'sms', 'email', 'all'] as const;

export function createGraphql(deps: GraphqlDeps): YogaServerInstance<GqlContext, object> {
  const { store, costs } = deps;
  const slots = new SubscriptionSlots(deps.limits.subscriptionsPerKey);
  const engine = (): DecisionEngine => {
    if (!deps.decisions)
      throw new DialwiseError('NOT_FOUND', 'the decision layer does not run in this process');
    return deps.decisions;
  };
  const customer = async (id: string): Promise<CustomerView | null> => {
    const p = await deps.profile(id);
    return p ? customerView(p, Date.now()) : null;
  };
  // Distinct customers are the costly part: counted only for a query that shows them.
  const kpis = (a: KpiArgs & { by?: Dimension | null }, info: GraphQLResolveInfo) =>
    kpisBy(store, a.by ?? null, {
      ...kpiFilter(a),
      costs,
      customers: asks(info, 'contactsPerCustomer'),
    });
  const alerts = (a: { status?: string | null; limit?: number | null; after?: string | null }) =>
    deps.alerts.alerts(a.status, a);
  /** Personal data for compliance and admin only, each read audited (denials too); null for everyone else. */
  const personal =
    (pick: (p: Profile) => string | null) =>
    async (c: CustomerView, _: unknown, ctx: GqlContext): Promise<string | null> => {
      if (!TRANSCRIPT_READERS.has(ctx.principal.role)) {
        await audit(store, ctx.principal, 'customer.pii.denied', c.customerId);
        return null;
      }
      await audit(store, ctx.principal, 'customer.pii.read', c.customerId);
      return pick(c.profile);
    };

  return createYoga<GqlContext>({
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    plugins: [limitsPlugin(deps.limits)],
    schema: createSchema<GqlContext>({
      typeDefs,
      resolvers: {
        // Rows pass as the analytics made them: copying thousands of trend rows costs more than the query.
        KpiRow: { at: (r: { at?: Date }) => r.at?.toISOString() ?? null },
        Customer: {
          phone: personal((p) => p.phone),
          name: personal((p) => p.name),
          // Masked for everyone; whole for compliance and admin, each such read audited.
          personal: async (c: CustomerView, _: unknown, ctx: GqlContext) => {
            const entries = Object.entries(c.profile.personal);
            const whole = TRANSCRIPT_READERS.has(ctx.principal.role);
            if (whole && entries.length)
              await audit(store, ctx.principal, 'customer.pii.read', c.customerId);
            return entries.map(([key, value]) => {
              const kind = personalKind(key, value) ?? 'id_number';
              return { key, kind, value: whole ? value : maskPersonal(kind, value) };
            });
          },
          recentCalls: async (c: CustomerView) =>
            (
              await callsById(store, [
                ...Object.keys(c.profile.open_calls),
                ...c.profile.closed_calls,
              ])
            )
              .slice(0, 20)
              .map(callSummaryView),
        },
        Query: {
          me: (_: unknown, __: unknown, ctx: GqlContext) => ctx.principal,
          customer: guarded(PROFILE_READERS, (a: { id: string }) => customer(a.id)),
          customerByPhone: guarded(
            COMPLIANCE,
            async (a: { phone: string }, ctx) => {
              if (!PHONE.test(a.phone))
                throw new DialwiseError('BAD_REQUEST', 'phone must be digits, spaces, +, - or ()');
              const id = await customerIdByPhoneHash(store, deps.phoneHash(a.phone));
              await audit(store, ctx.principal, 'customer.lookup.phone', id ?? '(none)');
              return id ? customer(id) : null;
            },
            { store, action: 'customer.lookup.phone', target: () => '(phone)' },
          ),
          customers: guarded(ANALYSTS, async (a: unknown) => {
            const page = await customerList(store, a);
            return {
              ...page,
              customers: page.customers.map((c) => ({
                customerId: c.customer_id,
                intentScore: c.intent_score,
                tags: c.tags,
                calls: c.calls,
                lastCallAt: c.last_call_at,
              })),
            };
          }),
          kpis: guarded(ANALYSTS, async (a: KpiArgs & { by?: Dimension }, _, info) =>
            kpis(a, info),
          ),
          kpiTrend: guarded(
            ANALYSTS,
            async (a: KpiArgs & { bucket: 'HOUR' | 'DAY'; by?: Dimension | null }, _, info) =>
              kpiSeries(store, a.bucket === 'HOUR' ? 'hour' : 'day', a.by ?? null, {
                ...kpiFilter(a),
                costs,
                customers: asks(info, 'contactsPerCustomer'),
              }),
          ),
          totals: guarded(ANALYSTS, () => totals(store)),
          experiments: guarded(ANALYSTS, async (a: KpiArgs) => {
            const byScript = (
              await kpisBy(store, 'SCRIPT_VERSION', { ...kpiFilter(a), customers: false })
            ).sort((x, y) => x.key.localeCompare(y.key));
            const compared = compareArms(
              byScript.map((r) => ({
                variant: r.key,
                trials: r.calls,
                conversions: r.conversions,
              })),
            );
            const stored = byScript.length
              ? [
                  {
                    id: 'calls:script_version',
                    source: 'calls',
                    node: 'script_version',
                    segment: 'all',
                    trials: byScript.reduce((s, r) => s + r.calls, 0),
                    leader: leaderOf(compared),
                    variants: compared.map(variantView),
                  },
                ]
              : [];
            const running = deps.decisions
              ? deps.decisions.experimentCells().map((c) => {
                  const report = deps.decisions!.experimentReport(c.node, c.segment);
                  return {
                    id: `decision:${c.node}:${c.segment}`,
                    source: 'decision',
                    ...c,
                    leader: leaderOf(report),
                    variants: report.map(variantView),
                  };
                })
              : [];
            return [...stored, ...running];
          }),
          models: guarded(ANALYSTS, async () => {
            const served = deps.models.served();
            const perModel = await Promise.all(
              MODEL_NAMES.map(async (name) => {
                const [versions, aliases] = await Promise.all([
                  deps.models.registry.versions(name),
                  deps.models.registry.aliases(name),
                ]);
                return versions.map((v) => ({
                  model: name,
                  version: v.version,
                  created: v.created,
                  aliases: Object.entries(aliases)
                    .filter(([, n]) => n === v.version)
                    .map(([alias]) => alias),
                  served: served[name] === `v${v.version}`,
                  parent: v.parent,
                  dataSha256: v.dataSha256,
                  metrics: fields(v.metrics),
                  mlflowRunUrl: v.mlflow?.runUrl ?? null,
                }));
              }),
            );
            return perModel.flat().sort((a, b) => b.created.localeCompare(a.created));
          }),
          // Role checks and audits live in the analytics functions: denials are audited too.
          transcripts: guarded(ROLES, async (a: Parameters<typeof searchTranscripts>[2], ctx) => {
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
          }),
          flaggedCalls: guarded(ROLES, async (a: unknown, ctx) => {
            const page = await flaggedCalls(store, ctx.principal, a);
            return { ...page, calls: page.calls.map(flaggedView) };
          }),
          callTranscript: guarded(ROLES, async (a: { callId: string }, ctx) => {
            const t = await callTranscript(store, ctx.principal, a.callId);
            return t && { ...t, callId: t.call_id, customerId: t.customer_id };
          }),
          alerts: guarded(ANALYSTS, alerts),
          alertRules: guarded(ANALYSTS, () => deps.alerts.rules()),
          dialogContext: guarded(
            LIVE_READERS,
            async (a: { callId: string }, ctx) => {
              const c = engine().context(a.callId);
              await audit(store, ctx.principal, 'transcript.live.read', a.callId);
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
            },
            { store, action: 'transcript.live.read', target: (a) => a.callId },
          ),
          dialerNext: guarded(
            PROFILE_READERS,
            async (a: { limit: number }) =>
              engine().next(Math.min(Math.max(a.limit, 1), 1000)).next,
          ),
          experiment: guarded(ANALYSTS, async (a: { node: string; segment: string }) =>
            engine().experimentReport(a.node, a.segment).map(variantView),
          ),
          apiKeys: guarded(['admin'], () => listApiKeys(store)),
        },
        Subscription: {
          totals: {
            subscribe: guarded(ANALYSTS, async (_: unknown, ctx) =>
              slots.live(deps.commits, ctx.principal, ctx.request?.signal),
            ),
            resolve: () => totals(store),
          },
          kpis: {
            subscribe: guarded(ANALYSTS, async (a: KpiArgs, ctx) => {
              kpiFilter(a); // a bad time is refused before anything streams
              return slots.live(deps.commits, ctx.principal, ctx.request?.signal);
            }),
            resolve: async (
              _: unknown,
              a: KpiArgs & { by?: Dimension },
              __: GqlContext,
              info: GraphQLResolveInfo,
            ) => kpis(a, info),
          },
          alerts: {
            subscribe: guarded(ANALYSTS, async (_: unknown, ctx) =>
              slots.live(deps.commits, ctx.principal, ctx.request?.signal),
            ),
            resolve: (_: unknown, a: { status?: string; limit?: number }) => alerts(a),
          },
        },
        Mutation: {
          createApiKey: guarded(
            ['admin'],
            (a: { name: string; role: Role; expiresAt?: string; expiresInDays?: number }, ctx) =>
              issueApiKey(store, ctx.principal, a),
          ),
          revokeApiKey: guarded(['admin'], (a: { name: string }, ctx) =>
            withdrawApiKey(store, ctx.principal, a.name),
          ),
          saveAlertRule: guarded(ANALYSTS, (a: { rule: Record<string, unknown> }) =>
            deps.alerts.saveRule(
              Object.fromEntries(Object.entries(a.rule).filter(([, v]) => v !== null)),
            ),
          ),
          acknowledgeAlert: guarded(ANALYSTS, (a: { ruleId: string; key: string }) =>
            deps.alerts.acknowledge(a.ruleId, a.key),
          ),
          setConsent: guarded(
            COMPLIANCE,
            async (a: { customerId: string; scope: string; granted: boolean }, ctx) => {
              if (!(SCOPES as readonly string[]).includes(a.scope))
                throw new DialwiseError('BAD_REQUEST', `scope must be one of ${SCOPES.join(', ')}`);
              const parsed = parseEvent({
                event_id: randomUUID(),
                type: 'consent.changed',
                ts: new Date().toISOString(),
                schema_version: 1,
                customer_id: a.customerId,
                scope: a.scope,
                granted: a.granted,
              });
              if (!parsed.ok) throw new DialwiseError('BAD_REQUEST', parsed.reason);
              await deps.submit([parsed.event], []);
              await audit(
                store,
                ctx.principal,
                a.granted ? 'consent.granted' : 'consent.revoked',
                `${a.customerId}:${a.scope}`,
              );
              const now = (await deps.profile(a.customerId))?.consent ?? {};
              return consentView({ ...now, [a.scope]: a.granted });
            },
          ),
        },
      },
    }),
  });
}
