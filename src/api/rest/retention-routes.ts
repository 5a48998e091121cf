import { z } from 'zod';
import type { RetentionReport } from '../../analytics/retention/index.js';
import { DialwiseError } from '../../core/errors.js';
import type { Route } from './routes.js';

export interface RetentionDeps {
  /** The retention job of the process that holds the DuckDB file; absent elsewhere. */
  retention?: (opts: { dryRun: boolean }) => Promise<RetentionReport>;
}

const runQuery = z.strictObject({ dry_run: z.enum(['true', 'false']).optional() });

/** POST /admin/retention/run[?dry_run=true]: the retention job now (admin, audited). */
export function retentionRoutes(deps: RetentionDeps): Route[] {
  const run: Route<undefined, z.infer<typeof runQuery>> = {
    method: 'POST',
    path: '/admin/retention/run',
    roles: ['admin'],
    query: runQuery,
    audit: {
      action: 'retention.run',
      target: ({ url }) => (url.searchParams.get('dry_run') === 'true' ? 'dry run' : 'run'),
    },
    async handle({ query }) {
      if (!deps.retention)
        throw new DialwiseError('NOT_FOUND', 'retention does not run in this process');
      return Response.json(await deps.retention({ dryRun: query.dry_run === 'true' }));
    },
  };
  return [run as unknown as Route];
}
