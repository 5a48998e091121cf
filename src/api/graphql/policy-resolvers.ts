import { audit } from '../../analytics/records/index.js';
import { ANALYSTS } from '../auth.js';
import { evaluatePolicyText } from '../policy-evaluation.js';
import { requireUnscoped } from '../scope.js';
import { guarded, type ResolverDeps } from './context.js';

type Args = { policy: string; from: string; to: string };

/** Off-policy evaluation of a candidate script policy on the decision log, before rollout. */
export function policyResolvers({ store, clock }: ResolverDeps) {
  return {
    Query: {
      policyEvaluation: guarded(ANALYSTS, async (a: Args, ctx) => {
        // The log spans every campaign, like the live experiments it comes from.
        requireUnscoped(ctx.principal, 'a policy evaluation');
        const r = await evaluatePolicyText(
          store,
          { text: a.policy, source: 'policy' },
          { from: a.from, to: a.to, nowMs: clock.now() },
        );
        await audit(store, ctx.principal, 'decisions.evaluate', `${r.node} ${a.from}..${a.to}`);
        return {
          ...r,
          loggedValue: r.logged.value,
          loggedLo: r.logged.interval.lo,
          loggedHi: r.logged.interval.hi,
          estimates: r.estimates.map((e) => ({
            estimator: e.estimator,
            value: e.value,
            ...e.interval,
          })),
        };
      }),
    },
  };
}
