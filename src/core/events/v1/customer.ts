import { z } from 'zod';
import { envelope } from './common.js';

/**
 * CRM fields arrive already mapped to canonical snake_case names. `name` and
 * `phone` are personal data: the pipeline encrypts them before they are stored.
 */
export const customerUpdated = z.strictObject({
  ...envelope,
  type: z.literal('customer.updated'),
  fields: z
    .strictObject({
      name: z.string().min(1).max(200).optional(),
      phone: z
        .string()
        .regex(/^\+?[0-9 ()-]{5,24}$/, 'phone must be digits, spaces, +, - or ()')
        .optional(),
      region: z.string().optional(),
      industry: z.string().optional(),
      company_size: z.string().optional(),
      customer_tier: z.string().optional(),
      timezone: z.string().optional(),
    })
    .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()])),
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
