/**
 * Who decides, when a customer says it: a short role in English whatever
 * the language, so profiles and tag rules compare one vocabulary.
 */
// prettier-ignore
const ZH_ROLES: Readonly<Record<string, string>> = {
  老板: 'boss', 老总: 'boss', 领导: 'manager', 上级: 'manager', 经理: 'manager', 主管: 'manager',
  总监: 'director', 财务: 'finance', 采购: 'procurement', 老婆: 'spouse', 老公: 'spouse', 爱人: 'spouse',
  家里人: 'family', 家人: 'family', 合伙人: 'partner', 董事会: 'board',
};
// prettier-ignore
const EN_ROLES: Readonly<Record<string, string>> = {
  boss: 'boss', ceo: 'boss', manager: 'manager', supervisor: 'manager', director: 'director', cfo: 'finance',
  'finance team': 'finance', finance: 'finance', procurement: 'procurement', wife: 'spouse', husband: 'spouse', spouse: 'spouse',
  family: 'family', partner: 'partner', 'business partner': 'partner', board: 'board',
};

const alt = (roles: Readonly<Record<string, string>>): string =>
  Object.keys(roles)
    .sort((a, b) => b.length - a.length)
    .join('|');
const ZH = alt(ZH_ROLES);
const EN = alt(EN_ROLES);

/** A role counts only next to a decision word: "我老板人很好" names nobody who decides. */
const ROLE_PATTERNS: readonly [RegExp, Readonly<Record<string, string>>][] = [
  [
    new RegExp(`(?:问问?|问一下|请示|商量|汇报|征求)(?:一下)?(?:我们?|我家|家里)?的?(${ZH})`),
    ZH_ROLES,
  ],
  [
    new RegExp(
      `(${ZH})(?:那边|们)?(?:来|才能|得|要)?(?:说了算|批准|审批|批|同意|决定|定|拍板|签字|点头|商量|做主|管钱)`,
    ),
    ZH_ROLES,
  ],
  [
    new RegExp(
      `\\b(?:ask|check with|talk to|talk with|run it by|run this by|consult|discuss (?:it |this )?with|approval from|sign-?off from)\\s+(?:my|our|the)\\s+(${EN})\\b`,
    ),
    EN_ROLES,
  ],
  [
    new RegExp(
      `\\b(?:my|our|the)\\s+(${EN})\\s+(?:decides|approves|signs off|has the final say|makes the (?:decision|call)|(?:has|needs|will|would) (?:to )?(?:approve|sign off|decide))`,
    ),
    EN_ROLES,
  ],
];

/** The speaker cannot decide and names nobody who can. */
const OTHER = [
  /我(?:自己)?(?:做不了主|不能做主|作不了主|说了不算|说的不算|定不了|决定不了|拍不了板|不管这|不负责这)/,
  /\bi (?:can'?t|cannot) decide\b|\bnot (?:my|up to me)(?: call| decision)?\b|\bi'?m not the decision[- ]maker\b/,
];

const SELF = [
  /我(?:自己)?就?(?:能|可以)?(?:做主|说了算|拍板)|我(?:自己)?来?决定/,
  /我就?是(?:这里的|公司的|我们公司的)?(?:老板|老总|负责人|总经理|董事长|法人|决策人)/,
  /我(?:来)?负责(?:这块|这个|这事|采购)|我(?:能|可以|就能)定|(?:采购|这块|这个|这事)(?:归|由)我(?:管|负责|定)/,
  /\bi'?m (?:the|in) (?:owner|boss|charge)\b|\bi am (?:the owner|the boss|in charge)\b/,
  /\bi(?:'m| am) the decision[- ]maker\b|\bi (?:make the (?:decisions?|call)|decide|have the final say)\b|\bit'?s my (?:call|decision)\b/,
];

/** Folded text in, a role ('boss', 'spouse', 'self', 'other' when none is named, …) out. */
export function decisionMakerOf(folded: string): string | undefined {
  for (const [re, roles] of ROLE_PATTERNS) {
    const role = re.exec(folded)?.[1];
    if (role !== undefined) return roles[role];
  }
  if (OTHER.some((re) => re.test(folded))) return 'other';
  return SELF.some((re) => re.test(folded)) ? 'self' : undefined;
}

/** Whether the person on the line decides, from the decisionMaker slot. */
export function decisionMakerKind(role?: string): 'self' | 'other' | 'unknown' {
  if (role === undefined) return 'unknown';
  return role === 'self' ? 'self' : 'other';
}
