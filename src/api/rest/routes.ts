import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  type Dimension,
  DIMENSIONS,
  exportKpis,
  FILTER_DIMENSIONS,
} from '../../analytics/kpis/index.js';
import type { Clock } from '../../core/clock.js';
import { DialwiseError } from '../../core/errors.js';
import { LIMITS, parseEvent, type DialwiseEvent } from '../../core/events/index.js';
import { ANALYSTS, DIALER, issueApiKey, listApiKeys, withdrawApiKey, type Role } from '../auth.js';
import { deadLetterPage, sealedOriginals } from '../../pipelines/index.js';
import { FORWARDED_HEADER } from '../replicas.js';
import { postEvents } from './post-events.js';
import type { ApiDeps } from '../server.js';
import { campaignsOf } from '../scope.js';
import { clockRoutes } from './clock-routes.js';
import { contactRoutes } from './contact-routes.js';
import { decisionRoutes } from './decision-routes.js';
import { reply, route, type Route } from './route.js';
import {
  botLineRequest,
  customerUpdateRequest,
  type BotLineResponse,
  type CustomerUpdateResponse,
} from './schemas.js';

export type { Route };

const whereQuery = Object.fromEntries(
  FILTER_DIMENSIONS.map((d) => [DIMENSIONS[d], z.string().min(1).max(LIMITS.label).optional()]),
);
const dimension = z.enum(Object.keys(DIMENSIONS) as [Dimension, ...Dimension[]]);
const exportQuery = z.strictObject({
  /** The dimension the rows are by (REGION when absent); `by` is the same, its older name. */
  dimension: dimension.optional(),
  by: dimension.optional(),
  format: z.enum(['csv', 'parquet']).default('csv'),
  /** The zone of the hour of day (by=HOUR); default the reporting zone. */
  tz: z.string().max(64).optional(),
  /** A UTF-8 byte-order mark before a CSV (Excel on Chinese Windows needs it). */
  bom: z.enum(['true', 'false']).default('false'),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  ...whereQuery,
});

/** POST /admin/keys: the key's rules are issueApiKey's. */
const keyRequest = z.strictObject({
  name: z.string(),
  role: z.string(),
  /** When the key stops working (ISO 8601), or days from now. */
  expires_at: z.string().optional(),
  expires_in_days: z.number().optional(),
  /** The campaigns the key may see (not for admin); absent: every campaign. */
  campaigns: z.array(z.string()).optional(),
});

/** A dead letter's id as stored (BIGINT), sorted as a number. */
const deadLetterQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  before: z.coerce.number().int().positive().optional(),
});

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
      handle() {
        const problems = deps.health.list();
        return Response.json(
          {
            status: problems.length ? 'unhealthy' : 'ok',
            bus: deps.busKind,
            // What serves each model kind: "v3" (a registry version), "dir:…" or "baseline".
            models: deps.models.served(),
            problems,
          },
          { status: problems.length ? 503 : 200 },
        );
      },
    }),
    route<string>({
      method: 'POST',
      path: '/events',
      roles: DIALER,
      body: 'raw',
      maxBytes: 'events',
      handle: ({ body, principal, request }) =>
        postEvents(deps, body, principal!, request.headers.has(FORWARDED_HEADER)),
    }),
    route<z.infer<typeof customerUpdateRequest>>({
      method: 'POST',
      path: '/customer/update',
      roles: DIALER,
      body: customerUpdateRequest,
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
      handle({ body }) {
        const hits = deps.checkBotLine(body.text);
        return reply<BotLineResponse>({ allowed: hits.length === 0, hits });
      },
    }),
    route({
      method: 'GET',
      path: '/metrics',
      roles: ['admin'],
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
      async handle({ query }) {
        const deadLetters = await deadLetterPage(deps.store, query);
        return Response.json({ deadLetters });
      },
    }),
    route<{ ids: number[] }>({
      method: 'POST',
      path: '/dead-letters/replay',
      roles: ['admin'],
      body: z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(1_000) }),
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
        return Response.json({ replayed: valid.length, invalid: still });
      },
    }),
    route<undefined, z.infer<typeof exportQuery>>({
      method: 'GET',
      path: '/export/kpis',
      roles: ANALYSTS,
      query: exportQuery,
      async handle({ query, principal }) {
        const { format, from, to } = query;
        const by = query.dimension ?? query.by ?? 'REGION';
        const timeZone = query.tz ?? deps.reportingTimeZone;
        const bom = query.bom === 'true';
        const campaigns = campaignsOf(principal);
        const where = Object.fromEntries(
          FILTER_DIMENSIONS.filter((d) => query[DIMENSIONS[d] as keyof typeof query]).map((d) => [
            d,
            String(query[DIMENSIONS[d] as keyof typeof query]),
          ]),
        );
        const dir = await mkdtemp(join(tmpdir(), 'dialwise-export-'));
        try {
          const file = join(dir, `kpis.${format}`);
          await exportKpis(
            deps.store,
            { dimension: by, format, from, to, where, campaigns, timeZone, bom },
            file,
            deps.costs,
          );
          return new Response(await readFile(file), {
            headers: {
              'content-type':
                format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet',
              'content-disposition': `attachment; filename="kpis-${by.toLowerCase()}.${format}"`,
            },
          });
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    }),
    route({
      method: 'GET',
      path: '/admin/keys',
      roles: ['admin'],
      handle: async () => Response.json({ keys: await listApiKeys(deps.store) }),
    }),
    route<z.infer<typeof keyRequest>>({
      method: 'POST',
      path: '/admin/keys',
      roles: ['admin'],
      body: keyRequest,
      async handle({ body, principal }) {
        const issued = await issueApiKey(
          deps.store,
          principal!,
          {
            name: body.name,
            role: body.role as Role,
            expiresAt: body.expires_at,
            expiresInDays: body.expires_in_days,
            campaigns: body.campaigns,
          },
          deps.clock,
        );
        return Response.json(issued, { status: 201 });
      },
    }),
    route({
      method: 'DELETE',
      path: '/admin/keys/:name',
      roles: ['admin'],
      handle: async ({ params, principal }) =>
        Response.json(await withdrawApiKey(deps.store, principal!, params.name!)),
    }),
    ...decisionRoutes(deps, engine),
    ...contactRoutes(deps, engine),
    ...clockRoutes(deps.clock),
  ];
}
