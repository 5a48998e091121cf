/**
 * Recognising personal data where no schema says so: CRM columns nobody
 * mapped, and the raw payloads of dead letters. A field is personal when its
 * name says so (in the words Chinese and English CRMs use) or its value has
 * the shape of a phone number, e-mail address, ID card or bank card number.
 */

export type PersonalKind = 'name' | 'phone' | 'email' | 'id_number' | 'wechat' | 'address';

const BY_NAME: [PersonalKind, RegExp][] = [
  ['email', /e-?mail|邮箱|电子邮件|邮件地址/i],
  ['wechat', /we-?chat|weixin|微信|\bwx\b|\bqq\b|QQ号/i],
  [
    'id_number',
    /id.?(card|number|no)|身份证|证件|passport|护照|ssn|social.?security|银行卡|bank.?card|card.?(no|number)|卡号/i,
  ],
  ['phone', /phone|mobile|\btel\b|telephone|cell|fax|手机|电话|座机|传真|联系方式/i],
  ['address', /address|\baddr\b|street|地址|住址|住所|家庭住址/i],
  [
    'name',
    /^(full.?|first.?|last.?|given.?|family.?|sur)?name$|contact.?(person|name)|联系人|姓名|名字|称呼/i,
  ],
];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** Mainland ID card: 17 digits and a check digit or X. */
const ID_CARD = /(?<!\d)\d{17}[\dXx](?!\d)/g;
/** Bank cards: 16 to 19 digits, maybe grouped by spaces or dashes. */
const BANK_CARD = /(?<!\d)\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?(?!\d)/g;
/** Phone numbers: mainland mobiles, and anything of 7+ digits with phone punctuation. */
const PHONE =
  /(?<![\d])(?:\+?\d{1,3}[ -]?)?(?:1[3-9]\d{9}|\(?\d{2,4}\)?[ -]?\d{3,4}[ -]?\d{3,4})(?!\d)/g;

const PATTERNS: [PersonalKind, RegExp][] = [
  ['email', EMAIL],
  ['id_number', ID_CARD],
  ['id_number', BANK_CARD],
  ['phone', PHONE],
];

/** The kind of personal data a field holds, judged by its name, else by its value. */
export function personalKind(name: string, value: unknown): PersonalKind | undefined {
  for (const [kind, re] of BY_NAME) if (re.test(name)) return kind;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  for (const [kind, re] of PATTERNS) {
    re.lastIndex = 0;
    const m = re.exec(text);
    // The value must be mostly that: "订单 2026" is not a phone number.
    if (m && m[0].replace(/\D/g, '').length >= 7 && m[0].length >= text.length * 0.6) return kind;
    if (m && kind === 'email') return kind;
  }
  return undefined;
}

export const REDACTED = '[redacted]';

/** Free text with every phone, e-mail, ID and card number replaced. */
export function redactText(text: string): string {
  let out = text;
  for (const [, re] of PATTERNS) out = out.replace(re, REDACTED);
  return out;
}

/** A JSON value with personal fields (by name) and personal-looking text replaced. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      (typeof v === 'string' || typeof v === 'number') && BY_NAME.some(([, re]) => re.test(k))
        ? REDACTED
        : redactValue(v, depth + 1),
    ]),
  );
}

/** A raw payload as it may be shown: JSON redacted field by field, anything else as text. */
export function redactPayload(raw: string): string {
  try {
    return JSON.stringify(redactValue(JSON.parse(raw)));
  } catch {
    return redactText(raw);
  }
}

/** How a personal value is shown to roles without the right to read it. */
export function maskPersonal(kind: PersonalKind, value: string): string {
  switch (kind) {
    case 'phone': {
      const digits = value.replace(/\D/g, '');
      return digits.length <= 4 ? '****' : `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
    }
    case 'email': {
      const at = value.indexOf('@');
      return at > 0 ? `${value[0]}***${value.slice(at)}` : '***';
    }
    case 'name':
      return `${[...value][0] ?? ''}**`;
    default:
      return value.length <= 4 ? '****' : `****${value.slice(-2)}`;
  }
}

/**
 * A phone number as registers compare it: digits only, China's country
 * code dropped from an 11-digit mobile number ("+86 138-0013-8000" and
 * "13800138000" are one number). null when fewer than 5 digits remain.
 */
export function phoneKey(phone: string): string | null {
  let digits = phone.replace(/\D/g, '');
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('861')) digits = digits.slice(2);
  return digits.length >= 5 && digits.length <= 20 ? digits : null;
}
