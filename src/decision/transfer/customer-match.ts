/** Lookups shared by the transfer triggers, the handoff and the hybrid plan. */
import type { CustomerView } from '../customer-view.js';

/** A value of a record read by a key that came from config or a model label. */
export const own = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** A CRM value a condition may list. */
export type CrmValue = string | number | boolean;

export const hasAnyTag = (customer: CustomerView, tags: readonly string[]): boolean =>
  tags.some((t) => customer.tags.includes(t));

export const crmHolds = (
  customer: CustomerView,
  field: string,
  values: readonly CrmValue[],
): boolean => {
  const v = own(customer.crm, field);
  return v !== undefined && v !== null && values.includes(v);
};
