import { z } from 'zod';

/**
 * Dynamic tags from declarative rules. A rule holds when all of its `when`
 * conditions hold (and, if given, at least one of `any`). Paths address the
 * flat view of a profile (see `profileView`), e.g. `objections.price`.
 */
const condition = z
  .strictObject({
    eq: z.union([z.string(), z.number(), z.boolean()]).optional(),
    ne: z.union([z.string(), z.number(), z.boolean()]).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    in: z.array(z.union([z.string(), z.number()])).optional(),
    /** An ISO timestamp no older than this duration (30m, 24h, 7d). */
    within: z
      .string()
      .regex(/^\d+[mhd]$/)
      .optional(),
    exists: z.boolean().optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'a condition needs at least one operator');

const rule = z.strictObject({
  tag: z.string().regex(/^[a-z][a-z0-9_]*$/, 'tags are snake_case'),
  when: z.record(z.string(), condition).optional(),
  any: z.record(z.string(), condition).optional(),
});

export const tagRulesSchema = z.strictObject({ rules: z.array(rule) });
export type TagRules = z.infer<typeof tagRulesSchema>;
type Condition = z.infer<typeof condition>;
export type View = Record<string, string | number | boolean | null | undefined>;

export function loadTagRules(json: unknown): TagRules {
  const r = tagRulesSchema.safeParse(json);
  if (!r.success) {
    throw new Error(
      `invalid tag rules: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const durationMs = (d: string): number =>
  Number(d.slice(0, -1)) * UNIT_MS[d.at(-1) as 'm' | 'h' | 'd'];

function holds(c: Condition, v: View[string], nowMs: number): boolean {
  const present = v !== undefined && v !== null;
  if (c.exists !== undefined && c.exists !== present) return false;
  if (c.eq !== undefined && v !== c.eq) return false;
  if (c.ne !== undefined && v === c.ne) return false;
  if (c.in !== undefined && !c.in.includes(v as string | number)) return false;
  const n = typeof v === 'number' ? v : NaN;
  if (c.gt !== undefined && !(n > c.gt)) return false;
  if (c.gte !== undefined && !(n >= c.gte)) return false;
  if (c.lt !== undefined && !(n < c.lt)) return false;
  if (c.lte !== undefined && !(n <= c.lte)) return false;
  if (c.within !== undefined) {
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    if (!(nowMs - t <= durationMs(c.within) && t <= nowMs + 60_000)) return false;
  }
  return true;
}

/** The tags whose rules hold for `view` at `nowMs`, in rule order. */
export function evaluateTags(rules: TagRules, view: View, nowMs: number): string[] {
  const tags: string[] = [];
  for (const r of rules.rules) {
    const all = Object.entries(r.when ?? {}).every(([path, c]) => holds(c, view[path], nowMs));
    const some = !r.any || Object.entries(r.any).some(([path, c]) => holds(c, view[path], nowMs));
    if (all && some && !tags.includes(r.tag)) tags.push(r.tag);
  }
  return tags;
}
