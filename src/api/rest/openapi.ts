/**
 * The OpenAPI 3.1 document of the REST routes, built from the route table:
 * the zod schemas that validate each request are its parameters and bodies,
 * the answers' schemas (schemas.ts, admin-schemas.ts) its responses, and
 * each route's `doc` its words and examples. Refusals every route of a kind
 * gives (a missing key, a role, a rate, a bad body) are added here, all with
 * the one error body.
 */
import { z } from 'zod';
import { httpStatusOf, type ErrorCode } from '../../core/errors.js';
import { ROLES } from '../auth.js';
import { ROUTE_EXAMPLES } from './examples.js';
import { ROUTE_TAGS, type Answer, type Example, type Route } from './route.js';
import { errorBody } from './schemas.js';

/** The contract's version: its major changes when a client would break. */
export const API_VERSION = '1.0.0';

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

const REF_PREFIX = '#/components/schemas/';

/** What each error code means to a client. */
const CODE_MEANING: Record<ErrorCode | 'INTERNAL', string> = {
  BAD_REQUEST: 'a parameter or the body breaks the schema; the message names each field',
  EVENT_INVALID: 'an event breaks its schema',
  UNAUTHENTICATED: 'no key, or a key unknown, revoked or expired',
  FORBIDDEN: "the key's role may not call this route",
  NOT_FOUND: 'what was asked for is not there (or not served by this process)',
  METHOD_NOT_ALLOWED: 'the path takes other methods (the Allow header lists them)',
  CONFLICT:
    'the request contradicts what is stored (a call id of another customer, a key revoking itself)',
  PAYLOAD_TOO_LARGE: 'the body is over its limit',
  RATE_LIMITED: 'over the key’s requests per second: retry after Retry-After seconds',
  STORE_FAILED: 'the store could not take the write: retry',
  UNAVAILABLE: 'overloaded or not ready: retry after Retry-After seconds',
  UPSTREAM_FAILED: 'a service behind the API failed',
  CONFIG_INVALID: 'the server is misconfigured',
  INTERNAL: 'a fault of the server; the message says nothing more',
};

/** Converts zod schemas, collecting the named ones (`meta({ id })`) as components. */
class SchemaSet {
  readonly components: Record<string, Json> = {};

  of(schema: z.ZodType, io: Io): Json {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    }) as Json;
    const { $defs, $schema: _, ...rest } = json as Json & { $defs?: Record<string, Json> };
    for (const [id, def] of Object.entries($defs ?? {})) this.add(id, rebased(def));
    return rebased(rest);
  }

  private add(id: string, def: Json): void {
    const known = this.components[id];
    if (known && JSON.stringify(known) !== JSON.stringify(def))
      throw new Error(`two schemas are named ${id}`);
    this.components[id] = def;
  }
}

/** `#/$defs/X` references made `#/components/schemas/X`. */
const rebased = (json: Json): Json =>
  JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', `"${REF_PREFIX}`)) as Json;

/** `post /admin/keys/:name` → `postAdminKeysName`: a name generated clients can use. */
const operationId = (r: Route): string =>
  [r.method.toLowerCase(), ...r.path.split(/[/:_-]+/).filter(Boolean)]
    .map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1)))
    .join('');

type Examples = (typeof ROUTE_EXAMPLES)[string] | undefined;

const examplesOf = (examples: Examples, pick: (e: Example) => unknown): Json | undefined => {
  if (!examples) return undefined;
  const out = Object.entries(examples)
    .map(([lang, e]) => [lang, { summary: e.summary, value: pick(e) }] as const)
    .filter(([, e]) => e.value !== undefined);
  return out.length ? Object.fromEntries(out) : undefined;
};

/** The refusals a route gives by its kind, then its own. */
function refusals(r: Route): ErrorCode[] {
  const codes: ErrorCode[] = [];
  if (r.roles !== 'public') {
    codes.push('UNAUTHENTICATED', 'RATE_LIMITED', 'UNAVAILABLE');
    if (ROLES.some((role) => !r.roles.includes(role))) codes.push('FORBIDDEN');
  }
  if (r.body || r.query || r.params) codes.push('BAD_REQUEST');
  if (r.body) codes.push('PAYLOAD_TOO_LARGE');
  return [...new Set([...codes, ...(r.doc.errors ?? [])])];
}

function errorResponses(codes: readonly ErrorCode[]): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes)
    byStatus.set(httpStatusOf(c), [...(byStatus.get(httpStatusOf(c)) ?? []), c]);
  return Object.fromEntries(
    [...byStatus].map(([status, cs]) => {
      const headers: Json = {};
      if (cs.includes('UNAUTHENTICATED'))
        headers['WWW-Authenticate'] = { schema: { type: 'string', const: 'Bearer' } };
      if (cs.includes('RATE_LIMITED') || cs.includes('UNAVAILABLE'))
        headers['Retry-After'] = {
          description: 'Seconds to wait before trying again (when the refusal says).',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        };
      return [
        String(status),
        {
          description: cs.map((c) => `\`${c}\`: ${CODE_MEANING[c]}`).join('; '),
          ...(Object.keys(headers).length ? { headers } : {}),
          content: { 'application/json': { schema: { $ref: `${REF_PREFIX}Error` } } },
        },
      ];
    }),
  );
}

