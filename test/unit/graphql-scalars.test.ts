import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/analytics/records/index.js';
import { introspectionShape } from '../../src/api/graphql/query-limits.js';
import { Cursor, CustomerId, DateTime, Name, SearchText } from '../../src/api/graphql/scalars.js';
import { typeDefs } from '../../src/api/graphql/schema.js';

const refuses = (take: () => unknown, why: RegExp) => expect(take).toThrow(why);

describe('the schema’s scalars', () => {
  it('DateTime: RFC 3339 with an offset, years 0001 to 9999', () => {
    for (const ok of [
      '2026-12-07T09:30:00+08:00',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999999Z',
    ])
      expect(DateTime.parseValue(ok)).toBe(ok);
    for (const bad of ['yesterday', '2026-12-07T09:30:00', '2026-13-01T00:00:00Z', ''])
      refuses(() => DateTime.parseValue(bad), /DateTime: not an ISO 8601 time/);
    refuses(() => DateTime.parseValue(20261207), /expected a string/);
  });

  it('Cursor: what the server issues, nothing else', () => {
    const issued = encodeCursor({ key: 0.42, id: 'cust-1' });
    expect(Cursor.parseValue(issued)).toBe(issued);
    for (const bad of [
      'abc',
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('["1","x"]').toString('base64url'),
    ])
      refuses(() => Cursor.parseValue(bad), /not a cursor this server issued/);
  });

  it('Name, CustomerId and SearchText state their bounds', () => {
    expect(Name.parseValue('ops.team-1@sh')).toBe('ops.team-1@sh');
    for (const bad of ['', 'a b', 'x'.repeat(65)]) refuses(() => Name.parseValue(bad), /Name:/);
    expect(CustomerId.parseValue('客户-1')).toBe('客户-1');
    for (const bad of ['', '__proto__', 'x'.repeat(65)])
      refuses(() => CustomerId.parseValue(bad), /CustomerId:/);
    refuses(() => SearchText.parseValue('   '), /SearchText:/);
    refuses(() => SearchText.parseValue('词'.repeat(501)), /SearchText:/);
  });
});

describe('introspection’s own bound', () => {
  const schema = buildSchema(typeDefs);
  const errors = (doc: string) =>
    validate(schema, parse(doc), [introspectionShape]).map((e) => e.message);

  it('admits the standard query every client tool sends, with every option', () => {
    const standard = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    expect(errors(standard)).toEqual([]);
  });

  it('refuses list levels whose answer would grow as their product', () => {
    const nested =
      '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }';
    expect(errors(nested).join()).toMatch(/introspection nests 4 lists/);
    const viaFragment =
      'query { __type(name: "Query") { ...F } } fragment F on __Type { fields { type { fields { type { fields { type { fields { name } } } } } } } }';
    expect(errors(viaFragment).join()).toMatch(/introspection nests/);
  });
});

describe('introspection’s bound on a fragment bomb', () => {
  it('measures each fragment once: 2^22 spreads in milliseconds', () => {
    const schema = buildSchema(typeDefs);
    let doc = 'fragment F0 on Query { __schema { types { name } } }\n';
    for (let i = 1; i <= 22; i++) doc += `fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }\n`;
    const t0 = performance.now();
    const errs = validate(schema, parse(`{ ...F22 }\n${doc}`), [introspectionShape]);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(errs).toEqual([]);
  });
});
