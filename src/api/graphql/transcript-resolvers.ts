import {
  callTranscript,
  flaggedCalls,
  type CallTranscript,
} from '../../analytics/records/index.js';
import { turnOffsets, type RecordingInfo } from '../../analytics/recordings/index.js';
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

/** A call's timeline as GraphQL gives it: each turn placed in the recording, where there is one. */
function timelineView(t: CallTranscript, rec: RecordingInfo | null) {
  const offsets = rec
    ? turnOffsets(
        t.turns.map((turn) => turn.ts),
        { recording: rec.started_at, call: t.started_at },
        rec.duration_s,
      )
    : t.turns.map(() => null);
  return {
    ...t,
    callId: t.call_id,
    customerId: t.customer_id,
    startedAt: t.started_at,
    transferredQueue: t.transferred_queue,
    turns: t.turns.map((turn, i) => ({ ...turn, offsetS: offsets[i] })),
    decisions: t.decisions.map((d) => ({ ...d, scriptVersion: d.script_version })),
    recording: rec && {
      contentType: rec.content_type,
      bytes: rec.bytes,
      durationS: rec.duration_s,
      startedAt: rec.started_at,
      storedAt: rec.stored_at,
    },
  };
}

/**
 * Stored calls' words: search, flagged calls, one call's transcript. Every
 * role may ask; the role checks and audits live in the analytics functions,
 * so denials are audited too. A campaign-scoped key sees its campaigns' calls.
 */
export function transcriptResolvers({ store, recordings }: ResolverDeps) {
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
        return t && timelineView(t, (await recordings?.info(t.call_id)) ?? null);
      }),
    },
  };
}
