import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createServerAdapter } from '@whatwg-node/server';
import type { Registry } from 'prom-client';
import { exportKpis } from '../analytics/export.js';
import { DIMENSIONS, FILTER_DIMENSIONS, type Dimension } from '../analytics/kpis.js';
import { z } from 'zod';
import { DialwiseError, httpStatusOf } from '../core/errors.js';
import { parseEvent, type DialwiseEvent } from '../core/events/index.js';
import type { DecisionEngine } from '../decision/engine.js';
import { loadScripts } from '../decision/scripts.js';
import type { ComplianceHit } from '../models/types.js';
import type { CrmMappingResult } from '../pipelines/crm-mapping.js';
import { cachedAuthenticator, requireRole, type Principal, type Role } from './auth.js';
import { createGraphql, type GraphqlDeps } from './graphql.js';
import { serveStatic } from './static.js';

export interface ApiDeps extends GraphqlDeps {
  /** Takes validated events and raw invalid ones (for dead letters); resolves once durable. */
  submit(valid: DialwiseEvent[], invalid: string[]): Promise<void>;
  busKind: string;
  dashboardDir: string;
  metrics: Registry;
  /** CRM field mapping (source names → canonical fields). */
  mapCrm(raw: Record<string, unknown>): CrmMappingResult;
  /** The compliance guard for a line the bot is about to say: promises and absolute wording. */
  checkBotLine(text: string): ComplianceHit[];
}

export interface Api {
  fetch(request: Request): Promise<Response>;
  listen(host: string, port: number): Promise<{ url: string; close(): Promise<void> }>;
}

const MAX_EVENTS_PER_REQUEST = 10_000;
/** A turn's JSON: 4,000 characters of text (up to 4 bytes each) and the rest. */
const MAX_TURN_BYTES = 64 * 1024;

const id = z.string().min(1).max(128);
const turnRequest = z.strictObject({
  call_id: id,
  customer_id: id,
  campaign_id: id.optional(),
  product_line: id.optional(),
  text: z.string().max(4000),
  asr_confidence: z.number().min(0).max(1),
  prosody: z
    .strictObject({
      pitch_hz: z.number().positive().nullable(),
      rate_sps: z.number().nonnegative(),
      pause_ratio: z.number().min(0).max(1),
      energy_db: z.number(),
      speech_s: z.number().nonnegative(),
    })
    .optional(),
});
const nextRequest = z.strictObject({ limit: z.number().int().min(1).max(1000).default(20) });
const pickupRequest = z.strictObject({ call_id: id, agent_id: id });
const agentRequest = z.strictObject({ agent_id: id, available: z.boolean() });
const attemptRequest = z.strictObject({
  outcome: z.enum(['connected', 'abandoned', 'unanswered']),
  ts: z.iso.datetime({ offset: true }).optional(),
});

/** Parses a JSON body against a schema; a 400 names every bad field. */
function parseBody<T>(raw: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new DialwiseError('BAD_REQUEST', 'body must be JSON');
  }
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  throw new DialwiseError(
    'BAD_REQUEST',
    r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
  );
}

const body = async <T>(request: Request, schema: z.ZodType<T>): Promise<T> =>
  parseBody(await request.text(), schema);

const errorResponse = (err: DialwiseError): Response =>
  Response.json(
    { error: { code: err.code, message: err.message } },
    { status: httpStatusOf(err.code) },
  );

