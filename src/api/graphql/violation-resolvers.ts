import {
  agentWarningCounts,
  audit,
  dialingViolations,
  violationCounts,
} from '../../analytics/records/index.js';
import { COMPLIANCE, type Principal } from '../auth.js';
import { callSql, campaignSql } from '../scope.js';
import { guarded, type ResolverDeps } from './context.js';
import { kpiFilter, pageSize } from './views.js';

type RangeArgs = { from?: string; to?: string };
const MAX_LIMIT = 200;

/**
 * The calls the dialing rules refused or flagged: compliance and admin,
 * each list read audited (it names customers and calls), denials too. A
 * campaign-scoped key sees its campaigns' calls.
 */
export function violationResolvers({ store }: ResolverDeps) {
  /** The filter of a range (a 400 names a bad time) for what the principal sees. */
  const filter = (a: RangeArgs, who: Principal) => {
    kpiFilter(a);
    return { from: a.from, to: a.to, scope: campaignSql(who, 'campaign_id') };
  };
  const action = 'dialing.violations.read';
  return {
    Query: {
      dialingViolations: guarded(
        COMPLIANCE,
        async (a: RangeArgs & { limit?: number }, ctx) => {
          const limit = pageSize(a.limit, 50, MAX_LIMIT);
          const f = filter(a, ctx.principal);
          await audit(store, ctx.principal, action, JSON.stringify({ from: a.from, to: a.to }));
          const rows = await dialingViolations(store, f, limit);
          return rows.map((v) => ({
            id: v.id,
            ts: v.ts,
            callId: v.call_id,
            customerId: v.customer_id,
            campaign: v.campaign_id,
            rule: v.rule,
            detail: v.detail,
            mode: v.mode,
          }));
        },
        { store, action, target: (a) => JSON.stringify(a) },
      ),
      dialingViolationCounts: guarded(COMPLIANCE, async (a: RangeArgs, ctx) =>
        violationCounts(store, filter(a, ctx.principal)),
      ),
      agentWarnings: guarded(COMPLIANCE, async (a: RangeArgs, ctx) => {
        kpiFilter(a);
        const scope = callSql(ctx.principal, 'call_id');
        return agentWarningCounts(store, { from: a.from, to: a.to, scope });
      }),
    },
  };
}
