import { z } from 'zod';

/**
 * CRM exports name their columns in Chinese or English, each CRM its own
 * way; `customer.updated` carries canonical snake_case fields, and for the
 * fields whose values rules key by (industry), canonical values. The
 * mapping is configuration (config/crm-mapping.json), validated once at
 * start.
 */
export const CRM_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'phone'] as const;
export type CrmFieldType = (typeof CRM_FIELD_TYPES)[number];
export type CrmValue = string | number | boolean | null;

/**
 * Canonical fields whose type `customer.updated` fixes: a mapping that sent
 * a number as `region` would fail every event, so it fails at start instead.
 */
const FIXED_TYPES: Readonly<Record<string, CrmFieldType>> = {
  name: 'string',
  phone: 'phone',
  // Personal data (PERSONAL_FIELDS): sealed wherever it lands.
  email: 'string',
  id_number: 'string',
  wechat: 'string',
  address: 'string',
  region: 'string',
  industry: 'string',
  company_size: 'string',
  customer_tier: 'string',
  timezone: 'string',
};

/** Source names match ignoring surrounding space, ASCII case and full-width forms: 年营收（万） is 年营收(万). */
export function sourceKey(name: string): string {
  return name
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]+/g, ' ')
    .trim()
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const fieldRule = z.strictObject({
  to: z.string().regex(/^[a-z][a-z0-9_]*$/, 'canonical field names are snake_case'),
  type: z.enum(CRM_FIELD_TYPES, {
    error: (i) => `unknown type ${JSON.stringify(i.input)}; known: ${CRM_FIELD_TYPES.join(', ')}`,
  }),
});

export const crmMappingSchema = z
  .strictObject({
    fields: z.record(z.string().trim().min(1), fieldRule),
    /**
     * Per canonical text field, the value each CRM spelling stands for:
     * `industry: { "零售": "retail" }`, so that the rules keyed by the
     * canonical value (calling windows by industry) match. Spellings match
     * as source names do (sourceKey); a value not listed is kept as sent.
     */
    values: z
      .record(z.string(), z.record(z.string().trim().min(1), z.string().trim().min(1)))
      .default({}),
  })
  .superRefine(({ fields, values }, ctx) => {
    const textFields = new Set(
      Object.values(fields)
        .filter((r) => r.type === 'string')
        .map((r) => r.to),
    );
    for (const field of Object.keys(values))
      if (!textFields.has(field))
        ctx.addIssue({
          code: 'custom',
          path: ['values', field],
          message: `no field of type string maps to "${field}"; values are for mapped text fields`,
        });
    const seen = new Map<string, string>();
    for (const [source, rule] of Object.entries(fields)) {
      const fixed = Object.hasOwn(FIXED_TYPES, rule.to) ? FIXED_TYPES[rule.to] : undefined;
      if (fixed && fixed !== rule.type) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', source, 'type'],
          message: `${rule.to} must have type ${fixed} (customer.updated requires it)`,
        });
      }
      const key = sourceKey(source);
      const other = seen.get(key);
      if (other !== undefined && fields[other]?.to !== rule.to) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', source],
          message: `same source name as "${other}" but a different target`,
        });
      }
      seen.set(key, source);
    }
  });

export interface CrmFieldRule {
  source: string;
  to: string;
  type: CrmFieldType;
}

