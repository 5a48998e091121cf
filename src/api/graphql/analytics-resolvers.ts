import type { GraphQLResolveInfo } from 'graphql';
import {
  type Dimension,
  kpisBy,
  kpiSeries,
  needsCustomers,
  totals,
  touchesByChannel,
} from '../../analytics/kpis/index.js';
import { compareArms } from '../../decision/index.js';
import { ANALYSTS } from '../auth.js';
import { campaignsOf, requireUnscoped } from '../scope.js';
import { fieldsAsked, guarded, orNull, type GqlContext, type ResolverDeps } from './context.js';
import { SubscriptionSlots } from './subscription-slots.js';
import { kpiFilter, leaderOf, touchFilter, variantView, type KpiArgs } from './views.js';

type KpiQuery = KpiArgs & { by?: Dimension | null };
type TouchArgs = { from: string; to?: string | null; campaign?: string | null };
type AlertArgs = { status?: string | null; limit?: number | null; after?: string | null };

/** KPIs, totals, experiments and alerts: queries, their live subscriptions, alert upkeep. */
export function analyticsResolvers(deps: ResolverDeps) {
  const { store, costs } = deps;
  const slots = new SubscriptionSlots(deps.limits.subscriptionsPerKey);
  // Distinct customers are the costly part: counted only for a query that asks for a KPI built on them.
  const kpis = (a: KpiQuery, ctx: GqlContext, info: GraphQLResolveInfo) =>
    kpisBy(store, a.by ?? null, {
      ...kpiFilter(a),
      timeZone: a.timeZone ?? deps.reportingTimeZone,
      costs,
      customers: needsCustomers(fieldsAsked(info)),
      campaigns: campaignsOf(ctx.principal),
    });
  const totalsFor = (ctx: GqlContext) => totals(store, campaignsOf(ctx.principal));
  const alerts = (a: AlertArgs, ctx: GqlContext) =>
    deps.alerts.alerts(a.status, a, campaignsOf(ctx.principal));
  const live = async (_: unknown, ctx: GqlContext) =>
    slots.live(deps.commits, ctx.principal, ctx.request?.signal);

  return {
    // Rows pass as the analytics made them: copying thousands of trend rows costs more than the query.
    KpiRow: { at: (r: { at?: Date }) => r.at?.toISOString() ?? null },
    Query: {
      kpis: guarded(ANALYSTS, async (a: KpiQuery, ctx, info) => kpis(a, ctx, info)),
      kpiTrend: guarded(ANALYSTS, async (a: KpiQuery & { bucket: 'HOUR' | 'DAY' }, ctx, info) =>
        kpiSeries(store, a.bucket === 'HOUR' ? 'hour' : 'day', a.by ?? null, {
          ...kpiFilter(a),
          timeZone: a.timeZone ?? deps.reportingTimeZone,
          costs,
          customers: needsCustomers(fieldsAsked(info)),
          campaigns: campaignsOf(ctx.principal),
        }),
      ),
      totals: guarded(ANALYSTS, async (_: unknown, ctx) => totalsFor(ctx)),
      touchesByChannel: guarded(ANALYSTS, async (a: TouchArgs, ctx) =>
        touchesByChannel(store, {
          ...touchFilter(a, deps.clock.now()),
          campaigns: campaignsOf(ctx.principal),
        }),
      ),
      experiments: guarded(ANALYSTS, (a: KpiArgs, ctx) =>
        experiments(deps, a, campaignsOf(ctx.principal)),
      ),
      alerts: guarded(ANALYSTS, async (a: AlertArgs, ctx) => alerts(a, ctx)),
      alertRules: guarded(ANALYSTS, () => deps.alerts.rules()),
    },
    Subscription: {
      totals: {
        subscribe: guarded(ANALYSTS, live),
        resolve: (_: unknown, __: unknown, ctx: GqlContext) => totalsFor(ctx),
      },
      kpis: {
        subscribe: guarded(ANALYSTS, async (a: KpiArgs, ctx) => {
          kpiFilter(a); // a bad time is refused before anything streams
          return live(a, ctx);
        }),
        resolve: async (_: unknown, a: KpiQuery, ctx: GqlContext, info: GraphQLResolveInfo) =>
          kpis(a, ctx, info),
      },
      alerts: {
        subscribe: guarded(ANALYSTS, live),
        resolve: (_: unknown, a: AlertArgs, ctx: GqlContext) => alerts(a, ctx),
      },
    },
    Mutation: {
      saveAlertRule: guarded(ANALYSTS, async (a: { rule: Record<string, unknown> }, ctx) => {
        requireUnscoped(ctx.principal, 'an alert rule');
        return deps.alerts.saveRule(
          Object.fromEntries(Object.entries(a.rule).filter(([, v]) => v !== null)),
        );
      }),
      acknowledgeAlert: guarded(ANALYSTS, async (a: { ruleId: string; key: string }, ctx) => {
        const mine = campaignsOf(ctx.principal);
        // A scoped reader's alerts: of a rule split by campaign, for one of theirs.
        const rule = mine && (await deps.alerts.rules()).find((r) => r.id === a.ruleId);
        if (mine && !(rule?.dimension === 'CAMPAIGN' && mine.includes(a.key))) return null;
        return orNull(deps.alerts.acknowledge(a.ruleId, a.key));
      }),
    },
  };
}

/** Script versions compared on stored calls, then the experiments the decision layer runs. */
async function experiments(deps: ResolverDeps, a: KpiArgs, campaigns?: readonly string[]) {
  const byScript = (
    await kpisBy(deps.store, 'SCRIPT_VERSION', { ...kpiFilter(a), customers: false, campaigns })
  ).sort((x, y) => x.key.localeCompare(y.key));
  const compared = compareArms(
    byScript.map((r) => ({ variant: r.key, trials: r.calls, conversions: r.conversions })),
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
  // The live experiments learn across campaigns: not for a campaign-scoped key.
  const engine = campaigns ? undefined : deps.decisions;
  const running = engine
    ? engine.experimentCells().map((c) => {
        const report = engine.experimentReport(c.node, c.segment);
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
}
