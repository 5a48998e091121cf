import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../core/store/store.js';
import { DialwiseError } from '../core/errors.js';

export const ROLES = ['dialer', 'analyst', 'data_scientist', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  name: string;
  role: Role;
}

/** A key as an admin sees it: never the key itself, which is shown once, at creation. */
export interface ApiKeyInfo {
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

// Only a hash of each key is stored; the key itself is shown once, at creation.
const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const newApiKey = (): string => `dw_${randomBytes(24).toString('base64url')}`;

/** Bumped on every key change: remembered keys of that store are looked up again. */
const keyGenerations = new WeakMap<Store, number>();
const changed = (store: Store) => keyGenerations.set(store, (keyGenerations.get(store) ?? 0) + 1);

/** Registers `key` for `name` (replacing that name's old key) and returns it. */
export async function createApiKey(
  store: Store,
  name: string,
  role: Role,
  opts: { key?: string; expiresAt?: Date; createdBy?: string } = {},
): Promise<string> {
  if (!ROLES.includes(role)) {
    throw new DialwiseError('BAD_REQUEST', `unknown role "${role}"; roles: ${ROLES.join(', ')}`);
  }
  const key = opts.key ?? newApiKey();
  await store.transaction(async (tx) => {
    await tx.run('DELETE FROM api_keys WHERE name = ?', [name]);
    await tx.run(
      `INSERT INTO api_keys (key_hash, name, role, created_at, expires_at, revoked_at, created_by)
       VALUES (?, ?, ?, now(), ?::TIMESTAMPTZ, NULL, ?)`,
      [hashKey(key), name, role, opts.expiresAt?.toISOString() ?? null, opts.createdBy ?? null],
    );
  });
  changed(store);
  return key;
}

export async function listApiKeys(store: Store): Promise<ApiKeyInfo[]> {
  return store.query<ApiKeyInfo>(
    `SELECT name, role, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "createdAt",
       created_by AS "createdBy",
       strftime(expires_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "expiresAt",
       strftime(revoked_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "revokedAt"
     FROM api_keys ORDER BY name`,
  );
}

/** Revokes `name`'s key at once (every process of this store forgets it). */
export async function revokeApiKey(store: Store, name: string): Promise<ApiKeyInfo> {
  const [row] = await store.transaction((tx) =>
    tx.all<{ name: string }>(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE name = ? RETURNING name',
      [name],
    ),
  );
  if (!row) throw new DialwiseError('NOT_FOUND', `no API key named "${name}"`);
  changed(store);
  return (await listApiKeys(store)).find((k) => k.name === name)!;
}

/** Resolves `Authorization: Bearer <key>` to a live (unrevoked, unexpired) principal, or null. */
export async function authenticate(
  store: Store,
  header: string | null,
): Promise<(Principal & { expiresAt: number | null }) | null> {
  const m = /^Bearer\s+(\S{1,256})$/i.exec(header ?? '');
  if (!m) return null;
  const [row] = await store.query<Principal & { expiresAt: number | null }>(
    `SELECT name, role, epoch_ms(expires_at) AS "expiresAt" FROM api_keys
     WHERE key_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [hashKey(m[1]!)],
  );
  return row ? { ...row, expiresAt: row.expiresAt === null ? null : Number(row.expiresAt) } : null;
}

/**
 * authenticate() with known keys remembered: the dialer's turn-by-turn calls
 * must not each wait for a DuckDB query. Any key change (create, revoke)
 * forgets them all at once (only the process holding the DuckDB file changes
 * keys), an entry lapses at its key's expiry, and is looked up again after
 * `ttlMs` regardless. Unknown keys are looked up every time.
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
    const found = await authenticate(store, header);
    known.delete(header);
    if (!found) return null;
    const principal = { name: found.name, role: found.role };
    if (known.size >= 10_000) known.clear();
    const until = Math.min(clock() + ttlMs, found.expiresAt ?? Infinity);
    known.set(header, { principal, until, generation });
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
