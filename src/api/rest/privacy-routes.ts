import { z } from 'zod';
import { idSchema } from '../../core/events/index.js';
import { DialwiseError } from '../../core/errors.js';
import type { ApiDeps } from '../server.js';
import type { Route } from './routes.js';
import { erasureReport, type ErasureReport } from './schemas.js';

/**
 * The routes of customers' data rights. POST /customers/:id/erase erases a
 * customer wherever their data lands and answers what went where (admin
 * only; audited as `customer.erase`, a denied call as `customer.erase.denied`).
 */
export function privacyRoutes(deps: Pick<ApiDeps, 'erase'>): Route[] {
  const erase: Route<undefined, undefined> = {
    method: 'POST',
    path: '/customers/:id/erase',
    roles: ['admin'],
    params: z.strictObject({ id: idSchema }),
    doc: {
      tag: 'admin',
      summary: 'Erase a customer wherever their data lands',
      description:
        'Profile, facts, transcripts, the search index, exported corrections and hot words; the consent changes are kept under a pseudonym without their evidence text, as the law requires. Audited as `customer.erase`.',
      responses: {
        200: { description: 'What was erased where, and what was kept.', schema: erasureReport },
      },
      errors: ['NOT_FOUND'],
    },
    audit: { action: 'customer.erase', target: ({ params }) => params.id ?? '' },
    async handle({ params, principal }) {
      if (!deps.erase) throw new DialwiseError('NOT_FOUND', 'this process erases nothing');
      const report: ErasureReport = await deps.erase(params.id!, principal!.name);
      return Response.json(report);
    },
  };
  return [erase as unknown as Route];
}
