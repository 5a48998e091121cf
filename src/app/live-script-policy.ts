/**
 * The script policy deployed live (`DIALWISE_SCRIPT_POLICY`): a policy file
 * as `dialwise evaluate-policy` reads it (docs/off-policy.md), checked
 * against the script library it will choose in, at start.
 */
import { parseConfig, readConfigJson } from '../core/config-file.js';
import { DialwiseError } from '../core/errors.js';
import type { ScriptLibrary, ScriptPolicy } from '../decision/index.js';
import { policyFileSchema, policyOf } from '../training/off-policy/index.js';

export function loadLiveScriptPolicy(file: string, library: ScriptLibrary): ScriptPolicy {
  const policy = parseConfig(policyFileSchema, readConfigJson(file, 'script policy'), file);
  const invalid = (problem: string) =>
    new DialwiseError('CONFIG_INVALID', `invalid ${file} (DIALWISE_SCRIPT_POLICY): ${problem}`);
  if (!Object.hasOwn(library.nodes, policy.node))
    throw invalid(`scripts ${library.version} have no node "${policy.node}"`);
  // A variant the node lacks would silently never be spoken: refused, like a typo in any config.
  const known = new Set(library.nodes[policy.node]!.variants.map((v) => v.id));
  const unknown = [policy.default, ...policy.rules.map((r) => r.probs)]
    .flatMap((p) => Object.keys(p))
    .filter((v) => !known.has(v));
  if (unknown.length > 0)
    throw invalid(
      `node "${policy.node}" has no variant ${[...new Set(unknown)].map((v) => `"${v}"`).join(', ')}`,
    );
  return { ...policyOf(policy), node: policy.node };
}
