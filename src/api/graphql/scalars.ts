/**
 * The schema's own scalars: a value that breaks their rule is refused while
 * the document is validated, before any resolver runs, so what the schema
 * admits is what the resolvers take. Their rules are in their descriptions
 * (and in the strategies the contract test gives a fuzzer,
 * test/contract/schemathesis_hooks.py).
 */
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { z } from 'zod';
import { decodeCursor } from '../../analytics/records/index.js';
import { idSchema, LIMITS } from '../../core/events/index.js';
import { canonical } from '../../core/zone.js';

const isoTime = z.iso.datetime({ offset: true });
const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/** A scalar of strings or numbers that `check` accepts, passed to resolvers as they came. */
function scalar<T extends string | number>(
  name: string,
  description: string,
  kind: 'string' | 'int' | 'float',
  check: (v: T) => string | undefined,
): GraphQLScalarType<T, T> {
  const take = (v: unknown): T => {
    const typed =
      kind === 'string'
        ? typeof v === 'string'
        : typeof v === 'number' && (kind === 'float' || Number.isInteger(v));
    const why = typed ? check(v as T) : `expected ${kind === 'string' ? 'a string' : `an ${kind}`}`;
    if (why !== undefined) throw createGraphQLError(`${name}: ${why}`);
    return v as T;
  };
  const literal = (node: ValueNode): unknown =>
    node.kind === Kind.STRING
      ? node.value
      : node.kind === Kind.INT || node.kind === Kind.FLOAT
        ? Number(node.value)
        : undefined;
  return new GraphQLScalarType<T, T>({
    name,
    description,
    serialize: (v) => v as T,
    parseValue: take,
    parseLiteral: (node) => take(literal(node)),
  });
}

/** RFC 3339 with an offset, years 0001 to 9999. */
export const DateTime = scalar<string>(
  'DateTime',
  'An instant in ISO 8601 (RFC 3339) with a zone offset or Z, years 0001 to 9999, e.g. 2026-12-07T09:30:00+08:00.',
  'string',
  (v) =>
    isoTime.safeParse(v).success && Number.isFinite(Date.parse(v))
      ? undefined
      : `not an ISO 8601 time with an offset: ${v.slice(0, 40)}`,
);

export const Name = scalar<string>(
  'Name',
  'A name of 1 to 64 letters, digits, dots, dashes, underscores or @ (API keys, alert rules).',
  'string',
  (v) => (NAME.test(v) ? undefined : 'letters, digits, . - _ or @, 1 to 64 of them'),
);

/**
 * A page's position, as the server issued it in `next`: base64url of a JSON
 * [number, string]. Any such value is a position (the page after it may be empty).
 */
export const Cursor = scalar<string>(
  'Cursor',
  "A page's position: pass the `nextCursor` of the page before. Base64url of a JSON [number, string].",
  'string',
  (v) => {
    try {
      if (v.length <= 512 && decodeCursor(v, 'number')) return undefined;
    } catch {
      // not a position: refused below
    }
    return 'not a cursor this server issued';
  },
);

/** The events' own rule for a customer id (one definition). */
export const CustomerId = scalar<string>(
  'CustomerId',
  `A customer's id: 1 to ${LIMITS.id} characters, not __proto__, constructor or prototype.`,
  'string',
  (v) => (idSchema.safeParse(v).success ? undefined : `1 to ${LIMITS.id} characters, not reserved`),
);

export const TimeZone = scalar<string>(
  'TimeZone',
  'An IANA time zone, e.g. Asia/Shanghai or UTC.',
  'string',
  (v) => (v.length <= 64 && canonical(v) !== undefined ? undefined : 'not an IANA time zone'),
);

export const SearchText = scalar<string>(
  'SearchText',
  'What to search for: 1 to 500 characters, not all spaces.',
  'string',
  (v) => (v.length <= 500 && v.trim() !== '' ? undefined : '1 to 500 characters, not all spaces'),
);

export const PositiveFloat = scalar<number>('PositiveFloat', 'A number above 0.', 'float', (v) =>
  v > 0 && Number.isFinite(v) ? undefined : 'must be above 0',
);
export const NonNegativeFloat = scalar<number>(
  'NonNegativeFloat',
  'A number of 0 or more.',
  'float',
  (v) => (v >= 0 && Number.isFinite(v) ? undefined : 'must be 0 or more'),
);
export const PositiveInt = scalar<number>(
  'PositiveInt',
  'An integer of 1 to 2^31 - 1.',
  'int',
  (v) => (v >= 1 && v < 2 ** 31 ? undefined : 'must be 1 to 2^31 - 1'),
);
export const NonNegativeInt = scalar<number>(
  'NonNegativeInt',
  'An integer of 0 to 2^31 - 1.',
  'int',
  (v) => (v >= 0 && v < 2 ** 31 ? undefined : 'must be 0 to 2^31 - 1'),
);

export const SCALARS = {
  DateTime,
  Name,
  Cursor,
  CustomerId,
  TimeZone,
  SearchText,
  PositiveFloat,
  NonNegativeFloat,
  PositiveInt,
  NonNegativeInt,
};

export const scalarTypeDefs = Object.values(SCALARS)
  .map((s) => `"${s.description}" scalar ${s.name}`)
  .join('\n');
