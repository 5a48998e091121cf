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
import { fieldsAsked, guarded, type GqlContext, type ResolverDeps } from './context.js';
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
  const kpis = (a: KpiQuery, info: GraphQLResolveInfo) =>
    kpisBy(store, a.by ?? null, {
      ...kpiFilter(a),
      costs,
      customers: needsCustomers(fieldsAsked(info)),
    });
  const alerts = (a: AlertArgs) => deps.alerts.alerts(a.status, a);
  const live = async (_: unknown, ctx: GqlContext) =>
    slots.live(deps.commits, ctx.principal, ctx.request?.signal);

  return {
    // Rows pass as the analytics made them: copying thousands of trend rows costs more than the query.
    KpiRow: { at: (r: { at?: Date }) => r.at?.toISOString() ?? null },
    Query: {
      kpis: guarded(ANALYSTS, async (a: KpiQuery, _, info) => kpis(a, info)),
      kpiTrend: guarded(ANALYSTS, async (a: KpiQuery & { bucket: 'HOUR' | 'DAY' }, _, info) =>
        kpiSeries(store, a.bucket === 'HOUR' ? 'hour' : 'day', a.by ?? null, {
          ...kpiFilter(a),
          costs,
          customers: needsCustomers(fieldsAsked(info)),
        }),
      ),
      totals: guarded(ANALYSTS, () => totals(store)),
      touchesByChannel: guarded(ANALYSTS, async (a: TouchArgs) =>
        touchesByChannel(store, touchFilter(a, deps.clock.now())),
      ),
      experiments: guarded(ANALYSTS, (a: KpiArgs) => experiments(deps, a)),
      alerts: guarded(ANALYSTS, alerts),
      alertRules: guarded(ANALYSTS, () => deps.alerts.rules()),
    },
    Subscription: {
      totals: { subscribe: guarded(ANALYSTS, live), resolve: () => totals(store) },
      kpis: {
        subscribe: guarded(ANALYSTS, async (a: KpiArgs, ctx) => {
          kpiFilter(a); // a bad time is refused before anything streams
          return live(a, ctx);
        }),
        resolve: async (_: unknown, a: KpiQuery, __: GqlContext, info: GraphQLResolveInfo) =>
          kpis(a, info),
      },
      alerts: {
        subscribe: guarded(ANALYSTS, live),
        resolve: (_: unknown, a: AlertArgs) => alerts(a),
      },
    },
    Mutation: {
      saveAlertRule: guarded(ANALYSTS, (a: { rule: Record<string, unknown> }) =>
        deps.alerts.saveRule(
          Object.fromEntries(Object.entries(a.rule).filter(([, v]) => v !== null)),
        ),
      ),
      acknowledgeAlert: guarded(ANALYSTS, (a: { ruleId: string; key: string }) =>
        deps.alerts.acknowledge(a.ruleId, a.key),
      ),
    },
  };
}

/** Script versions compared on stored calls, then the experiments the decision layer runs. */
async function experiments(deps: ResolverDeps, a: KpiArgs) {
  const byScript = (
    await kpisBy(deps.store, 'SCRIPT_VERSION', { ...kpiFilter(a), customers: false })
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
  const engine = deps.decisions;
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