function answer(schemas: SchemaSet, a: Answer, examples: Json | undefined): Json {
  const types = a.type === undefined ? [] : typeof a.type === 'string' ? [a.type] : a.type;
  const content: Json = {};
  if (a.schema)
    content['application/json'] = {
      schema: schemas.of(a.schema, 'output'),
      ...(examples ? { examples } : {}),
    };
  for (const t of types)
    content[t] = {
      schema: t.startsWith('text/') ? { type: 'string' } : { type: 'string', contentMediaType: t },
    };
  return { description: a.description, ...(Object.keys(content).length ? { content } : {}) };
}

/** The route's documented calls. */
export const examplesFor = (r: Pick<Route, 'method' | 'path'>): Examples =>
  ROUTE_EXAMPLES[`${r.method} ${r.path}`];

function parameters(schemas: SchemaSet, r: Route): Json[] {
  const examples = examplesFor(r);
  const rules = (r.params ? schemas.of(r.params, 'input').properties : {}) as Record<string, Json>;
  const pathParams = [...r.path.matchAll(/:([a-z_]+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: rules[name!] ?? { type: 'string', minLength: 1 },
    ...withExamples(examplesOf(examples, (e) => e.params?.[name!])),
  }));
  if (!r.query) return pathParams;
  const q = schemas.of(r.query, 'input') as {
    properties?: Record<string, Json>;
    required?: string[];
  };
  const queryParams = Object.entries(q.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema as Json & { description?: string };
    return {
      name,
      in: 'query',
      required: q.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema: rest,
      ...withExamples(examplesOf(examples, (e) => e.query?.[name])),
    };
  });
  return [...pathParams, ...queryParams];
}

const withExamples = (examples: Json | undefined) => (examples ? { examples } : {});

function operation(schemas: SchemaSet, r: Route): Json {
  const { doc } = r;
  const roles = r.roles === 'public' ? 'public' : r.roles.join(', ');
  const notes = [
    doc.description,
    `Roles: ${roles}.`,
    r.audit ? `Every call, allowed or denied, is audited as \`${r.audit.action}\`.` : undefined,
  ].filter(Boolean);
  const bodySchema =
    doc.bodySchema ?? (r.body && r.body !== 'raw' && r.body !== 'bytes' ? r.body : undefined);
  const [okStatus] = Object.keys(doc.responses);
  const responses: Json = {};
  for (const [status, a] of Object.entries(doc.responses)) {
    const examples = examplesOf(examplesFor(r), (e) =>
      String(e.status ?? okStatus) === status ? e.response : undefined,
    );
    responses[status] = answer(schemas, a, examples);
  }
  const params = parameters(schemas, r);
  return {
    operationId: operationId(r),
    tags: [doc.tag],
    summary: doc.summary,
    description: notes.join('\n\n'),
    'x-roles': r.roles === 'public' ? [] : r.roles,
    security: r.roles === 'public' ? [] : [{ bearer: [] }],
    ...(params.length ? { parameters: params } : {}),
    ...(bodySchema
      ? {
          requestBody: {
            required: true,
            content: {
              [doc.bodyType ?? 'application/json']: {
                schema: schemas.of(bodySchema, 'input'),
                ...withExamples(examplesOf(examplesFor(r), (e) => e.body)),
              },
            },
          },
        }
      : r.body === 'bytes'
        ? // A file: bytes, whatever type the route then reads in them.
          {
            requestBody: {
              required: true,
              content: {
                [doc.bodyType ?? 'application/octet-stream']: {
                  schema: { type: 'string', format: 'binary' },
                },
              },
            },
          }
        : {}),
    responses: withRefusals(responses, errorResponses(refusals(r))),
  };
}

/**
 * The route's own answers and the refusals of its kind; where both have a
 * status (POST /events answers 400 with its report, or with the error body
 * when the body is not JSON), the body is either.
 */
function withRefusals(own: Json, refused: Json): Json {
  const out: Json = { ...refused, ...own };
  for (const status of Object.keys(own).filter((s) => s in refused)) {
    type Res = { description: string; content?: Record<string, { schema: unknown }> };
    const [mine, theirs] = [own[status] as Res, refused[status] as Res];
    const json = mine.content?.['application/json'];
    out[status] = {
      ...theirs,
      ...mine,
      description: `${mine.description} Or a refusal: ${theirs.description}`,
      content: {
        ...mine.content,
        'application/json': {
          ...json,
          schema: { anyOf: [json?.schema, theirs.content!['application/json']!.schema] },
        },
      },
    };
  }
  return out;
}

/** The document of these routes. */
export function openApiDocument(routes: readonly Route[]): Json {
  const schemas = new SchemaSet();
  schemas.of(errorBody, 'output');
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([a-z_]+)/g, '{$1}');
    paths[path] = { ...paths[path], [r.method.toLowerCase()]: operation(schemas, r) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dialwise REST API',
      version: API_VERSION,
      description: [
        'The REST routes of Dialwise: the live dialer and voice bot, CRM updates, contact rules, exports and administration. Analytics are in GraphQL at `/graphql`.',
        'Send `Authorization: Bearer <key>`; each key has one role (dialer, analyst, data_scientist, compliance, admin), and each route says which roles may call it. Keys are rated per second (the dialer routes at their own, higher rate).',
        'Every refusal answers `{"error": {"code", "message"}}` with the status of its code: act on the code, show the message.',
      ].join('\n\n'),
    },
    servers: [{ url: '/' }],
    tags: Object.entries(ROUTE_TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: schemas.components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key: `dw_…`.' },
      },
    },
  };
}
