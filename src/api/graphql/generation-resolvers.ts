import { generationStats } from '../../analytics/records/index.js';
import { ANALYSTS } from '../auth.js';
import { campaignSql } from '../scope.js';
import { guarded, type ResolverDeps } from './context.js';
import { kpiFilter } from './views.js';

/** Generated replies as the decision log has them: analysts; a campaign-scoped key sees its campaigns'. */
export function generationResolvers({ store }: ResolverDeps) {
  return {
    Query: {
      generationStats: guarded(ANALYSTS, async (a: { from?: string; to?: string }, ctx) => {
        kpiFilter(a);
        const scope = campaignSql(ctx.principal, 'campaign_id');
        return generationStats(store, { from: a.from, to: a.to, scope });
      }),
    },
  };
}