export interface CrmMapping {
  /** By `sourceKey`: a Map, so a column named "constructor" cannot reach Object.prototype. */
  readonly rules: ReadonlyMap<string, CrmFieldRule>;
  /** Canonical field → (`sourceKey` of a CRM spelling → canonical value). */
  readonly values: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export interface CrmMappingResult {
  fields: Record<string, CrmValue>;
  /** Source fields kept aside as received: unknown ones and those whose value failed. */
  unmapped: Record<string, unknown>;
  errors: { field: string; reason: string }[];
}

export function loadCrmMapping(json: unknown): CrmMapping {
  const r = crmMappingSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid CRM mapping: ${problems.join('; ')}`);
  }
  const rules = new Map<string, CrmFieldRule>();
  for (const [source, rule] of Object.entries(r.data.fields)) {
    rules.set(sourceKey(source), { source, ...rule });
  }
  const values = new Map(
    Object.entries(r.data.values).map(([field, table]) => [
      field,
      new Map(Object.entries(table).map(([spelling, value]) => [sourceKey(spelling), value])),
    ]),
  );
  return { rules, values };
}

type Coerced = { ok: true; value: CrmValue } | { ok: false; reason: string };
const ok = (value: CrmValue): Coerced => ({ ok: true, value });
const fail = (reason: string): Coerced => ({ ok: false, reason });
const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v);
/** Full-width digits and punctuation, as Chinese spreadsheets often hold them. */
const halfWidth = (s: string): string =>
  s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).trim();

function toText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

const NUMBER = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;
const TRUE = new Set(['true', 'yes', 'y', '1', '是']);
const FALSE = new Set(['false', 'no', 'n', '0', '否']);
/** A time of day may follow the date; it must be a real one even though only the date is kept. */
const TIME = '(?:[01]?\\d|2[0-3])[:：][0-5]\\d(?:[:：][0-5]\\d(?:\\.\\d+)?)?';
const ISO_DATE = new RegExp(
  `^(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})(?:[T ]${TIME}(?:Z|[+-]\\d{2}:?\\d{2})?)?$`,
  'i',
);
const ZH_DATE = new RegExp(`^(\\d{4})年(\\d{1,2})月(\\d{1,2})[日号]?(?:\\s*${TIME})?$`);

function calendarDate(y: string, m: string, d: string): string | undefined {
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const t = new Date(`${iso}T00:00:00Z`);
  // Date rolls 2026-02-30 over to March; a real date survives the round trip.
  return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(iso) ? iso : undefined;
}

const COERCE: Record<CrmFieldType, (v: unknown) => Coerced> = {
  string: (v) => {
    const s = toText(v);
    return s ? ok(s) : fail(`expected text, got ${show(v)}`);
  },
  number: (v) => {
    if (typeof v === 'number') return Number.isFinite(v) ? ok(v) : fail('expected a finite number');
    const s = typeof v === 'string' ? halfWidth(v) : '';
    return NUMBER.test(s)
      ? ok(Number(s.replace(/,/g, '')))
      : fail(`expected a number, got ${show(v)}`);
  },
  boolean: (v) => {
    if (typeof v === 'boolean') return ok(v);
    const s = halfWidth(toText(v) ?? '').toLowerCase();
    if (TRUE.has(s)) return ok(true);
    if (FALSE.has(s)) return ok(false);
    return fail(`expected yes/no (true/false, 1/0, 是/否, Y/N), got ${show(v)}`);
  },
  // The calendar date as written, never shifted to UTC: 2026-11-20T01:00+08:00 was the 20th for the customer.
  date: (v) => {
    const s = typeof v === 'string' ? halfWidth(v) : '';
    const m = ISO_DATE.exec(s);
    const z = ZH_DATE.exec(s);
    const date = m
      ? calendarDate(m[1]!, m[3]!, m[4]!)
      : z
        ? calendarDate(z[1]!, z[2]!, z[3]!)
        : undefined;
    return date
      ? ok(date)
      : fail(`expected a date like 2026-11-20, 2026/11/20 or 2026年11月20日, got ${show(v)}`);
  },
  phone: (v) => {
    const s = halfWidth(toText(v) ?? '').replace(/\s+/g, ' ');
    if (!/^\+?[\d ()-]+$/.test(s))
      return fail(
        `a phone number may hold only digits, spaces, a leading +, - and (), got ${show(v)}`,
      );
    const digits = s.replace(/\D/g, '').length;
    return digits >= 5 && digits <= 20
      ? ok(s)
      : fail(`a phone number needs 5–20 digits, got ${digits}`);
  },
};

/**
 * A text value as the mapping's `values` table names it (零售 → retail), else
 * as it came. Applied to mapped CRM records and to `customer.updated` events
 * alike, so a connector that sends the CRM's own spelling still matches the
 * rules keyed by canonical values.
 */
export function canonicalValue(mapping: CrmMapping, field: string, value: CrmValue): CrmValue {
  const table = mapping.values.get(field);
  return table && typeof value === 'string' ? (table.get(sourceKey(value)) ?? value) : value;
}

const isEmpty = (v: unknown): boolean =>
  v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/**
 * Maps one CRM record. Nothing is lost: a field that is unknown, or whose
 * value does not coerce, stays in `unmapped` as received, and each failure
 * is reported under the name the CRM used. Empty values map to null, which
 * clears the field. When two source names share a target the later wins.
 */
export function mapCrmFields(mapping: CrmMapping, raw: Record<string, unknown>): CrmMappingResult {
  const fields: [string, CrmValue][] = [];
  const unmapped: [string, unknown][] = [];
  const errors: CrmMappingResult['errors'] = [];
  for (const [field, value] of Object.entries(raw)) {
    const rule = mapping.rules.get(sourceKey(field));
    if (!rule) {
      unmapped.push([field, value]);
      continue;
    }
    if (isEmpty(value)) {
      fields.push([rule.to, null]);
      continue;
    }
    const r = COERCE[rule.type](value);
    if (r.ok) fields.push([rule.to, canonicalValue(mapping, rule.to, r.value)]);
    else {
      errors.push({ field, reason: r.reason });
      unmapped.push([field, value]);
    }
  }
  // fromEntries defines own properties, so a "__proto__" column is kept as data.
  return { fields: Object.fromEntries(fields), unmapped: Object.fromEntries(unmapped), errors };
}
