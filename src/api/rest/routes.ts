import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { DialwiseError } from '../../core/errors.js';
import { eventSchema, parseEvent, type DialwiseEvent } from '../../core/events/index.js';
import {
  apiKeyInfo,
  DIALER,
  issueApiKey,
  keyFields,
  listApiKeys,
  withdrawApiKey,
} from '../auth.js';
import { deadLetterPage, sealedOriginals } from '../../pipelines/index.js';
import { FORWARDED_HEADER } from '../replicas.js';
import { postEvents } from './post-events.js';
import type { ApiDeps } from '../server.js';
import { clockRoutes } from './clock-routes.js';
import { contactRoutes } from './contact-routes.js';
import { decisionRoutes } from './decision-routes.js';
import { exportRoutes } from './export-routes.js';
import { reply, route, type Route } from './route.js';
import {
  botLineRequest,
  botLineResponse,
  customerUpdateRequest,
  customerUpdateResponse,
  eventsResponse,
  MAX_EVENTS_PER_REQUEST,
  type BotLineResponse,
  type CustomerUpdateResponse,
} from './schemas.js';
import {
  deadLetterList,
  deadLetterQuery,
  healthResponse,
  issuedKey,
  keyList,
  keyRequest,
  replayRequest,
  replayResponse,
  type HealthResponse,
} from './admin-schemas.js';

export type { Route };

