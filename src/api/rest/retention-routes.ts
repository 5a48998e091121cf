import { z } from 'zod';
import { retentionReport } from '../../analytics/retention/index.js';
import { DialwiseError } from '../../core/errors.js';
import type { Route } from './routes.js';

/** The job's report, the customers whose personal data expired on the way, and the recordings deleted. */
const runReport = retentionReport
  .extend({ personalCleared: z.number().int(), recordingsRemoved: z.number().int() })
  .meta({ id: 'RetentionRun', description: 'What the retention job removed (or would).' });

export interface RetentionDeps {
  /** The retention job of the process that holds the DuckDB file; absent elsewhere. */
  retention?: (opts: { dryRun: boolean }) => Promise<z.infer<typeof runReport>>;
}

const runQuery = z.strictObject({ dry_run: z.enum(['true', 'false']).optional() });

/** POST /admin/retention/run[?dry_run=true]: the retention job now (admin, audited). */
export function retentionRoutes(deps: RetentionDeps): Route[] {
  const run: Route<undefined, z.infer<typeof runQuery>> = {
    method: 'POST',
    path: '/admin/retention/run',
    roles: ['admin'],
    query: runQuery,
    doc: {
      tag: 'admin',
      summary: 'Run the retention job now',
      description:
        "Deletes every row past its kind's period (archiving non-personal columns to Parquet where configured); `dry_run=true` only counts. Audited as `retention.run`.",
      responses: {
        200: { description: 'What was removed (or would be).', schema: runReport },
      },
      errors: ['NOT_FOUND'],
    },
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
