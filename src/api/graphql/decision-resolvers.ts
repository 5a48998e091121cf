import { audit } from '../../analytics/records/index.js';
import { ANALYSTS, LIVE_READERS, PROFILE_READERS } from '../auth.js';
import { campaignFor, requireUnscoped } from '../scope.js';
import { engineOf, guarded, type ResolverDeps } from './context.js';
import { fields, variantView } from './views.js';

/** The live decision layer: a call's dialog context, who to dial next, a running experiment. */
export function decisionResolvers(deps: ResolverDeps) {
  const { store } = deps;
  return {
    Query: {
      dialogContext: guarded(
        LIVE_READERS,
        async (a: { callId: string }, ctx) => {
          const found = engineOf(deps).context(a.callId);
          await audit(store, ctx.principal, 'transcript.live.read', a.callId);
          const mine = ctx.principal.campaigns;
          const c = found && (!mine || mine.includes(found.campaign_id ?? '')) ? found : undefined;
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
        async (a: { limit: number; campaignId?: string }, ctx) =>
          engineOf(deps).next(
            Math.min(Math.max(a.limit, 1), 1000),
            campaignFor(ctx.principal, a.campaignId),
          ).next,
      ),
      experiment: guarded(ANALYSTS, async (a: { node: string; segment: string }, ctx) => {
        requireUnscoped(ctx.principal, 'a live experiment');
        return engineOf(deps).experimentReport(a.node, a.segment).map(variantView);
      }),
    },
  };
}
