/**
 * The script library: what the bot may say in each dialog state, as data
 * (config/scripts.json) that sales ops rewrite weekly without a deploy.
 * Every node has a safe line, checked at load, that is spoken whenever a
 * rendered variant fails the pre-speech compliance check.
 */
import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';
import type { ComplianceHit } from '../../models/types.js';
import type { CustomerView } from '../customer-view.js';
import { STANDARD_STATES, type StateName } from '../flow/index.js';

/**
 * Slots a template may fill. Customer names, phones and other personal data
 * are left out on purpose: the library is shared text and the guard sees
 * rendered lines, so personal data never enters a template.
 */
export const TEMPLATE_SLOTS = [
  'product',
  'benefit',
  'budget',
  'timeline',
  'competitor',
  'industry',
  'price',
  'agent',
  'callback_time',
  'channel',
] as const;

/** Said when even a node's safe line is blocked; validation at load makes this unreachable. */
export const NEUTRAL_LINE = '好的，稍后请专业顾问与您联系，感谢您的耐心。';

const PLACEHOLDER = /\{([^{}]*)\}/g;
const allowedSlots: ReadonlySet<string> = new Set(TEMPLATE_SLOTS);

/** The names inside every `{…}` of a template. */
const placeholders = (text: string): string[] => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);

const template = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .superRefine((text, ctx) => {
    for (const name of placeholders(text))
      if (!allowedSlots.has(name))
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {${name}}; allowed: ${TEMPLATE_SLOTS.join(', ')}`,
        });
    if (/[{}]/.test(text.replace(PLACEHOLDER, '')))
      ctx.addIssue({ code: 'custom', message: 'unbalanced { or }' });
  });

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'ids are lower-case letters, digits, _ and -');
const snakeCase = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case');

const matchSchema = z
  .strictObject({
    /** The customer carries at least one of these tags. */
    tagsAny: z.array(z.string().min(1)).min(1).optional(),
    /** Each listed CRM field holds one of its values (compared case-insensitively). */
    crm: z.record(snakeCase, z.array(z.string().min(1)).min(1)).optional(),
  })
  .refine((m) => m.tagsAny !== undefined || Object.keys(m.crm ?? {}).length > 0, {
    message: 'a match needs tagsAny or crm',
  });

const variantSchema = z.strictObject({
  id,
  text: template,
  /** A shorter version for impatient customers. */
  concise: template.optional(),
  match: matchSchema.optional(),
  /** Breaks ties between equally specific variants; higher first. Default 0. */
  priority: z.number().int().optional(),
});

const nodeSchema = z.strictObject({
  safe: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .refine((s) => !/[{}]/.test(s), 'a safe line takes no placeholders'),
  variants: z
    .array(variantSchema)
    .min(1)
    .superRefine((variants, ctx) => {
      const seen = new Set<string>();
      variants.forEach((v, i) => {
        if (seen.has(v.id))
          ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id "${v.id}"` });
        seen.add(v.id);
      });
    }),
});

export const scriptLibrarySchema = z
  .strictObject({
    version: z.string().trim().min(1),
    nodes: z.record(snakeCase, nodeSchema),
  })
  .superRefine((lib, ctx) => {
    for (const state of STANDARD_STATES)
      if (!Object.hasOwn(lib.nodes, state))
        ctx.addIssue({ code: 'custom', path: ['nodes', state], message: 'missing standard state' });
  });

export type ScriptLibrary = z.output<typeof scriptLibrarySchema>;
export type ScriptNode = ScriptLibrary['nodes'][string];
export type Variant = ScriptNode['variants'][number];
/** The pre-speech check, e.g. ComplianceGuard.checkBotLine. */
export type BotLineCheck = (text: string) => ComplianceHit[];

/**
 * Validates a parsed scripts.json and checks every safe line with the
 * compliance checker, reporting every problem at once with its path.
 */
export function loadScripts(json: unknown, checkBotLine: BotLineCheck): ScriptLibrary {
  const invalid = (problems: string[]): DialwiseError =>
    new DialwiseError('CONFIG_INVALID', `invalid scripts:\n  - ${problems.join('\n  - ')}`);
  const r = scriptLibrarySchema.safeParse(json);
  if (!r.success)
    throw invalid(r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const unsafe = Object.entries(r.data.nodes).flatMap(([node, { safe }]) =>
    checkBotLine(safe).map((h) => `nodes.${node}.safe: not compliant ("${h.term}", ${h.rule})`),
  );
  if (unsafe.length > 0) throw invalid(unsafe);
  return r.data;
}

/** The node for a dialog state; NOT_FOUND when the library has none. */
export function scriptNode(library: ScriptLibrary, nodeId: StateName): ScriptNode {
  const node = Object.hasOwn(library.nodes, nodeId) ? library.nodes[nodeId] : undefined;
  if (!node)
    throw new DialwiseError('NOT_FOUND', `scripts ${library.version} have no node "${nodeId}"`);
  return node;
}

/** How many conditions of the variant's match the customer meets; -1 when it does not fit. */
function specificity(v: Variant, customer: Pick<CustomerView, 'tags' | 'crm'>): number {
  if (!v.match) return 0;
  const { tagsAny, crm = {} } = v.match;
  if (tagsAny && !tagsAny.some((t) => customer.tags.includes(t))) return -1;
  for (const [field, values] of Object.entries(crm)) {
    const have = customer.crm[field];
    if (have === undefined || have === null) return -1;
    const norm = String(have).trim().toLowerCase();
    if (!values.some((x) => x.toLowerCase() === norm)) return -1;
  }
  return (tagsAny ? 1 : 0) + Object.keys(crm).length;
}

/**
 * The node's variants that fit the customer: the most specific first, then
 * higher priority, then file order; variants without a match come last as
 * the fallback.
 */
export function eligibleVariants(
  library: ScriptLibrary,
  nodeId: StateName,
  customer: Pick<CustomerView, 'tags' | 'crm'>,
): Variant[] {
  return scriptNode(library, nodeId)
    .variants.map((v, order) => ({ v, order, s: specificity(v, customer) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => b.s - a.s || (b.v.priority ?? 0) - (a.v.priority ?? 0) || a.order - b.order)
    .map((x) => x.v);
}

/** Fills the template; undefined when a placeholder has no (non-blank) value. */
export function render(
  variant: Variant,
  slots: Readonly<Record<string, string | undefined>>,
  concise: boolean,
): string | undefined {
  const text = concise && variant.concise ? variant.concise : variant.text;
  let missing = false;
  const out = text.replace(PLACEHOLDER, (_, name: string) => {
    const value = slots[name]?.trim();
    if (!value) missing = true;
    return value ?? '';
  });
  return missing ? undefined : out;
}

/**
 * The pre-speech gate: a line with hits is replaced by the node's safe
 * line, or by NEUTRAL_LINE should the safe line be blocked too. `blocked`
 * holds the hits of the original line, for the audit log.
 */
export function guardLine(
  text: string,
  checkBotLine: BotLineCheck,
  safe: string,
): { text: string; blocked: ComplianceHit[] } {
  const blocked = checkBotLine(text);
  if (blocked.length === 0) return { text, blocked };
  return { text: checkBotLine(safe).length === 0 ? safe : NEUTRAL_LINE, blocked };
}