/** Every REST route of the API, in one table. */
// eslint-disable-next-line max-lines-per-function -- table-like: one entry per route
export function restRoutes(deps: ApiDeps & { clock: Clock }): Route[] {
  const engine = () => {
    if (!deps.decisions)
      throw new DialwiseError('NOT_FOUND', 'the decision layer does not run in this process');
    return deps.decisions;
  };
  return [
    route({
      method: 'GET',
      path: '/health',
      roles: 'public',
      doc: {
        tag: 'meta',
        summary: 'Whether this process is well',
        description:
          'For load balancers and operators: 200 when nothing is failing, 503 with the failing components otherwise.',
        responses: {
          200: { description: 'Nothing is failing.', schema: healthResponse },
          503: {
            description: 'Some component is failing: `problems` says which.',
            schema: healthResponse,
          },
        },
      },
      handle() {
        const problems = deps.health.list();
        return reply<HealthResponse>(
          {
            status: problems.length ? 'unhealthy' : 'ok',
            bus: deps.busKind,
            models: deps.models.served(),
            problems,
          },
          problems.length ? 503 : 200,
        );
      },
    }),
    route<string>({
      method: 'POST',
      path: '/events',
      roles: DIALER,
      body: 'raw',
      maxBytes: 'events',
      doc: {
        tag: 'ingest',
        summary: 'Send events (one, or an array of up to 10,000)',
        description:
          'Call, dialog, CRM, web, consent and touch events (schema version 1). Valid events are taken in (202); each invalid one is dead-lettered with its reason and named by its index. 400 when none is valid.',
        bodySchema: z.union([eventSchema, z.array(eventSchema).max(MAX_EVENTS_PER_REQUEST)]),
        responses: {
          202: {
            description: 'Taken in; `rejected` names the invalid ones.',
            schema: eventsResponse,
          },
          400: {
            description: 'No event was valid (or the body is not JSON).',
            schema: eventsResponse,
          },
        },
      },
      handle: ({ body, principal, request }) =>
        postEvents(deps, body, principal!, request.headers.has(FORWARDED_HEADER)),
    }),
    route<z.infer<typeof customerUpdateRequest>>({
      method: 'POST',
      path: '/customer/update',
      roles: DIALER,
      body: customerUpdateRequest,
      doc: {
        tag: 'ingest',
        summary: "Update a customer's CRM fields",
        description:
          "Fields under the CRM's own names, mapped on arrival by config/crm-mapping.json; unmapped fields are kept sealed when personal. Taken in as a `customer.updated` event (202).",
        responses: {
          202: {
            description: 'Taken in: which fields mapped, which did not.',
            schema: customerUpdateResponse,
          },
        },
      },
      async handle({ body }) {
        const mapped = deps.mapCrm(body.fields);
        const parsed = parseEvent({
          event_id: body.event_id ?? randomUUID(),
          type: 'customer.updated',
          ts: body.ts ?? new Date(deps.clock.now()).toISOString(),
          schema_version: 1,
          customer_id: body.customer_id,
          fields: mapped.fields,
          ...(Object.keys(mapped.unmapped).length ? { unmapped: mapped.unmapped } : {}),
        });
        if (!parsed.ok) throw new DialwiseError('BAD_REQUEST', parsed.reason);
        await deps.submit([parsed.event], []);
        return reply<CustomerUpdateResponse>(
          {
            event_id: parsed.event.event_id,
            mapped: Object.keys(mapped.fields),
            unmapped: Object.keys(mapped.unmapped),
            errors: mapped.errors,
          },
          202,
        );
      },
    }),
    route<{ text: string }>({
      method: 'POST',
      path: '/compliance/bot-line',
      roles: DIALER,
      body: botLineRequest,
      doc: {
        tag: 'contact',
        summary: 'Check a line before the bot says it',
        description:
          'The compliance rules (guaranteed returns, pressure, false claims) on one line; `allowed` false names each hit and where it is.',
        responses: { 200: { description: 'Allowed, or the hits.', schema: botLineResponse } },
      },
      handle({ body }) {
        const hits = deps.checkBotLine(body.text);
        return reply<BotLineResponse>({ allowed: hits.length === 0, hits });
      },
    }),
    route({
      method: 'GET',
      path: '/metrics',
      roles: ['admin'],
      doc: {
        tag: 'meta',
        summary: 'Prometheus metrics',
        description: 'The text exposition format, for a Prometheus scrape.',
        responses: { 200: { description: 'The metrics.', type: 'text/plain' } },
      },
      async handle() {
        return new Response(await deps.metrics.metrics(), {
          headers: { 'content-type': deps.metrics.contentType },
        });
      },
    }),
    route<undefined, z.infer<typeof deadLetterQuery>>({
      method: 'GET',
      path: '/dead-letters',
      roles: ['admin'],
      query: deadLetterQuery,
      doc: {
        tag: 'admin',
        summary: 'List dead letters, newest first',
        description:
          'Events the pipeline refused, with the reason and the payload redacted (the original is kept sealed for a replay). Page with `before`: the last id seen.',
        responses: { 200: { description: 'A page of dead letters.', schema: deadLetterList } },
      },
      async handle({ query }) {
        const deadLetters = await deadLetterPage(deps.store, query);
        return reply<z.infer<typeof deadLetterList>>({ deadLetters });
      },
    }),
    route<{ ids: number[] }>({
      method: 'POST',
      path: '/dead-letters/replay',
      roles: ['admin'],
      body: replayRequest,
      doc: {
        tag: 'admin',
        summary: 'Replay dead letters',
        description:
          'Parses the sealed originals again (after a schema or mapping fix) and takes in those now valid; the rest stay, with their reason. Ids that do not exist are left out.',
        responses: {
          200: {
            description: 'How many went in, which are still invalid.',
            schema: replayResponse,
          },
        },
      },
      audit: { action: 'dead_letters.replay', target: () => 'dead_letters' },
      async handle({ body }) {
        const rows = await sealedOriginals(deps.store, body.ids);
        const valid: DialwiseEvent[] = [];
        const still: { id: number; reason: string }[] = [];
        for (const r of rows) {
          const r2 = r.sealed
            ? parseEvent(deps.unseal(r.sealed))
            : { ok: false as const, reason: 'the original was not kept (stored before sealing)' };
          if (r2.ok) valid.push(r2.event);
          else still.push({ id: r.id, reason: r2.reason });
        }
        await deps.submit(valid, []);
        return reply<z.infer<typeof replayResponse>>({ replayed: valid.length, invalid: still });
      },
    }),
    route({
      method: 'GET',
      path: '/admin/keys',
      roles: ['admin'],
      doc: {
        tag: 'admin',
        summary: 'List API keys',
        description: 'Every key with its role, scope and state; never the key itself.',
        responses: { 200: { description: 'The keys.', schema: keyList } },
      },
      handle: async () => reply<z.infer<typeof keyList>>({ keys: await listApiKeys(deps.store) }),
    }),
    route<z.infer<typeof keyRequest>>({
      method: 'POST',
      path: '/admin/keys',
      roles: ['admin'],
      body: keyRequest,
      doc: {
        tag: 'admin',
        summary: 'Issue an API key',
        description:
          'A key for a system or person, with one role, optionally an expiry (within 10 years) and the campaigns it may see (not for admin). Issuing a name again replaces its key. The key is in this answer only. Audited as `api_key.created`.',
        responses: { 201: { description: 'The key, shown once.', schema: issuedKey } },
      },
      async handle({ body, principal }) {
        const issued = await issueApiKey(
          deps.store,
          principal!,
          {
            name: body.name,
            role: body.role,
            expiresAt: body.expires_at,
            expiresInDays: body.expires_in_days,
            campaigns: body.campaigns,
          },
          deps.clock,
        );
        return reply<z.infer<typeof issuedKey>>(issued, 201);
      },
    }),
    route({
      method: 'DELETE',
      path: '/admin/keys/:name',
      roles: ['admin'],
      params: z.strictObject({ name: keyFields.name }),
      doc: {
        tag: 'admin',
        summary: 'Revoke an API key',
        description:
          'The key stops working at once, on every process; a key cannot revoke itself. Audited as `api_key.revoked`.',
        responses: { 200: { description: 'The key as revoked.', schema: apiKeyInfo } },
        errors: ['NOT_FOUND', 'CONFLICT'],
      },
      handle: async ({ params, principal }) =>
        Response.json(await withdrawApiKey(deps.store, principal!, params.name!)),
    }),
    ...exportRoutes(deps),
    ...decisionRoutes(deps, engine),
    ...contactRoutes(deps, engine),
    ...clockRoutes(deps.clock),
  ];
}
