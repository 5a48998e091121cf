import { apiMetrics } from './api-metrics.js';
import type { SlackDeps } from './rest/slack-routes.js';
import type { Registry } from 'prom-client';
import { systemClock } from '../core/clock.js';
import { DialwiseError, httpStatusOf } from '../core/errors.js';
import type { DialwiseEvent } from '../core/events/index.js';
import type { Health } from '../core/health.js';
import type { CrmMappingResult } from '../pipelines/index.js';
import { createAdmission, type Admission } from './admission.js';
import { createGraphql, type GraphqlDeps } from './graphql/index.js';
import type { DncRegister } from '../analytics/records/index.js';
import { hotRoutes, listen } from './listener.js';
import { restDispatcher } from './rest-dispatch.js';
import type { ConsentPageDeps } from './rest/consent-page-routes.js';
import type { RetentionDeps } from './rest/retention-routes.js';
import type { RecordingDeps } from './rest/recording-routes.js';
import { errorBody, errorHeaders, errorResponse, readBody, SECURITY_HEADERS } from './rest/http.js';
import type { ErasureReport } from './rest/schemas.js';
import { serveStatic } from './static.js';

export interface ApiDeps
  extends GraphqlDeps, RetentionDeps, ConsentPageDeps, SlackDeps, RecordingDeps {
  /**
   * Takes validated events and raw invalid ones (for dead letters); resolves
   * once durable. `forwarded`: relayed by another decision replica.
   */
  submit(valid: DialwiseEvent[], invalid: string[], forwarded?: boolean): Promise<void>;
  busKind: string;
  dashboardDir: string;
  metrics: Registry;
  health: Health;
  /** CRM field mapping (source names → canonical fields). */
  mapCrm(raw: Record<string, unknown>): CrmMappingResult;
  /** The do-not-call register (POST /dnc/import adds to it). */
  dnc: DncRegister;
  /** Erases a customer everywhere and reports what went where (absent: the route answers 404). */
  erase?(customerId: string, requestedBy: string): Promise<ErasureReport>;
}

export interface Api {
  fetch(request: Request): Promise<Response>;
  listen(host: string, port: number): Promise<{ url: string; close(): Promise<void> }>;
}

/**
 * The security headers on every answer. A route may bring a policy of its
 * own (the customer's consent page: forms to its own origin, nothing else);
 * every other header is always the API's.
 */
function withHeaders(res: Response, head: boolean): Response {
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(SECURITY_HEADERS))
    if (k !== 'content-security-policy' || !headers.has(k)) headers.set(k, v);
  return new Response(head ? null : res.body, { status: res.status, headers });
}

/**
 * GraphQL: authenticated and rate-limited here, the body capped before yoga
 * reads it; refusals in GraphQL's own shape (`errors` with a code).
 */
function graphqlEndpoint(deps: ApiDeps, admission: Admission) {
  const yoga = createGraphql(deps);
  const admit = async (request: Request): Promise<Response> => {
    const principal = await admission.principalOf(request.headers.get('authorization'), false);
    if (request.method !== 'POST') return yoga.fetch(request, { principal });
    const text = await readBody(request, deps.limits.graphqlBodyLimitBytes);
    const capped = new Request(request.url, {
      method: 'POST',
      headers: request.headers,
      body: text,
      signal: request.signal,
    });
    return yoga.fetch(capped, { principal });
  };
  return async (request: Request): Promise<Response> => {
    try {
      return await admit(request);
    } catch (err) {
      if (!(err instanceof DialwiseError)) throw err;
      return new Response(
        JSON.stringify({ errors: [{ message: err.message, extensions: { code: err.code } }] }),
        { status: httpStatusOf(err.code), headers: errorHeaders(err) },
      );
    }
  };
}

/**
 * The HTTP API: GraphQL, the REST routes, the dashboard's files. Transport
 * only: every answer comes from the component that owns its data.
 */
export function createApi(deps: ApiDeps): Api {
  const clock = deps.clock ?? systemClock;
  const admission = createAdmission({ ...deps, clock });
  const graphql = graphqlEndpoint({ ...deps, clock }, admission);
  const rest = restDispatcher({ ...deps, clock }, admission);

  async function route(request: Request, url: URL): Promise<Response> {
    if (url.pathname === '/graphql') return graphql(request);
    const res = await rest(request, url);
    if (res) return res;
    if (request.method === 'GET' || request.method === 'HEAD') {
      const file = await serveStatic(
        deps.dashboardDir,
        url.pathname,
        request.headers.get('accept-encoding'),
      );
      if (file) return file;
    }
    throw new DialwiseError('NOT_FOUND', `no route for ${request.method} ${url.pathname}`);
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

  const hot = deps.decisions
    ? hotRoutes(deps.decisions, {
        admission,
        limits: deps.limits,
        readyFor: deps.readyFor,
        replicas: deps.replicas,
      })
    : new Map();
  const { answered } = apiMetrics(deps.metrics);
  return { fetch: handle, listen: (host, port) => listen(handle, hot, host, port, answered) };
}
