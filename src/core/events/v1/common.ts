import { z } from 'zod';

/** Fields every event carries. `ts` is event time (ISO 8601 with offset). */
export const envelope = {
  event_id: z.string().min(8).max(128),
  ts: z.iso.datetime({ offset: true }),
  schema_version: z.literal(1),
  customer_id: z.string().min(1).max(64),
};

export const callRef = { call_id: z.string().min(1).max(64) };
