/**
 * The contact record's routes: whether a sender may reach a customer now,
 * the do-not-call register's import, and the consent ledger with its proof
 * for an auditor.
 */
import type { z } from 'zod';
import { audit, consentExportOf } from '../../analytics/records/index.js';
import type { Clock } from '../../core/clock.js';
import type { DecisionEngine } from '../../decision/index.js';
import { COMPLIANCE, DIALER, type Principal } from '../auth.js';
import { campaignFor, requireCustomer } from '../scope.js';
import type { ApiDeps } from '../server.js';
import { reply, route, type Route } from './route.js';
import {
  checkRequest,
  consentExportQuery,
  dncImportRequest,
  type CheckResponse,
  type ConsentExport,
  type DncImportResponse,
} from './schemas.js';

/** The answer to POST /outreach/check (the route table's and the hot path's alike). */
export function outreachAnswer(
  engine: DecisionEngine,
  body: z.infer<typeof checkRequest>,
  by: Principal,
): CheckResponse {
  const { channel, purpose } = body;
  const campaignId = campaignFor(by, body.campaign_id);
  const e = engine.check(body.customer_id, { channel, purpose, campaignId });
  return e.ok
    ? { allowed: true, reason: null, detail: null }
    : { allowed: false, reason: e.reason, detail: e.detail };
}

export function contactRoutes(
  deps: ApiDeps & { clock: Clock },
  engine: () => DecisionEngine,
): Route[] {
  return [
    route<z.infer<typeof checkRequest>>({
      method: 'POST',
      path: '/outreach/check',
      roles: DIALER,
      body: checkRequest,
      async handle({ body, principal }) {
        await deps.readyFor?.(body.customer_id);
        return reply<CheckResponse>(outreachAnswer(engine(), body, principal!));
      },
    }),
    route<z.infer<typeof dncImportRequest>>({
      method: 'POST',
      path: '/dnc/import',
      roles: COMPLIANCE,
      body: dncImportRequest,
      async handle({ body, principal }) {
        const result = await deps.dnc.import(body, new Date(deps.clock.now()).toISOString());
        await audit(deps.store, principal!, 'dnc.import', `${body.source}:${body.listed_on}`);
        return reply<DncImportResponse>(result);
      },
    }),
    route<undefined, z.infer<typeof consentExportQuery>>({
      method: 'GET',
      path: '/consent/export',
      roles: COMPLIANCE,
      query: consentExportQuery,
      audit: {
        action: 'consent.export',
        target: ({ url }) => url.searchParams.get('customer_id') ?? '',
      },
      async handle({ query, principal }) {
        await requireCustomer(deps.store, principal!, query.customer_id);
        const ledger = (await deps.profile(query.customer_id))?.consent ?? {};
        const nowIso = new Date(deps.clock.now()).toISOString();
        const out = await consentExportOf(
          deps.store,
          query.customer_id,
          ledger,
          deps.unseal,
          nowIso,
        );
        return reply<ConsentExport>(out);
      },
    }),
  ];
}
