/** The shape of a REST route and the helpers the route tables build them with. */
import type { z } from 'zod';
import type { ErrorCode } from '../../core/errors.js';
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

/** The groups of the reference, in its order. */
export const ROUTE_TAGS = {
  dialer: 'The live dialer and voice bot: turns, whom to call, transfers, agents',
  contact: 'Whether a customer may be reached, consent and the do-not-call register',
  ingest: 'Events and CRM updates into the pipeline',
  export: 'Facts and KPIs for analysts and data scientists',
  admin: 'Keys, scripts, dead letters, retention, erasure, the clock',
  customer: "The customer's own consent page (public: the link is the credential)",
  slack: "Slack's interactive buttons (public: Slack's signature is the credential)",
  meta: 'Health, metrics and this reference',
} as const;
export type RouteTag = keyof typeof ROUTE_TAGS;

/** One answer a route gives: JSON with its schema, another type, or no body. */
export interface Answer {
  description: string;
  /** The JSON body's schema. */
  schema?: z.ZodType;
  /** Content types other than JSON, each with an optional schema for its fields (a form, a file). */
  type?: string | readonly string[];
}

/** A documented call, in Chinese or English: what is sent and what comes back (examples.ts). */
export interface Example {
  summary: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** The answer, with the success status (or `status`, where the example shows another). */
  response?: unknown;
  status?: number;
}

/** What the reference says of a route (the OpenAPI document is built from it). */
export interface RouteDoc {
  tag: RouteTag;
  summary: string;
  description?: string;
  /** Answers by status: the success first. Refusals every route of its kind gives are added. */
  responses: Record<number, Answer>;
  /** Refusals this route gives beyond those (a missing call, a process without the feature). */
  errors?: readonly ErrorCode[];
  /** The body's schema where `body` is `'raw'` or validated further in (events, script libraries). */
  bodySchema?: z.ZodType;
  /** The body's type when it is not JSON. */
  bodyType?: string;
}

/** One REST route: who may call it, what it takes, what it does. */
export interface Route<B = unknown, Q = unknown> {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/admin/keys/:name`: a `:segment` is a parameter. */
  path: string;
  roles: readonly Role[] | 'public';
  /** JSON body schema; `'raw'` hands the handler the text (POST /events), `'bytes'` the bytes (a recording). */
  body?: z.ZodType<B> | 'raw' | 'bytes';
  query?: z.ZodType<Q>;
  /** The path's `:segment` parameters, each with its rules (absent: any non-empty segment). */
  params?: z.ZodObject;
  /** Largest body in bytes; routes default to the configured body limit. */
  maxBytes?: 'events' | 'recording' | 'default';
  /**
   * Reads of transcripts or personal data: every call, allowed or denied,
   * is a row in audit_log (`<action>` or `<action>.denied`).
   */
  audit?: { action: string; target: (ctx: { url: URL; params: Record<string, string> }) => string };
  doc: RouteDoc;
  handle(ctx: RouteContext<B, Q>): Promise<Response> | Response;
}

export const route = <B = undefined, Q = undefined>(r: Route<B, Q>): Route => r as unknown as Route;

/** A JSON answer whose shape the client's types (schemas.ts) promise: checked here at compile time. */
export const reply = <T>(body: T, status = 200): Response => Response.json(body, { status });
