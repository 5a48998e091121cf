/**
 * What an analyst reads before rolling a script policy out: the logged
 * policy's observed value beside each estimate of the candidate, with its
 * interval and the effective sample size, from the live decision log. A
 * target that needs variants the log never explored is reported as such
 * (the support check's message), not estimated.
 */
import { DialwiseError } from '../../core/errors.js';
import { normalInterval, type Interval } from './estimator-intervals.js';
import type { LoggedDecision } from './logged-decision.js';
import { evaluatePolicy } from './policy-evaluation.js';
import { policyOf, type PolicyFile } from './policy-file.js';
import { SupportViolationError } from './policy-support.js';

/** The estimators shown: DM only feeds DR, and alone is as biased as its model. */
export const REPORTED = ['ips', 'snips', 'dr'] as const;

export interface PolicyReport {
  policy: string;
  node: string;
  /** Logged decisions of the node with an outcome. */
  n: number;
  level: number;
  /** The logging policies (script versions) the decisions were taken under. */
  loggedPolicies: string[];
  /** Mean reward observed under the logging policy, with its normal interval. */
  logged: { value: number; interval: Interval };
  /** Empty when support is missing. */
  estimates: { estimator: (typeof REPORTED)[number]; value: number; interval: Interval }[];
  /** Kish effective sample size of the importance weights (null when support is missing). */
  ess: number | null;
  /** Why the log cannot estimate this policy (a support violation); null when it can. */
  support: string | null;
}

/** Bootstrap resamples: seeded, so the same log and policy give the same interval. */
const RESAMPLES = 500;

export function policyReport(file: PolicyFile, logs: readonly LoggedDecision[]): PolicyReport {
  if (logs.length === 0)
    throw new DialwiseError(
      'BAD_REQUEST',
      `no logged decisions of node "${file.node}" with an outcome in this range`,
    );
  const level = 0.95;
  const n = logs.length;
  const mean = logs.reduce((s, d) => s + d.reward, 0) / n;
  const sd = Math.sqrt(logs.reduce((s, d) => s + (d.reward - mean) ** 2, 0) / Math.max(1, n - 1));
  const base = {
    policy: file.name,
    node: file.node,
    n,
    level,
    loggedPolicies: [...new Set(logs.map((d) => d.policy_version))].sort(),
    logged: { value: mean, interval: normalInterval(mean, sd / Math.sqrt(n), level) },
  };
  try {
    const ev = evaluatePolicy(logs, policyOf(file), {
      level,
      bootstrap: { resamples: RESAMPLES, seed: 1 },
    });
    const estimates = REPORTED.filter((e) => Number.isFinite(ev.estimates[e].value)).map((e) => {
      const est = ev.estimates[e];
      return { estimator: e, value: est.value, interval: est.bootstrap ?? est.normal };
    });
    return { ...base, estimates, ess: ev.weights.ess, support: null };
  } catch (err) {
    if (!(err instanceof SupportViolationError)) throw err;
    return { ...base, estimates: [], ess: null, support: err.message };
  }
}
