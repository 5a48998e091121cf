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
  checkResponse,
  consentExport,
  consentExportQuery,
  dncImportRequest,
  dncImportResponse,
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
      doc: {
        tag: 'contact',
        summary: 'May this customer be reached on this channel now?',
        description:
          "The hard rules in order: do-not-call, consent for the channel and purpose, at most 3 contacts a week (and per channel), the calling window in the customer's time zone. 200 either way: `reason` is the first rule that failed.",
        responses: { 200: { description: 'Allowed, or why not.', schema: checkResponse } },
      },
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
      doc: {
        tag: 'contact',
        summary: 'Import a do-not-call register',
        description:
          "Up to 10,000 phones per request (the CLI splits larger registers), with the register's name and listing date. A listed phone is refused on the very next check. Audited as `dnc.import`.",
        responses: {
          200: {
            description: 'What was new, listed already or not a phone.',
            schema: dncImportResponse,
          },
        },
      },
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
      doc: {
        tag: 'contact',
        summary: "A customer's consent ledger and its proof, for an auditor",
        description:
          'The state per channel and purpose now, and every change newest first with its source and the words that carried it (opened from the sealed store).',
        responses: { 200: { description: 'The ledger.', schema: consentExport } },
        errors: ['NOT_FOUND'],
      },
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
