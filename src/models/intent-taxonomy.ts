import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The intents of an outbound sales call (config/intents.json, explained in
 * docs/intents.md): labels under groups, groups optionally under groups.
 * Models predict labels; flow, transfer and tag rules may name a label or
 * a group, which matches every label below it.
 */

/** The labels the shipped flow, scripts and transfer rules rely on: a taxonomy must keep them. */
export const CORE_INTENTS = [
  'greeting',
  'ask_who',
  'ask_repeat',
  'confirm_identity',
  'deny_identity',
  'decision_maker_self',
  'decision_maker_other',
  'privacy_concern',
  'opt_out',
  'complaint',
  'not_interested',
  'objection_no_need',
  'objection_timing',
  'objection_price',
  'objection_competitor',
  'objection_trust',
  'ask_price',
  'ask_discount',
  'ask_details',
  'ask_terms',
  'interested',
  'agree_purchase',
  'ask_materials',
  'ask_meeting',
  'request_callback',
  'request_human',
  'inform_budget',
  'out_of_scope',
] as const;
export type CoreIntent = (typeof CORE_INTENTS)[number];

const name = z.string().regex(/^[a-z][a-z0-9_]{1,47}$/, 'lower snake_case, 2-48 characters');
const described = { zh: z.string().min(1).max(200), en: z.string().min(1).max(200) };

const taxonomySchema = z.strictObject({
  version: z.string().min(1).max(40),
  groups: z.record(name, z.strictObject({ ...described, parent: name.optional() })),
  labels: z
    .record(name, z.strictObject({ ...described, group: name }))
    .refine((l) => Object.keys(l).length <= 2000, 'at most 2000 labels'),
  fallback: name,
  optOut: z.strictObject(described),
});

export interface IntentTaxonomy {
  readonly version: string;
  /** Every label, in config order. */
  readonly labels: readonly string[];
  readonly fallback: string;
  /** A label's groups, nearest first. */
  ancestors(label: string): readonly string[];
  /** True when `intent` is `name` or lies under the group `name`. */
  matches(intent: string, name: string): boolean;
  /** A label or a group. */
  isName(name: string): boolean;
  describe(label: string, lang: 'zh' | 'en'): string;
}

/** Checks the config's shape and meaning; every problem is reported at once. */
export function loadIntentTaxonomy(json: unknown, source = 'intents.json'): IntentTaxonomy {
  const t = taxonomySchema.parse(json);
  const problems: string[] = [];
  const groups = new Map(Object.entries(t.groups));
  const parents = new Map<string, string[]>();
  for (const [g, spec] of groups) {
    const chain: string[] = [];
    for (let at = spec.parent; at !== undefined; at = groups.get(at)?.parent) {
      if (!groups.has(at)) problems.push(`group ${g}: unknown parent ${at}`);
      if (at === g || chain.includes(at)) {
        problems.push(`group ${g}: parents form a cycle`);
        break;
      }
      chain.push(at);
    }
    parents.set(g, chain);
  }
  for (const [label, spec] of Object.entries(t.labels)) {
    if (!groups.has(spec.group)) problems.push(`label ${label}: unknown group ${spec.group}`);
    if (groups.has(label)) problems.push(`${label} is both a label and a group`);
  }
  const missing = CORE_INTENTS.filter((l) => !(l in t.labels));
  if (missing.length) problems.push(`labels the flow relies on are missing: ${missing.join(', ')}`);
  if (!(t.fallback in t.labels)) problems.push(`fallback ${t.fallback} is not a label`);
  if (problems.length) throw new Error(`${source}: ${problems.join('; ')}`);
  const ancestors = new Map(
    Object.entries(t.labels).map(([l, s]) => [l, [s.group, ...(parents.get(s.group) ?? [])]]),
  );
  return {
    version: t.version,
    labels: Object.keys(t.labels),
    fallback: t.fallback,
    ancestors: (label) => ancestors.get(label) ?? [],
    matches: (intent, n) => intent === n || (ancestors.get(intent)?.includes(n) ?? false),
    isName: (n) => n in t.labels || groups.has(n),
    describe: (label, lang) => t.labels[label]?.[lang] ?? label,
  };
}

/** config/intents.json at the package root (the same relative path from src/ and dist/). */
export const INTENT_TAXONOMY_PATH = fileURLToPath(
  new URL('../../config/intents.json', import.meta.url),
);

/** The shipped taxonomy, validated at import so a broken file fails at start. */
export const INTENT_TAXONOMY: IntentTaxonomy = loadIntentTaxonomy(
  JSON.parse(readFileSync(INTENT_TAXONOMY_PATH, 'utf8')),
  INTENT_TAXONOMY_PATH,
);
