import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../core/store/store.js';
import { DialwiseError } from '../core/errors.js';

export const ROLES = ['dialer', 'analyst', 'data_scientist', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  name: string;
  role: Role;
}

// Only a hash of each key is stored; the key itself is shown once, at creation.
const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const newApiKey = (): string => `dw_${randomBytes(24).toString('base64url')}`;

/** Registers `key` for `name` (replacing that name's old key) and returns it. */
export async function createApiKey(
  store: Store,
  name: string,
  role: Role,
  key = newApiKey(),
): Promise<string> {
  if (!ROLES.includes(role)) {
    throw new DialwiseError('BAD_REQUEST', `unknown role "${role}"; roles: ${ROLES.join(', ')}`);
  }
  await store.transaction(async (tx) => {
    await tx.run('DELETE FROM api_keys WHERE name = ?', [name]);
    await tx.run('INSERT INTO api_keys VALUES (?, ?, ?, now())', [hashKey(key), name, role]);
  });
  return key;
}

/** Resolves `Authorization: Bearer <key>` to a principal, or null. */
export async function authenticate(store: Store, header: string | null): Promise<Principal | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const [row] = await store.query<Principal>('SELECT name, role FROM api_keys WHERE key_hash = ?', [
    hashKey(m[1]!),
  ]);
  return row ?? null;
}

export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!allowed.includes(principal.role)) {
    throw new DialwiseError(
      'FORBIDDEN',
      `role "${principal.role}" may not do this; allowed: ${allowed.join(', ')}`,
    );
  }
}
