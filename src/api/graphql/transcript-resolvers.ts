import { callTranscript, flaggedCalls } from '../../analytics/records/index.js';
import { searchTranscripts } from '../../analytics/search/index.js';
import { ROLES } from '../auth.js';
import { callSql, campaignSql } from '../scope.js';
import { guarded, type ResolverDeps } from './context.js';
import { flaggedView, pageSize } from './views.js';

type FlaggedArgs = {
  from?: string;
  to?: string;
  minRisk?: number | null;
  limit?: number | null;
  after?: string;
};

/**
 * Stored calls' words: search, flagged calls, one call's transcript. Every
 * role may ask; the role checks and audits live in the analytics functions,
 * so denials are audited too. A campaign-scoped key sees its campaigns' calls.
 */
export function transcriptResolvers({ store }: ResolverDeps) {
  return {
    Query: {
      transcripts: guarded(ROLES, async (a: Parameters<typeof searchTranscripts>[2], ctx) => {
        const scoped = ctx.principal.campaigns ? callSql(ctx.principal, 'call_id') : undefined;
        const asked = { ...a, limit: pageSize(a.limit, 20, 100) };
        const page = await searchTranscripts(store, ctx.principal, asked, scoped);
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
      flaggedCalls: guarded(ROLES, async (a: FlaggedArgs, ctx) => {
        const asked = {
          ...a,
          minRisk: Math.min(Math.max(a.minRisk ?? 0, 0), 1e6),
          limit: pageSize(a.limit, 20, 100),
        };
        const scope = callSql(ctx.principal, 'call_id');
        const page = await flaggedCalls(store, ctx.principal, asked, scope);
        return { ...page, calls: page.calls.map(flaggedView) };
      }),
      callTranscript: guarded(ROLES, async (a: { callId: string }, ctx) => {
        const scope = campaignSql(ctx.principal, 'campaign_id');
        const t = await callTranscript(store, ctx.principal, a.callId, scope);
        return t && { ...t, callId: t.call_id, customerId: t.customer_id };
      }),
    },
  };
}
