/**
 * The answers of the operators' routes (health, keys, dead letters, the
 * clock), for the OpenAPI document; the dialer's and CRM's are in
 * schemas.ts, the client's contract.
 */
import { z } from 'zod';
import { problem } from '../../core/health.js';
import { listedDeadLetter } from '../../pipelines/index.js';
import { apiKeyInfo, keyFields } from '../auth.js';

/** GET /health */
export const healthResponse = z
  .object({
    status: z.enum(['ok', 'unhealthy']),
    bus: z.string(),
    /** What serves each model kind: "v3" (a registry version), "dir:…" or "baseline". */
    models: z.partialRecord(z.string(), z.string()),
    problems: z.array(problem),
  })
  .meta({ id: 'Health', description: 'Whether this process is well, and what serves each model.' });
export type HealthResponse = z.infer<typeof healthResponse>;

/** POST /admin/keys: a key for another system or person; the key is shown once, here. */
export const keyRequest = z.strictObject({
  name: keyFields.name,
  role: keyFields.role,
  expires_at: keyFields.expiresAt,
  expires_in_days: keyFields.expiresInDays,
  campaigns: keyFields.campaigns,
});

export const issuedKey = apiKeyInfo
  .extend({ key: z.string().describe('The key itself: shown this once, never again.') })
  .meta({ id: 'IssuedKey' });

export const keyList = z.object({ keys: z.array(apiKeyInfo) }).meta({ id: 'KeyList' });

/** GET /dead-letters: newest first; `before` the last id for the next page. */
export const deadLetterQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  before: z.coerce.number().int().positive().optional(),
});

export const deadLetterList = z
  .object({ deadLetters: z.array(listedDeadLetter) })
  .meta({ id: 'DeadLetterList' });

export const replayRequest = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1).max(1_000),
});

export const replayResponse = z
  .object({
    replayed: z.number().int(),
    /** Still invalid (or kept without their original), by id. */
    invalid: z.array(z.object({ id: z.number().int(), reason: z.string() })),
  })
  .meta({ id: 'ReplayResponse' });

/** POST /admin/scripts/current: a version loaded before, current again. */
export const scriptsCurrentRequest = z.strictObject({ version: z.string().trim().min(1) });

export const scriptsResponse = z
  .object({ version: z.string() })
  .meta({ id: 'ScriptsResponse', description: 'The version of the library now live.' });

export const clockRequest = z.strictObject({ to: z.iso.datetime({ offset: true }) });
export const clockResponse = z.object({ now: z.string() }).meta({ id: 'ClockResponse' });
