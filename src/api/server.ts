import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServerAdapter } from '@whatwg-node/server';
import type { Registry } from 'prom-client';
import { DialwiseError, httpStatusOf } from '../core/errors.js';
import { parseEvent, type DialwiseEvent } from '../core/events/index.js';
import type { Store } from '../core/store/store.js';
import type { ComplianceHit } from '../models/types.js';
import type { CrmMappingResult } from '../pipelines/crm-mapping.js';
import type { Profile } from '../pipelines/profile.js';
import { authenticate, requireRole, type Principal, type Role } from './auth.js';
import { createGraphql } from './graphql.js';
import { serveStatic } from './static.js';

export interface ApiDeps {
  store: Store;
  /** Takes validated events and raw invalid ones (for dead letters); resolves once durable. */
  submit(valid: DialwiseEvent[], invalid: string[]): Promise<void>;
  busKind: string;
  dashboardDir: string;
  metrics: Registry;
  profile(customerId: string): Profile | undefined | Promise<Profile | undefined>;
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
  const yoga = createGraphql(deps.store, deps.profile);

  async function principalFor(request: Request, roles: readonly Role[]): Promise<Principal> {
    const principal = await authenticate(deps.store, request.headers.get('authorization'));
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
      const principal = await authenticate(deps.store, request.headers.get('authorization'));
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
      const server: Server = createServer(createServerAdapter(handle));
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
