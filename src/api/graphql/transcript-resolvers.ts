import { callTranscript, flaggedCalls } from '../../analytics/records/index.js';
import { searchTranscripts } from '../../analytics/search/index.js';
import { ROLES } from '../auth.js';
import { callSql, campaignSql } from '../scope.js';
import { guarded, type ResolverDeps } from './context.js';
import { flaggedView } from './views.js';

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
        const page = await searchTranscripts(store, ctx.principal, a, scoped);
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
        const page = await flaggedCalls(store, ctx.principal, a, callSql(ctx.principal, 'call_id'));
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
