/** The shape of a REST route and the helpers the route tables build them with. */
import type { z } from 'zod';
import type { Principal, Role } from '../auth.js';

export interface RouteContext<B, Q> {
  request: Request;
  url: URL;
  /** Absent on public routes only. */
  principal: Principal | undefined;
  params: Record<string, string>;
  body: B;
  query: Q;
}

/** One REST route: who may call it, what it takes, what it does. */
export interface Route<B = unknown, Q = unknown> {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/admin/keys/:name`: a `:segment` is a parameter. */
  path: string;
  roles: readonly Role[] | 'public';
  /** JSON body schema; `'raw'` hands the handler the text (POST /events). */
  body?: z.ZodType<B> | 'raw';
  query?: z.ZodType<Q>;
  /** Largest body in bytes; routes default to the configured body limit. */
  maxBytes?: 'events' | 'default';
  /**
   * Reads of transcripts or personal data: every call, allowed or denied,
   * is a row in audit_log (`<action>` or `<action>.denied`).
   */
  audit?: { action: string; target: (ctx: { url: URL; params: Record<string, string> }) => string };
  handle(ctx: RouteContext<B, Q>): Promise<Response> | Response;
}

export const route = <B = undefined, Q = undefined>(r: Route<B, Q>): Route => r as unknown as Route;

/** A JSON answer whose shape the client's types (schemas.ts) promise: checked here at compile time. */
export const reply = <T>(body: T, status = 200): Response => Response.json(body, { status });
