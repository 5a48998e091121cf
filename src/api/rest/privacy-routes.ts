import { DialwiseError } from '../../core/errors.js';
import type { ApiDeps } from '../server.js';
import type { Route } from './routes.js';
import type { ErasureReport } from './schemas.js';

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
    audit: { action: 'customer.erase', target: ({ params }) => params.id ?? '' },
    async handle({ params, principal }) {
      if (!deps.erase) throw new DialwiseError('NOT_FOUND', 'this process erases nothing');
      const report: ErasureReport = await deps.erase(params.id!, principal!.name);
      return Response.json(report);
    },
  };
  return [erase as unknown as Route];
}
