import { callbackCounts } from '../../analytics/kpis/index.js';
import { ANALYSTS } from '../auth.js';
import { requireUnscoped } from '../scope.js';
import { guarded, type ResolverDeps } from './context.js';
import { touchFilter } from './views.js';

/** The schema's part for callbacks (schema.ts takes it in): a count, kept small. */
export const CALLBACK_TYPES = /* GraphQL */ `
  type CallbackCounts {
    scheduled: Int!
    kept: Int!
    missed: Int!
  }
  extend type Query {
    "Callbacks scheduled, kept and missed (by the time they were due) in [from, to) (to: now; a range longer than 400 days is cut to the 400 days before to; from after to: nothing); not for a campaign-scoped key."
    callbacks(from: DateTime!, to: DateTime): CallbackCounts!
  }
`;

/** Promised callbacks: how many were scheduled, kept and missed. */
export function callbackResolvers(deps: ResolverDeps) {
  return {
    Query: {
      callbacks: guarded(ANALYSTS, async (a: { from: string; to?: string | null }, ctx) => {
        requireUnscoped(ctx.principal, 'callbacks');
        // The same range rules as touchesByChannel (to: now; at most the last 400 days).
        const { from, to } = touchFilter(a, deps.clock.now());
        return callbackCounts(deps.store, { from, to });
      }),
    },
  };
}
