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
    new RegExp(`(${ZH})(?:那边|们)?(?:来)?(?:说了算|批准|审批|同意|决定|拍板|签字|点头|商量)`),
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

const SELF = [
  /我(?:自己)?就?(?:能|可以)?(?:做主|说了算|拍板)|我(?:自己)?来?决定/,
  /\bi(?:'m| am) the decision[- ]maker\b|\bi (?:make the (?:decisions?|call)|decide|have the final say)\b|\bit'?s my (?:call|decision)\b/,
];

/** Folded text in, a role ('boss', 'spouse', 'self', …) out. */
export function decisionMakerOf(folded: string): string | undefined {
  for (const [re, roles] of ROLE_PATTERNS) {
    const role = re.exec(folded)?.[1];
    if (role !== undefined) return roles[role];
  }
  return SELF.some((re) => re.test(folded)) ? 'self' : undefined;
}
