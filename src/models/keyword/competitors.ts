/**
 * The competitor slot: names from config/competitors.json (an open list a
 * campaign extends), and names not on it that the customer says they use.
 *
 * An unknown name is what follows 在用 / 用的是 / 用着 / 已经买了 / 买的是 /
 * "we use" …, or stands between 跟/和/与 and 合作: two to six Han characters
 * or one Latin word, ending at a particle (的 了 呢 吧 啊 …), a product word
 * (系统, 软件, …) or punctuation. Words that name no company (那个, 别家, 别的,
 * 其他, 自己, 还行, …) are not names. An unknown name is reported as heard
 * (folded: Latin in lower case).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';

const competitorSchema = z
  .object({
    /** What the slot reports, whatever alias was heard. */
    name: z.string().trim().min(1),
    aliases: z.array(z.string().trim().min(1)).min(1),
    /** Phrases that contain an alias but name no company: 保平安 is "keep safe". */
    notIn: z.array(z.string().trim().min(1)).optional(),
  })
  .strict();

export const competitorsConfigSchema = z
  .object({ competitors: z.array(competitorSchema).min(1) })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.competitors.forEach((x, i) => {
      if (seen.has(x.name)) {
        ctx.addIssue({ code: 'custom', path: ['competitors', i, 'name'], message: 'duplicate' });
      }
      seen.add(x.name);
    });
  });

export type Competitor = z.infer<typeof competitorSchema>;

/** Reads and validates a competitor list; what is wrong names the file and the field. */
export function loadCompetitors(path: string): readonly Competitor[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = `cannot read competitor list ${path}: ${(err as Error).message}`;
    throw new DialwiseError('CONFIG_INVALID', why, { cause: err });
  }
  const r = competitorsConfigSchema.safeParse(raw);
  if (r.success) return r.data.competitors;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new DialwiseError('CONFIG_INVALID', `invalid ${path}:\n  - ${problems.join('\n  - ')}`);
}

/** config/competitors.json at the package root (the same relative path from src/ and dist/). */
export const DEFAULT_COMPETITORS_PATH = fileURLToPath(
  new URL('../../../config/competitors.json', import.meta.url),
);

export const DEFAULT_COMPETITORS: readonly Competitor[] = loadCompetitors(DEFAULT_COMPETITORS_PATH);

const HAN_NAME = '(?:(?![的了呢吧啊呀嘛哦])\\p{Script=Han}){2,6}?';
const LATIN_NAME = '[a-z][a-z0-9.&+-]{1,30}';
const NAME_END =
  '(?=的|了|呢|吧|啊|呀|嘛|哦|系统|软件|平台|产品|公司|家|这|那|[\\s，。,.!?！？、]|$)';
const ZH_CUE = '(?<!现)在用|用的是|用着|已经买了|已经用了|买的是|选的是|签的是';
const UNKNOWN_NAMES: readonly RegExp[] = [
  new RegExp(`(?:${ZH_CUE})\\s*(${HAN_NAME}${NAME_END}|${LATIN_NAME}\\b)`, 'u'),
  new RegExp(`(?:跟|和|与)\\s*(${HAN_NAME}|${LATIN_NAME})\\s*(?:在|一直|已经)?合作`, 'u'),
  new RegExp(
    `\\b(?:we|i)(?:'re| are| am)?\\s+(?:already\\s+|currently\\s+)?(?:use|using|went with|work with|working with|bought|signed with)\\s+(?:the\\s+)?(${LATIN_NAME})\\b`,
    'u',
  ),
];
// prettier-ignore
const NOT_NAMES = [
  '那个', '这个', '别家', '别的', '其他', '其它', '别人', '人家', '自己', '什么', '你们', '我们', '他们',
  '一', '同类', '类似', '还', '挺', '不', '很', '也', '都', '就', '着', '老的', '原来',
  'it', 'one', 'another', 'something', 'that', 'this', 'them', 'other', 'some', 'our', 'their', 'your', 'a', 'an',
];

const isName = (name: string): boolean =>
  !NOT_NAMES.some((w) => (/^[a-z]/.test(w) ? name === w : name.startsWith(w)));

/** A competitor the list does not know, as heard; undefined when none is named. */
export function unknownCompetitorOf(folded: string): string | undefined {
  for (const re of UNKNOWN_NAMES) {
    const name = re.exec(folded)?.[1];
    if (name && isName(name)) return name;
  }
  return undefined;
}
