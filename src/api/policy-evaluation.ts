/**
 * A candidate script policy evaluated on the live decision log: the function
 * behind GraphQL policyEvaluation and `dialwise evaluate-policy` (which
 * calls it on the DuckDB file when no platform holds it). The policy comes
 * as JSON text, bounded and validated before the log is read.
 */
import { loggedDecisions } from '../analytics/records/index.js';
import { DialwiseError } from '../core/errors.js';
import type { Store } from '../core/store/store.js';
import { parsePolicyFile, policyReport, type PolicyReport } from '../training/off-policy/index.js';

/** A policy file is a few rules: anything larger is refused unread. */
export const MAX_POLICY_CHARS = 16 * 1024;

export async function evaluatePolicyText(
  store: Store,
  policy: { text: string; source: string },
  range: { from: string; to: string; nowMs: number },
): Promise<PolicyReport> {
  if (policy.text.length > MAX_POLICY_CHARS)
    throw new DialwiseError(
      'PAYLOAD_TOO_LARGE',
      `${policy.source}: ${policy.text.length} characters, at most ${MAX_POLICY_CHARS}`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(policy.text);
  } catch (err) {
    throw new DialwiseError('BAD_REQUEST', `${policy.source}: not JSON: ${(err as Error).message}`);
  }
  const file = parsePolicyFile(raw, policy.source);
  // Script policies choose among a node's variants: the turn decisions of that node.
  const logs = await loggedDecisions(store, { ...range, kind: 'turn', node: file.node });
  return policyReport(file, logs);
}
