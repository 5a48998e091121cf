import { readFileSync } from 'node:fs';
import { evaluatePolicyText } from '../api/index.js';
import { openStore } from '../app/index.js';
import { systemClock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { PolicyReport } from '../training/off-policy/index.js';
import { adminApi } from './admin-api.js';

export const EVALUATE_POLICY_USAGE =
  'usage: dialwise evaluate-policy --policy FILE --from ISO --to ISO [--json]';

const QUERY = /* GraphQL */ `
  query ($policy: String!, $from: DateTime!, $to: DateTime!) {
    policyEvaluation(policy: $policy, from: $from, to: $to) {
      policy
      node
      n
      level
      loggedPolicies
      loggedValue
      loggedLo
      loggedHi
      estimates {
        estimator
        value
        lo
        hi
      }
      ess
      support
    }
  }
`;

interface Wire {
  data: {
    policyEvaluation: Omit<PolicyReport, 'logged' | 'estimates'> & {
      loggedValue: number;
      loggedLo: number;
      loggedHi: number;
      estimates: {
        estimator: PolicyReport['estimates'][number]['estimator'];
        value: number;
        lo: number;
        hi: number;
      }[];
    };
  };
}

/** The GraphQL answer in the report's own shape, so both paths print alike. */
function fromWire({ data: { policyEvaluation: w } }: Wire): PolicyReport {
  const { loggedValue, loggedLo, loggedHi, estimates, ...rest } = w;
  return {
    ...rest,
    logged: { value: loggedValue, interval: { lo: loggedLo, hi: loggedHi } },
    estimates: estimates.map(({ lo, hi, ...e }) => ({ ...e, interval: { lo, hi } })),
  };
}

/**
 * `dialwise evaluate-policy`: the policy file evaluated on the decision log,
 * through the running platform's API when one is up on this data folder (it
 * holds the DuckDB file), else on the file.
 */
export async function evaluatePolicyCommand(
  config: Config,
  logger: Logger,
  args: { policy?: string | undefined; from?: string | undefined; to?: string | undefined },
): Promise<PolicyReport> {
  const { policy, from, to } = args;
  if (!policy || !from || !to) throw new DialwiseError('BAD_REQUEST', EVALUATE_POLICY_USAGE);
  let text: string;
  try {
    text = readFileSync(policy, 'utf8');
  } catch (err) {
    throw new DialwiseError('BAD_REQUEST', `cannot read ${policy}: ${(err as Error).message}`);
  }
  const viaApi = await adminApi(config, 'POST', '/graphql', {
    query: QUERY,
    variables: { policy: text, from, to },
  });
  if (viaApi) return fromWire(viaApi as Wire);
  const store = await openStore(config, logger);
  try {
    return await evaluatePolicyText(
      store,
      { text, source: policy },
      { from, to, nowMs: systemClock.now() },
    );
  } finally {
    await store.close();
  }
}

const num = (x: number) => x.toFixed(4);
const row = (label: string, value: number, i: { lo: number; hi: number }) =>
  `  ${label.padEnd(16)} ${num(value)}  [${num(i.lo)}, ${num(i.hi)}]`;

/** The report as a person reads it; a missing support is said, not estimated. */
export function formatPolicyReport(r: PolicyReport): string {
  const pct = Math.round(r.level * 100);
  const lines = [
    `policy "${r.policy}" on script node ${r.node}: ${r.n} logged decisions ` +
      `(logged under ${r.loggedPolicies.join(', ')}); value = conversion per decision, ${pct}% intervals`,
    row('logged policy', r.logged.value, r.logged.interval),
    ...r.estimates.map((e) => row(e.estimator.toUpperCase(), e.value, e.interval)),
  ];
  if (r.ess !== null)
    lines.push(`  effective sample size ${r.ess.toFixed(1)} of ${r.n} logged decisions`);
  if (r.support) lines.push(`  cannot estimate: ${r.support}`);
  return lines.join('\n');
}
