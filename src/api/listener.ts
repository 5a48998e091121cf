import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServerAdapter } from '@whatwg-node/server';
import { DialwiseError, httpStatusOf } from '../core/errors.js';
import type { DecisionEngine } from '../decision/index.js';
import type { Admission } from './admission.js';
import { DIALER, requireRole } from './auth.js';
import type { ApiLimits } from './limits.js';
import { errorBody, errorHeaders, parseJson, SECURITY_HEADERS, validate } from './rest/http.js';
import { turnRequest } from './rest/schemas.js';

/** A turn's JSON: 4,000 characters of text (up to 4 bytes each) and the rest. */
const MAX_TURN_BYTES = 64 * 1024;

const JSON_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'content-type': 'application/json',
};

type TurnAnswer = { status: number; body: string; headers: Record<string, string> };

/** Answers one dialog turn: the raw body and Authorization header in, status and JSON out. */
export type TurnHandler = (authorization: string | null, raw: string) => Promise<TurnAnswer>;

/**
 * POST /dialog/turn straight from node:http: the bot's turn-by-turn call,
 * the hottest route, skips the fetch adapter but not the checks (key, rate,
 * role, body schema). Server-Timing carries the time spent here for the
 * dialer's and the benchmark's latency figures.
 */
export function turnHandler(
  engine: DecisionEngine,
  admission: Admission,
  limits: ApiLimits,
): TurnHandler {
  return async (authorization, raw) => {
    const started = performance.now();
    const headers: Record<string, string> = { ...JSON_HEADERS };
    let status = 200;
    let out: string;
    try {
      const principal = await admission.principalOf(authorization, true);
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
  };
}

/** Reads a turn's body (at most MAX_TURN_BYTES) and answers it. */
function serveTurn(turn: TurnHandler, req: IncomingMessage, res: ServerResponse): void {
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
    turn(req.headers.authorization ?? null, Buffer.concat(chunks).toString())
      .then((r) => res.writeHead(r.status, r.headers).end(r.body))
      .catch((err: unknown) => {
        process.emitWarning(`unhandled API error: ${(err as Error).stack ?? String(err)}`);
        res.writeHead(500, JSON_HEADERS);
        res.end(errorBody('INTERNAL', 'internal error'));
      });
  });
}

/** Serves `handle` over HTTP on host:port (port 0: any free one); dialog turns go to `turn`. */
export async function listen(
  handle: (request: Request) => Promise<Response>,
  turn: TurnHandler | undefined,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = createServerAdapter(handle);
  const server = createServer((req, res) => {
    if (!turn || req.method !== 'POST' || req.url !== '/dialog/turn') return void adapter(req, res);
    serveTurn(turn, req, res);
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
