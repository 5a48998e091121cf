import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServerAdapter } from '@whatwg-node/server';
import type { Registry } from 'prom-client';
import { audit } from '../analytics/audit.js';
import { DialwiseError, httpStatusOf } from '../core/errors.js';
import type { DialwiseEvent } from '../core/events/index.js';
import type { Health } from '../core/health.js';
import type { DecisionEngine } from '../decision/engine.js';
import type { ComplianceHit } from '../models/types.js';
import type { CrmMappingResult } from '../pipelines/crm-mapping.js';
import { cachedAuthenticator, DIALER, requireRole, type Principal } from './auth.js';
import { createGraphql, type GraphqlDeps } from './graphql.js';
import {
  errorBody,
  errorHeaders,
  errorResponse,
  parseJson,
  readBody,
  SECURITY_HEADERS,
  validate,
} from './rest/http.js';
import { RateLimiter } from './rest/rate-limit.js';
import { restRoutes, type Route } from './rest/routes.js';
import { turnRequest } from './rest/schemas.js';
import { serveStatic } from './static.js';

export interface ApiDeps extends GraphqlDeps {
  /** Takes validated events and raw invalid ones (for dead letters); resolves once durable. */
  submit(valid: DialwiseEvent[], invalid: string[]): Promise<void>;
  busKind: string;
  dashboardDir: string;
  metrics: Registry;
  health: Health;
  /** CRM field mapping (source names → canonical fields). */
  mapCrm(raw: Record<string, unknown>): CrmMappingResult;
  /** The compliance guard for a line the bot is about to say: promises and absolute wording. */
  checkBotLine(text: string): ComplianceHit[];
  /** Opens a sealed value (a dead letter's original payload). */
  unseal(sealed: string): string;
}

export interface Api {
  fetch(request: Request): Promise<Response>;
  listen(host: string, port: number): Promise<{ url: string; close(): Promise<void> }>;
}

/** A turn's JSON: 4,000 characters of text (up to 4 bytes each) and the rest. */
const MAX_TURN_BYTES = 64 * 1024;

const JSON_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'content-type': 'application/json',
};

const unauthenticated = () =>
  new DialwiseError(
    'UNAUTHENTICATED',
    'missing or invalid API key: send Authorization: Bearer <key>',
  );

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
  /** A route of the dialer's (its roles are the dialer's): decisions and ingest, rated as such. */
  dialer: boolean;
}

const compile = (route: Route): Compiled => {
  const names: string[] = [];
  const source = route.path.replace(/:([a-z_]+)/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  const { roles } = route;
  const dialer =
    roles !== 'public' && roles.length === DIALER.length && DIALER.every((x) => roles.includes(x));
  return { route, pattern: new RegExp(`^${source}$`), names, dialer };
};

function withHeaders(res: Response, head: boolean): Response {
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) headers.set(k, v);
  return new Response(head ? null : res.body, { status: res.status, headers });
}

