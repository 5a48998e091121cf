/**
 * Access scoped by campaign: an outsourced call centre runs several clients
 * on one platform, and a key of campaign A sees no KPI, customer, call,
 * transcript or alert of campaign B. A principal without campaigns sees
 * everything. One place decides, for every route and resolver:
 *
 * - a call or decision belongs to its campaign_id;
 * - a customer belongs to every campaign that called or messaged them (a
 *   call or a touch with that campaign_id);
 * - what is platform-wide (dead letters, metrics, ingest counters, the live
 *   experiments) is closed to a scoped key.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { DialwiseError } from '../core/errors.js';
import type { Store } from '../core/store/store.js';
import type { Principal } from './auth.js';

/** The campaigns a principal may see; undefined: all. */
export const campaignsOf = (p: Principal | undefined): readonly string[] | undefined =>
  p?.campaigns;

/**
 * The campaign a scoped principal acts for: the one asked for, which must be
 * theirs, or their only one when none is asked for. Unscoped: as asked.
 */
export function campaignFor(p: Principal, asked: string | null | undefined): string | undefined {
  const mine = p.campaigns;
  if (!mine) return asked ?? undefined;
  if (asked == null) {
    if (mine.length === 1) return mine[0];
    throw new DialwiseError(
      'BAD_REQUEST',
      `campaign_id is required: this key sees ${mine.join(', ')}`,
    );
  }
  if (!mine.includes(asked))
    throw new DialwiseError('FORBIDDEN', `this key does not see campaign "${asked}"`);
  return asked;
}

/** A dialog turn as a scoped bot may send it: for one of its campaigns (named, or its only one). */
export const scopedTurn = <T extends { campaign_id?: string | undefined }>(
  p: Principal,
  t: T,
): T => (p.campaigns ? { ...t, campaign_id: campaignFor(p, t.campaign_id) } : t);

/** Refuses a scoped principal what is platform-wide. */
export function requireUnscoped(p: Principal, what: string): void {
  if (p.campaigns)
    throw new DialwiseError(
      'FORBIDDEN',
      `${what} spans every campaign: not for a campaign-scoped key`,
    );
}

/** A SQL condition on a campaign column ("TRUE" unscoped), with its parameters. */
export function campaignSql(
  p: Principal | undefined,
  column: string,
): { sql: string; params: DuckDBValue[] } {
  const mine = p?.campaigns;
  if (!mine) return { sql: 'TRUE', params: [] };
  return { sql: `${column} IN (${mine.map(() => '?').join(', ')})`, params: [...mine] };
}

/** A SQL condition that `column` (a call id) is a call of the principal's campaigns. */
export function callSql(
  p: Principal | undefined,
  column: string,
): { sql: string; params: DuckDBValue[] } {
  const own = campaignSql(p, 'campaign_id');
  if (own.sql === 'TRUE') return own;
  return { sql: `${column} IN (SELECT call_id FROM calls WHERE ${own.sql})`, params: own.params };
}

/** A SQL condition that `column` (a customer id) is a customer of the principal's campaigns. */
export function customerSql(
  p: Principal | undefined,
  column: string,
): { sql: string; params: DuckDBValue[] } {
  const mine = p?.campaigns;
  if (!mine) return { sql: 'TRUE', params: [] };
  const list = mine.map(() => '?').join(', ');
  return {
    sql: `${column} IN (SELECT customer_id FROM calls WHERE campaign_id IN (${list})
      UNION SELECT customer_id FROM touches WHERE campaign_id IN (${list}))`,
    params: [...mine, ...mine],
  };
}

/** Whether the customer is one of the principal's campaigns' (always, unscoped). */
export async function seesCustomer(
  store: Store,
  p: Principal,
  customerId: string,
): Promise<boolean> {
  if (!p.campaigns) return true;
  const where = customerSql(p, '?');
  const [row] = await store.query<{ ok: boolean }>(`SELECT ${where.sql} AS ok`, [
    customerId,
    ...where.params,
  ]);
  return row?.ok === true;
}

/** NOT_FOUND (as for a customer who does not exist) unless the principal sees the customer. */
export async function requireCustomer(
  store: Store,
  p: Principal,
  customerId: string,
): Promise<void> {
  if (!(await seesCustomer(store, p, customerId)))
    throw new DialwiseError('NOT_FOUND', `no customer ${customerId}`);
}
