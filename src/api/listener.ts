import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ZodType } from 'zod';
import { createServerAdapter } from '@whatwg-node/server';
import { DialwiseError, httpStatusOf } from '../core/errors.js';
import type { DecisionEngine } from '../decision/index.js';
import type { Admission } from './admission.js';
import type { ApiMetrics } from './api-metrics.js';
import { DIALER, requireRole, type Principal } from './auth.js';
import { scopedTurn } from './scope.js';
import type { ApiLimits } from './limits.js';
import {
  errorBody,
  errorHeaders,
  parseJson,
  requestIdOf,
  SECURITY_HEADERS,
  validate,
} from './rest/http.js';
import { outreachAnswer } from './rest/contact-routes.js';
import { checkRequest, turnRequest } from './rest/schemas.js';
import { FORWARDED_HEADER, type Replicas } from './replicas.js';

/** A hot route's JSON: a turn's 4,000 characters of text (up to 4 bytes each) and the rest. */
const MAX_HOT_BYTES = 64 * 1024;

const JSON_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'content-type': 'application/json',
};

type HotAnswer = {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** The line was generated: timed as a route of its own (the decision SLO is the others'). */
  generated?: boolean;
};

/** Answers one request of a hot route: the raw body and Authorization header in, status and JSON out. */
export type HotHandler = (
  authorization: string | null,
  raw: string,
  forwarded: boolean,
  requestId: string,
) => Promise<HotAnswer>;

/**
 * A route straight from node:http: the calls a dialer or sender makes by
 * the thousand skip the fetch adapter but not the checks (key, rate, role,
 * body schema). Server-Timing carries the time spent here for the
 * dialer's and the benchmark's latency figures.
 */
function hotHandler<B extends { customer_id: string }>(
  path: string,
  deps: HotDeps,
  schema: ZodType<B>,
  run: (body: B, by: Principal, requestId: string) => unknown,
): HotHandler {
  const { admission, limits, readyFor, replicas } = deps;
  return async (authorization, raw, forwarded, requestId) => {
    const started = performance.now();
    const headers: Record<string, string> = { ...JSON_HEADERS, 'x-request-id': requestId };
    let status = 200;
    let out: string;
    let generated = false;
    try {
      const principal = await admission.principalOf(authorization, true);
      requireRole(principal, DIALER);
      const body = validate(parseJson(raw, limits.jsonDepthLimit), schema);
      if (replicas) {
        const request = { path, body: raw, authorization, forwarded, requestId };
        const there = await replicas.relay(body.customer_id, request);
        if (there) {
          const timing = there.headers['server-timing'] ?? '';
          const generatedThere = timing.startsWith('decide-generated');
          return {
            ...there,
            headers: { ...JSON_HEADERS, ...there.headers },
            generated: generatedThere,
          };
        }
      }
      const waiting = readyFor?.(body.customer_id);
      if (waiting) await waiting;
      const answer = await run(body, principal, requestId);
      // A generated line's turn: timed apart, as its own route (the decision SLO is the others').
      generated = typeof answer === 'object' && answer !== null && 'generation' in answer;
      out = JSON.stringify(answer);
      if (replicas) await replicas.durable();
    } catch (err) {
      if (!(err instanceof DialwiseError)) throw err;
      status = httpStatusOf(err.code);
      Object.assign(headers, errorHeaders(err));
      out = errorBody(err.code, err.message);
    }
    const step = generated ? 'decide-generated' : 'decide';
    headers['server-timing'] = `${step};dur=${(performance.now() - started).toFixed(3)}`;
    return { status, body: out, headers, generated };
  };
}

/** What the hot routes need besides the engine. */
export interface HotDeps {
  admission: Admission;
  limits: ApiLimits;
  /** Brings the customer's profile in first (undefined: it is there). */
  readyFor?: ((customerId: string) => Promise<void> | undefined) | undefined;
  replicas?: Replicas | undefined;
}

/**
 * The hot routes by path: POST /dialog/turn (the bot's turn-by-turn call)
 * and POST /outreach/check (asked before every message or call).
 */
export function hotRoutes(engine: DecisionEngine, deps: HotDeps): Map<string, HotHandler> {
  return new Map([
    [
      '/dialog/turn',
      hotHandler('/dialog/turn', deps, turnRequest, (b, by, requestId) =>
        engine.converse(scopedTurn(by, { ...b, request_id: requestId })),
      ),
    ],
    [
      '/outreach/check',
      hotHandler('/outreach/check', deps, checkRequest, (b, by) => outreachAnswer(engine, b, by)),
    ],
  ]);
}

/** Answers whose line was generated: timed as a route of their own (the decision SLO is the others'). */
const generatedAnswers = new WeakSet<ServerResponse>();

/** Reads a hot route's body (at most MAX_HOT_BYTES) and answers it. */
function serveHot(hot: HotHandler, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_HOT_BYTES) chunks.push(c);
  });
  req.on('end', () => {
    if (size > MAX_HOT_BYTES) {
      const message = `a request here is at most ${MAX_HOT_BYTES} bytes`;
      res.writeHead(413, JSON_HEADERS);
      return void res.end(errorBody('PAYLOAD_TOO_LARGE', message));
    }
    const forwarded = req.headers[FORWARDED_HEADER] !== undefined;
    const requestId = requestIdOf(req.headers['x-request-id']);
    hot(req.headers.authorization ?? null, Buffer.concat(chunks).toString(), forwarded, requestId)
      .then((r) => {
        if (r.generated) generatedAnswers.add(res);
        res.writeHead(r.status, r.headers).end(r.body);
      })
      .catch((err: unknown) => {
        process.emitWarning(`unhandled API error: ${(err as Error).stack ?? String(err)}`);
        res.writeHead(500, JSON_HEADERS);
        res.end(errorBody('INTERNAL', 'internal error'));
      });
  });
}

/**
 * Serves `handle` over HTTP on host:port (port 0: any free one); POSTs to a
 * hot route go to it. `answered` hears of every answer once it is sent.
 */
export async function listen(
  handle: (request: Request) => Promise<Response>,
  hot: ReadonlyMap<string, HotHandler>,
  host: string,
  port: number,
  answered?: ApiMetrics['answered'],
): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = createServerAdapter(handle);
  const server = createServer((req, res) => {
    const fast = req.method === 'POST' ? hot.get(req.url ?? '') : undefined;
    if (answered) {
      const started = performance.now();
      const route = fast ? (req.url ?? null) : null;
      res.once('finish', () => {
        const label = route && generatedAnswers.has(res) ? `${route}+generation` : route;
        answered(label, res.statusCode, (performance.now() - started) / 1000);
      });
    }
    if (!fast) return void adapter(req, res);
    serveHot(fast, req, res);
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
}