export function createApi(deps: ApiDeps): Api {
  const yoga = createGraphql(deps);
  const authenticate = cachedAuthenticator(deps.store);
  const limiter = new RateLimiter();
  const routes = restRoutes(deps).map(compile);
  const { limits } = deps;

  /**
   * The key's principal, within its rate; 401, 429 otherwise. The dialer's
   * routes (decisions, ingest) carry the voice bots' traffic and have their
   * own, higher rate per key; everything else (GraphQL, exports, admin) the
   * general one.
   */
  async function principalOf(
    authorization: string | null,
    dialerRoute: boolean,
  ): Promise<Principal> {
    const principal = await authenticate(authorization);
    if (!principal) throw unauthenticated();
    const rate = dialerRoute ? limits.rateLimitDialer : limits.rateLimit;
    const wait = limiter.take(`${principal.name}\u0000${dialerRoute ? 'd' : 'q'}`, rate);
    if (wait)
      throw new DialwiseError(
        'RATE_LIMITED',
        `key "${principal.name}" is over ${rate} requests per second`,
        { retryAfterS: wait },
      );
    return principal;
  }

  /** Role check; on routes that read transcripts or personal data a denial is audited too. */
  async function authorize(
    r: Route,
    principal: Principal,
    url: URL,
    params: Record<string, string>,
  ) {
    if (r.roles === 'public') return;
    try {
      requireRole(principal, r.roles);
    } catch (err) {
      if (r.audit)
        await audit(
          deps.store,
          principal,
          `${r.audit.action}.denied`,
          r.audit.target({ url, params }),
        );
      throw err;
    }
  }

  async function runRoute(
    c: Compiled,
    match: RegExpExecArray,
    request: Request,
    url: URL,
  ): Promise<Response> {
    const r = c.route;
    const params = Object.fromEntries(
      c.names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]),
    );
    const principal =
      r.roles === 'public'
        ? undefined
        : await principalOf(request.headers.get('authorization'), c.dialer);
    if (principal) await authorize(r, principal, url, params);
    const query = r.query
      ? validate(Object.fromEntries(url.searchParams), r.query, 'query')
      : undefined;
    let body: unknown;
    if (r.body) {
      const max = r.maxBytes === 'events' ? limits.eventsBodyLimitBytes : limits.bodyLimitBytes;
      const text = await readBody(request, max);
      body = r.body === 'raw' ? text : validate(parseJson(text, limits.jsonDepthLimit), r.body);
    }
    const res = await r.handle({ request, url, principal, params, body, query });
    if (r.audit && principal)
      await audit(deps.store, principal, r.audit.action, r.audit.target({ url, params }));
    return res;
  }

  /**
   * GraphQL: authenticated and rate-limited here, the body capped before yoga
   * reads it; refusals in GraphQL's own shape (`errors` with a code).
   */
  async function graphql(request: Request): Promise<Response> {
    try {
      return await admitGraphql(request);
    } catch (err) {
      if (!(err instanceof DialwiseError)) throw err;
      return new Response(
        JSON.stringify({ errors: [{ message: err.message, extensions: { code: err.code } }] }),
        { status: httpStatusOf(err.code), headers: errorHeaders(err) },
      );
    }
  }

  async function admitGraphql(request: Request): Promise<Response> {
    const principal = await principalOf(request.headers.get('authorization'), false);
    if (request.method !== 'POST') return yoga.fetch(request, { principal });
    const text = await readBody(request, limits.graphqlBodyLimitBytes);
    const capped = new Request(request.url, {
      method: 'POST',
      headers: request.headers,
      body: text,
      signal: request.signal,
    });
    return yoga.fetch(capped, { principal });
  }

  async function route(request: Request, url: URL): Promise<Response> {
    const { pathname } = url;
    if (pathname === '/graphql') return graphql(request);
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const onPath = routes
      .map((c) => ({ c, m: c.pattern.exec(pathname) }))
      .filter((x): x is { c: Compiled; m: RegExpExecArray } => x.m !== null);
    const hit = onPath.find((x) => x.c.route.method === method);
    if (hit) return runRoute(hit.c, hit.m, request, url);
    if (onPath.length)
      throw new DialwiseError(
        'METHOD_NOT_ALLOWED',
        `${request.method} ${pathname}: use ${onPath.map((x) => x.c.route.method).join(', ')}`,
      );
    if (method === 'GET') {
      const file = await serveStatic(deps.dashboardDir, pathname);
      if (file) return file;
    }
    throw new DialwiseError('NOT_FOUND', `no route for ${request.method} ${pathname}`);
  }

  async function handle(request: Request): Promise<Response> {
    const head = request.method === 'HEAD';
    try {
      return withHeaders(await route(request, new URL(request.url)), head);
    } catch (err) {
      if (err instanceof DialwiseError) return withHeaders(errorResponse(err), head);
      process.emitWarning(`unhandled API error: ${(err as Error).stack ?? String(err)}`);
      return withHeaders(
        new Response(errorBody('INTERNAL', 'internal error'), {
          status: 500,
          headers: { 'content-type': 'application/json' },
        }),
        head,
      );
    }
  }

  /**
   * POST /dialog/turn straight from node:http: the bot's turn-by-turn call,
   * the hottest route, skips the fetch adapter but not the checks (key, rate,
   * role, body schema). Server-Timing carries the time spent here for the
   * dialer's and the benchmark's latency figures.
   */
  async function decideTurn(
    engine: DecisionEngine,
    authorization: string | null,
    raw: string,
  ): Promise<{ status: number; body: string; headers: Record<string, string> }> {
    const started = performance.now();
    const headers: Record<string, string> = { ...JSON_HEADERS };
    let status = 200;
    let out: string;
    try {
      const principal = await principalOf(authorization, true);
      requireRole(principal, DIALER);
      out = JSON.stringify(
        engine.turn(validate(parseJson(raw, limits.jsonDepthLimit), turnRequest)),
      );
    } catch (err) {
      if (!(err instanceof DialwiseError)) throw err;
      status = httpStatusOf(err.code);
      Object.assign(headers, errorHeaders(err));
      out = errorBody(err.code, err.message);
    }
    headers['server-timing'] = `decide;dur=${(performance.now() - started).toFixed(3)}`;
    return { status, body: out, headers };
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
            res.writeHead(413, JSON_HEADERS);
            return void res.end(errorBody('PAYLOAD_TOO_LARGE', message));
          }
          decideTurn(engine, req.headers.authorization ?? null, Buffer.concat(chunks).toString())
            .then((r) => res.writeHead(r.status, r.headers).end(r.body))
            .catch((err: unknown) => {
              process.emitWarning(`unhandled API error: ${(err as Error).stack ?? String(err)}`);
              res.writeHead(500, JSON_HEADERS);
              res.end(errorBody('INTERNAL', 'internal error'));
            });
        });
      });
      // A voice bot's turns come seconds apart on one connection: keep it open
      // between them (Node closes idle keep-alive connections after 5 s by default).
      server.keepAliveTimeout = 65_000;
      // Whole requests within a bounded time: a client that trickles its
      // headers or body cannot hold a connection for ever.
      server.headersTimeout = 20_000;
      server.requestTimeout = 60_000;
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
