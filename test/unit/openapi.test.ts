import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { apiRoutes } from '../../src/api/rest-dispatch.js';
import { examplesFor, openApiDocument } from '../../src/api/rest/openapi.js';
import { ROUTE_EXAMPLES } from '../../src/api/rest/examples.js';
import type { Route } from '../../src/api/rest/route.js';

/** The route table as a process with a virtual clock serves it (no handler runs here). */
function table(): Route[] {
  const deps = { clock: manualClock(0), limits: {} } as unknown as Parameters<typeof apiRoutes>[0];
  return apiRoutes(deps);
}

type Json = Record<string, unknown>;
const doc = openApiDocument(table()) as Json & {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
};

/** A validator that knows the document's components, as a client's would. */
function validatorFor(schema: unknown) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  const rebased = JSON.parse(
    JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'),
  ) as Json;
  return ajv.compile(rebased);
}

describe('the OpenAPI document', () => {
  it('documents every route, each once, with a unique operation id', () => {
    const routes = table();
    expect(routes.filter((r) => !r.doc).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const ops = Object.values(doc.paths).flatMap((item) => Object.values(item));
    expect(ops).toHaveLength(routes.length);
    const ids = ops.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('resolves every reference to a component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
  });

  it('states the refusals of each kind of route with the one error body', () => {
    const turn = doc.paths['/dialog/turn']!.post! as { responses: Record<string, Json> };
    expect(Object.keys(turn.responses).sort()).toEqual(
      ['200', '400', '401', '403', '409', '413', '429', '503'].sort(),
    );
    expect(JSON.stringify(turn.responses['401'])).toContain('#/components/schemas/Error');
    const health = doc.paths['/health']!.get! as { security: unknown[]; responses: Json };
    expect(health.security).toEqual([]);
    expect(Object.keys(health.responses)).toEqual(['200', '503']);
    const erase = doc.paths['/customers/{id}/erase']!.post! as Json;
    expect(erase.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    expect(String(erase.description)).toContain('audited as `customer.erase`');
  });

  it('takes query parameters from the schema that validates them', () => {
    const letters = doc.paths['/dead-letters']!.get! as { parameters: Json[] };
    const limit = letters.parameters.find((p) => p.name === 'limit')!;
    expect(limit).toMatchObject({ in: 'query', required: false });
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
  });
});

describe('the documented examples', () => {
  const routes = table();

  it('are in Chinese and English for every route that takes a body or a query', () => {
    const missing = routes
      .filter((r) => (r.body || r.query) && r.roles !== 'public' && r.path !== '/admin/scripts')
      .filter((r) => r.path !== '/replicas/sync')
      .filter((r) => !examplesFor(r))
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    const keys = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(ROUTE_EXAMPLES).filter((k) => !keys.has(k))).toEqual([]);
    for (const e of Object.values(ROUTE_EXAMPLES)) expect(e.zh.summary).toMatch(/[\u4e00-\u9fff]/);
  });

  it('send what the route validates', () => {
    for (const r of routes) {
      const ex = examplesFor(r);
      if (!ex) continue;
      for (const e of [ex.zh, ex.en]) {
        if (r.body && r.body !== 'raw' && r.body !== 'bytes')
          expect(r.body.safeParse(e.body).success, `${r.path}: ${e.summary}`).toBe(true);
        if (r.doc?.bodySchema)
          expect(r.doc.bodySchema.safeParse(e.body).success, `${r.path}: ${e.summary}`).toBe(true);
        if (r.query)
          expect(r.query.safeParse(e.query ?? {}).success, `${r.path}: ${e.summary}`).toBe(true);
      }
    }
  });

  it('answer what the document promises', () => {
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths))
      for (const op of Object.values(item) as { responses: Record<string, Json> }[])
        for (const [status, res] of Object.entries(op.responses)) {
          const media = (res.content as Record<string, Json> | undefined)?.['application/json'];
          const examples = (media?.examples ?? {}) as Record<string, { value: unknown }>;
          for (const [lang, e] of Object.entries(examples)) {
            const validate = validatorFor(media!.schema);
            expect(
              validate(e.value),
              `${path} ${status} ${lang}: ${JSON.stringify(validate.errors)}`,
            ).toBe(true);
            checked += 1;
          }
        }
    expect(checked).toBeGreaterThan(10);
  });

  it('a response that breaks the schema is caught', () => {
    const media = (doc.paths['/outreach/check']!.post!.responses as Record<string, Json>)['200']!
      .content as Record<string, Json>;
    const validate = validatorFor(media['application/json']!.schema);
    expect(validate({ allowed: false, reason: 'do_not_call', detail: null })).toBe(true);
    expect(validate({ allowed: false, reason: 'not_a_rule', detail: null })).toBe(false);
    expect(validate({ allowed: true, reason: null, detail: null, extra: 1 })).toBe(false);
  });
});