const unauthenticated = (): Response =>
  Response.json(
    {
      errors: [
        {
          message: 'missing or invalid API key: send Authorization: Bearer <key>',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    },
    { status: 401, headers: { 'www-authenticate': 'Bearer' } },
  );

export function createApi(deps: ApiDeps): Api {
  const yoga = createGraphql(deps);
  const authenticate = cachedAuthenticator(deps.store);

  async function principalFor(request: Request, roles: readonly Role[]): Promise<Principal> {
    const principal = await authenticate(request.headers.get('authorization'));
    if (!principal)
      throw new DialwiseError(
        'UNAUTHENTICATED',
        'missing or invalid API key: send Authorization: Bearer <key>',
      );
    requireRole(principal, roles);
    return principal;
  }

  /** Batched ingest: invalid events are dead-lettered and reported by index. */
  async function postEvents(request: Request): Promise<Response> {
    await principalFor(request, ['dialer', 'admin']);
    const body = await request.text();
    let items: unknown;
    try {
      items = JSON.parse(body);
    } catch (err) {
      await deps.submit([], [body]);
      throw new DialwiseError('BAD_REQUEST', `body is not JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const list = Array.isArray(items) ? items : [items];
    if (list.length > MAX_EVENTS_PER_REQUEST) {
      throw new DialwiseError(
        'BAD_REQUEST',
        `at most ${MAX_EVENTS_PER_REQUEST} events per request, got ${list.length}`,
      );
    }
    const valid: DialwiseEvent[] = [];
    const rejected: { index: number; reason: string }[] = [];
    list.forEach((item, index) => {
      const r = parseEvent(item);
      if (r.ok) valid.push(r.event);
      else rejected.push({ index, reason: r.reason });
    });
    await deps.submit(
      valid,
      rejected.map((r) => JSON.stringify(list[r.index])),
    );
    return Response.json(
      { accepted: valid.length, rejected },
      { status: rejected.length && !valid.length ? 400 : 202 },
    );
  }

  /** CRM push: source field names are mapped, unknown ones kept aside, bad values reported. */
  async function customerUpdate(request: Request): Promise<Response> {
    await principalFor(request, ['dialer', 'admin']);
    const body = (await request.json().catch(() => undefined)) as
      { customer_id?: unknown; fields?: unknown; event_id?: unknown; ts?: unknown } | undefined;
    if (
      !body ||
      typeof body.customer_id !== 'string' ||
      typeof body.fields !== 'object' ||
      body.fields === null
    ) {
      throw new DialwiseError(
        'BAD_REQUEST',
        'body must be {"customer_id": "...", "fields": {...}} with optional event_id and ts',
      );
    }
    const mapped = deps.mapCrm(body.fields as Record<string, unknown>);
    const parsed = parseEvent({
      event_id: typeof body.event_id === 'string' ? body.event_id : randomUUID(),
      type: 'customer.updated',
      ts: typeof body.ts === 'string' ? body.ts : new Date().toISOString(),
      schema_version: 1,
      customer_id: body.customer_id,
      fields: mapped.fields,
      ...(Object.keys(mapped.unmapped).length ? { unmapped: mapped.unmapped } : {}),
    });
    if (!parsed.ok) throw new DialwiseError('BAD_REQUEST', parsed.reason);
    await deps.submit([parsed.event], []);
    return Response.json(
      {
        event_id: parsed.event.event_id,
        mapped: Object.keys(mapped.fields),
        unmapped: Object.keys(mapped.unmapped),
        errors: mapped.errors,
      },
      { status: 202 },
    );
  }

  /** Before a generated line is spoken: allowed, or the hits that block it and where. */
  async function botLine(request: Request): Promise<Response> {
    await principalFor(request, ['dialer', 'admin']);
    const body = (await request.json().catch(() => undefined)) as { text?: unknown } | undefined;
    if (!body || typeof body.text !== 'string' || body.text.length > 4000) {
      throw new DialwiseError(
        'BAD_REQUEST',
        'body must be {"text": "..."} of at most 4000 characters',
      );
    }
    const hits = deps.checkBotLine(body.text);
    return Response.json({ allowed: hits.length === 0, hits });
  }

  /**
   * POST /dialog/turn, transport-free: the bot's turn-by-turn call, the
   * hottest route, is served both through the fetch handler and straight
   * from node:http (see listen). Server-Timing carries the time spent here
   * (auth, body, decision) for the dialer's and the benchmark's latency figures.
   */
  async function decideTurn(
    engine: DecisionEngine,
    authorization: string | null,
    raw: string,
  ): Promise<{ status: number; body: string; headers: Record<string, string> }> {
    const started = performance.now();
    let status = 200;
    let out: unknown;
    try {
      const principal = await authenticate(authorization);
      if (!principal)
        throw new DialwiseError(
          'UNAUTHENTICATED',
          'missing or invalid API key: send Authorization: Bearer <key>',
        );
      requireRole(principal, ['dialer', 'admin']);
      out = engine.turn(parseBody(raw, turnRequest));
    } catch (err) {
      if (!(err instanceof DialwiseError)) throw err;
      status = httpStatusOf(err.code);
      out = { error: { code: err.code, message: err.message } };
    }
    return {
      status,
      body: JSON.stringify(out),
      headers: {
        'content-type': 'application/json',
        'server-timing': `decide;dur=${(performance.now() - started).toFixed(3)}`,
      },
    };
  }

  /** The dialer's and agent desktop's routes into the decision layer. */
  async function decisionRoute(
    request: Request,
    url: URL,
    engine: DecisionEngine,
  ): Promise<Response | undefined> {
    const { pathname } = url;
    const post = request.method === 'POST';
    const dialer = () => principalFor(request, ['dialer', 'admin']);
    if (pathname === '/dialog/turn' && post) {
      const r = await decideTurn(
        engine,
        request.headers.get('authorization'),
        await request.text(),
      );
      return new Response(r.body, { status: r.status, headers: r.headers });
    }
    if (pathname === '/dialog/context' && request.method === 'GET') {
      await principalFor(request, ['dialer', 'admin', 'analyst', 'compliance']);
      const callId = url.searchParams.get('call_id');
      if (!callId) throw new DialwiseError('BAD_REQUEST', 'call_id query parameter is required');
      const context = engine.context(callId);
      if (!context) throw new DialwiseError('NOT_FOUND', `no call ${callId} in progress`);
      return Response.json(context);
    }
    if (pathname === '/dialer/next' && post) {
      await dialer();
      const { limit } = await body(request, nextRequest);
      return Response.json(engine.next(limit));
    }
    if (pathname === '/dialer/attempt' && post) {
      await dialer();
      const a = await body(request, attemptRequest);
      engine.attempt(a.ts ? new Date(a.ts) : new Date(), a.outcome);
      return new Response(null, { status: 204 });
    }
    if (pathname === '/dialog/pickup' && post) {
      await dialer();
      const p = await body(request, pickupRequest);
      engine.pickedUp(p.call_id, p.agent_id);
      return new Response(null, { status: 204 });
    }
    if (pathname === '/admin/scripts' && post) {
      await principalFor(request, ['admin']);
      const raw: unknown = await request.json().catch(() => undefined);
      try {
        const library = loadScripts(raw, deps.checkBotLine);
        engine.rollOutScripts(library);
        return Response.json({ version: library.version }, { status: 201 });
      } catch (err) {
        // A bad library is the caller's mistake here, not the server's config.
        if (err instanceof DialwiseError && err.code === 'CONFIG_INVALID')
          throw new DialwiseError('BAD_REQUEST', err.message);
        throw err;
      }
    }
    if (pathname === '/agents/status' && post) {
      await dialer();
      const a = await body(request, agentRequest);
      engine.setAgentAvailable(a.agent_id, a.available);
      return new Response(null, { status: 204 });
    }
    return undefined;
  }

  /** The weekly/quarterly review: KPIs by a dimension as CSV or Parquet. */
  async function exportRoute(request: Request, url: URL): Promise<Response> {
    await principalFor(request, ['analyst', 'data_scientist', 'compliance', 'admin']);
    const q = Object.fromEntries(url.searchParams);
    const format = q.format ?? 'csv';
    if (format !== 'csv' && format !== 'parquet')
      throw new DialwiseError('BAD_REQUEST', 'format must be csv or parquet');
    const dir = await mkdtemp(join(tmpdir(), 'dialwise-export-'));
    try {
      const file = join(dir, `kpis.${format}`);
      // ?region=east&product_line=loan…: the dimension's column name narrows the export.
      const where = Object.fromEntries(
        FILTER_DIMENSIONS.filter((d) => q[DIMENSIONS[d]] !== undefined).map((d) => [
          d,
          q[DIMENSIONS[d]]!,
        ]),
      );
      await exportKpis(
        deps.store,
        { dimension: (q.by ?? 'REGION') as Dimension, format, from: q.from, to: q.to, where },
        file,
        deps.costs,
      );
      const name = `kpis-${(q.by ?? 'REGION').toLowerCase()}.${format}`;
      return new Response(await readFile(file), {
        headers: {
          'content-type':
            format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet',
          'content-disposition': `attachment; filename="${name}"`,
        },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function deadLetters(request: Request, url: URL): Promise<Response> {
    await principalFor(request, ['admin']);
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 100) || 100, 1000);
    const rows = await deps.store.query(
      'SELECT id::VARCHAR AS id, received_at::VARCHAR AS received_at, source, reason, payload FROM dead_letters ORDER BY id DESC LIMIT ?',
      [limit],
    );
    return Response.json({ deadLetters: rows });
  }

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const { pathname } = url;
    const method = request.method;
    if (pathname === '/graphql') {
      const principal = await authenticate(request.headers.get('authorization'));
      if (!principal) return unauthenticated();
      return yoga.fetch(request, { principal });
    }
    if (pathname === '/health' && method === 'GET')
      return Response.json({ status: 'ok', bus: deps.busKind });
    if (pathname === '/events' && method === 'POST') return postEvents(request);
    if (pathname === '/customer/update' && method === 'POST') return customerUpdate(request);
    if (pathname === '/compliance/bot-line' && method === 'POST') return botLine(request);
    if (pathname === '/metrics' && method === 'GET') {
      await principalFor(request, ['admin']);
      return new Response(await deps.metrics.metrics(), {
        headers: { 'content-type': deps.metrics.contentType },
      });
    }
    if (pathname === '/dead-letters' && method === 'GET') return deadLetters(request, url);
    if (pathname === '/export/kpis' && method === 'GET') return exportRoute(request, url);
    if (deps.decisions) {
      const decided = await decisionRoute(request, url, deps.decisions);
      if (decided) return decided;
    }
    if (method === 'GET') {
      const file = await serveStatic(deps.dashboardDir, pathname);
      if (file) return file;
    }
    throw new DialwiseError('NOT_FOUND', `no route for ${method} ${pathname}`);
  }

  async function handle(request: Request): Promise<Response> {
    try {
      return await route(request);
    } catch (err) {
      if (err instanceof DialwiseError) return errorResponse(err);
      process.emitWarning(`unhandled API error: ${(err as Error).stack ?? String(err)}`);
      return Response.json(
        { error: { code: 'INTERNAL', message: 'internal error' } },
        { status: 500 },
      );
    }
  }

  return {
    fetch: handle,
    async listen(host, port) {
      const adapter = createServerAdapter(handle);
      const engine = deps.decisions;
      const server: Server = createServer((req, res) => {
        if (!engine || req.method !== 'POST' || req.url !== '/dialog/turn')
          return void adapter(req, res);
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_TURN_BYTES) chunks.push(c);
        });
        req.on('end', () => {
          if (size > MAX_TURN_BYTES) {
            const message = `a turn is at most ${MAX_TURN_BYTES} bytes`;
            res.writeHead(413, { 'content-type': 'application/json' });
            return void res.end(JSON.stringify({ error: { code: 'BAD_REQUEST', message } }));
          }
          decideTurn(engine, req.headers.authorization ?? null, Buffer.concat(chunks).toString())
            .then((r) => res.writeHead(r.status, r.headers).end(r.body))
            .catch((err: unknown) => {
              process.emitWarning(`unhandled API error: ${(err as Error).stack ?? String(err)}`);
              res.writeHead(500, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error' } }));
            });
        });
      });
      // A voice bot's turns come seconds apart on one connection: keep it open
      // between them (Node closes idle keep-alive connections after 5 s by default).
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, resolve);
      });
      const addr = server.address() as AddressInfo;
      return {
        url: `http://${host}:${addr.port}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
  };
}
