import { z } from 'zod';
import { envelope } from './common.js';

/**
 * CRM fields arrive already mapped to canonical snake_case names; null clears
 * a field. `name` and
 * `phone` are personal data: the pipeline encrypts them before they are stored.
 */
export const customerUpdated = z.strictObject({
  ...envelope,
  type: z.literal('customer.updated'),
  fields: z
    .strictObject({
      name: z.string().min(1).max(200).nullable().optional(),
      phone: z
        .string()
        .regex(/^\+?[0-9 ()-]{5,32}$/, 'phone must be digits, spaces, +, - or ()')
        .nullable()
        .optional(),
      region: z.string().nullable().optional(),
      industry: z.string().nullable().optional(),
      company_size: z.string().nullable().optional(),
      customer_tier: z.string().nullable().optional(),
      timezone: z.string().nullable().optional(),
    })
    .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** Source fields no mapping knew, kept aside as received. */
  unmapped: z.record(z.string(), z.unknown()).optional(),
});

export const webVisit = z.strictObject({
  ...envelope,
  type: z.literal('web.visit'),
  page: z.string().min(1),
  product: z.string().optional(),
});

export const consentChanged = z.strictObject({
  ...envelope,
  type: z.literal('consent.changed'),
  scope: z.enum(['call', 'sms', 'email', 'all']),
  granted: z.boolean(),
});
