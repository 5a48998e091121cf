/**
 * Checks that come before any off-policy estimate: the logs must be usable
 * and the target policy must only need actions the logging policy could
 * have taken. Where it needs others, IPS silently counts them as reward 0
 * and DR falls back on its model alone, so we stop instead of returning a
 * number that looks fine and is wrong.
 */
import type {
  Action,
  ActionProbs,
  DecisionContext,
  LoggedDecision,
  Policy,
} from './logged-decision.js';
import { DialwiseError } from '../../core/errors.js';

export class SupportViolationError extends DialwiseError {
  constructor(
    readonly policy: string,
    readonly action: Action,
    /** Logged decisions whose context needed the unsupported action. */
    readonly decisions: number,
    readonly example: DecisionContext,
    why: string,
  ) {
    super(
      'BAD_REQUEST',
      `support violation: policy "${policy}" gives probability to action "${action}" in ` +
        `${decisions} logged contexts (e.g. ${JSON.stringify(example)}), but ${why}. ` +
        `These logs cannot estimate it: explore "${action}" in the logging policy first, ` +
        `or evaluate a policy that leaves it out there.`,
    );
    this.name = 'SupportViolationError';
  }
}

/** Propensities must be probabilities the logger really gave; rewards finite. */
export function checkLogs(logs: readonly LoggedDecision[]): void {
  if (logs.length === 0) throw new DialwiseError('BAD_REQUEST', 'no logged decisions to evaluate');
  logs.forEach((d, i) => {
    if (!(d.propensity > 0 && d.propensity <= 1))
      throw new DialwiseError(
        'BAD_REQUEST',
        `decision ${i} (${d.decision_id}) has propensity ${d.propensity}; it must be in (0, 1]`,
      );
    if (!Number.isFinite(d.reward))
      throw new DialwiseError(
        'BAD_REQUEST',
        `decision ${i} (${d.decision_id}) has reward ${d.reward}`,
      );
  });
}

/** The target's distribution in a context, checked to be one. */
export function targetProbs(policy: Policy, context: DecisionContext): ActionProbs {
  const p = policy.probs(context);
  let total = 0;
  for (const [a, v] of Object.entries(p)) {
    if (!(v >= 0 && v <= 1))
      throw new DialwiseError('BAD_REQUEST', `policy "${policy.name}" gives ${a} probability ${v}`);
    total += v;
  }
  if (Math.abs(total - 1) > 1e-6)
    throw new DialwiseError(
      'BAD_REQUEST',
      `policy "${policy.name}" probabilities sum to ${total}, not 1, in ${JSON.stringify(context)}`,
    );
  return p;
}

/**
 * Throws SupportViolationError for the first action the target needs but
 * the logs cannot cover. Without the logging policy only actions absent from
 * the whole log are caught; with it, every context where the logger gave the
 * action probability 0 (e.g. VIPs always routed to a human) is caught too.
 */
export function checkSupport(
  logs: readonly LoggedDecision[],
  probs: readonly ActionProbs[],
  policy: string,
  logging?: Policy,
): void {
  const logged = new Set(logs.map((d) => d.action));
  const bad = new Map<Action, { n: number; example: DecisionContext; why: string }>();
  logs.forEach((d, i) => {
    const loggerProbs = logging?.probs(d.context);
    for (const [a, p] of Object.entries(probs[i]!)) {
      if (!(p > 0)) continue;
      let why: string | undefined;
      if (!logged.has(a)) why = 'the logs never take it';
      else if (loggerProbs && !((loggerProbs[a] ?? 0) > 0))
        why = `the logging policy "${logging!.name}" gives it probability 0 there`;
      if (!why) continue;
      const v = bad.get(a) ?? { n: 0, example: d.context, why };
      v.n++;
      bad.set(a, v);
    }
  });
  const first = bad.entries().next();
  if (!first.done) {
    const [action, v] = first.value;
    throw new SupportViolationError(policy, action, v.n, v.example, v.why);
  }
}
