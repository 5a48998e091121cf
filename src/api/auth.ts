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

/** Bumped on every key change: remembered keys of that store are looked up again. */
const keyGenerations = new WeakMap<Store, number>();

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
  keyGenerations.set(store, (keyGenerations.get(store) ?? 0) + 1);
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

/**
 * authenticate() with known keys remembered: the dialer's turn-by-turn calls
 * must not each wait for a DuckDB query. Any key change through createApiKey
 * forgets them all at once (only the process holding the DuckDB file can
 * change keys), and an entry is looked up again after `ttlMs` regardless.
 * Unknown keys are looked up every time.
 */
export function cachedAuthenticator(
  store: Store,
  ttlMs = 60_000,
  clock: () => number = Date.now,
): (header: string | null) => Promise<Principal | null> {
  const known = new Map<string, { principal: Principal; until: number; generation: number }>();
  return async (header) => {
    if (header === null) return null;
    const generation = keyGenerations.get(store) ?? 0;
    const hit = known.get(header);
    if (hit && hit.until > clock() && hit.generation === generation) return hit.principal;
    const principal = await authenticate(store, header);
    known.delete(header);
    if (principal) {
      if (known.size >= 10_000) known.clear();
      known.set(header, { principal, until: clock() + ttlMs, generation });
    }
    return principal;
  };
}

export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!allowed.includes(principal.role)) {
    throw new DialwiseError(
      'FORBIDDEN',
      `role "${principal.role}" may not do this; allowed: ${allowed.join(', ')}`,
    );
  }
}
