import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../analytics/records/index.js';
import { systemClock, type Clock } from '../core/clock.js';
import { DialwiseError } from '../core/errors.js';
import { labelSchema } from '../core/events/index.js';
import type { Store } from '../core/store/store.js';

/** `agent`: a call-centre agent, who only opens calls to correct what the bot misheard. */
export const ROLES = [
  'dialer',
  'analyst',
  'data_scientist',
  'compliance',
  'admin',
  'agent',
] as const;
export type Role = (typeof ROLES)[number];

/** Who may do what, by group: the REST routes and GraphQL resolvers share these. */
export const DIALER: readonly Role[] = ['dialer', 'admin'];
export const ANALYSTS: readonly Role[] = ['analyst', 'data_scientist', 'compliance', 'admin'];
export const PROFILE_READERS: readonly Role[] = [...ANALYSTS, 'dialer'];
export const COMPLIANCE: readonly Role[] = ['compliance', 'admin'];
/** Who may propose a script version; COMPLIANCE approve it (never their own). */
export const SCRIPT_AUTHORS: readonly Role[] = ['analyst', 'admin'];
/** Live calls' words: the bot and agent desktop (dialer), compliance and admin. */
export const LIVE_READERS: readonly Role[] = ['dialer', 'compliance', 'admin'];
/** Who opens a stored call's turns (audited) to correct them, and sees the corrections: agents, compliance and admin. */
export const CORRECTORS: readonly Role[] = ['agent', 'compliance', 'admin'];

export interface Principal {
  name: string;
  role: Role;
  /**
   * The campaigns this key may see (an outsourced centre's client); absent:
   * every campaign. An admin key is never scoped.
   */
  campaigns?: readonly string[] | undefined;
}

/** A key as an admin sees it: never the key itself, which is shown once, at creation. */
export const apiKeyInfo = z
  .object({
    name: z.string(),
    role: z.enum(ROLES),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    /** null: every campaign. */
    campaigns: z.array(z.string()).nullable(),
  })
  .meta({ id: 'ApiKey', description: 'A key as an admin sees it (never the key itself).' });
export type ApiKeyInfo = z.infer<typeof apiKeyInfo>;

// Only a hash of each key is stored; the key itself is shown once, at creation.
const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const newApiKey = (): string => `dw_${randomBytes(24).toString('base64url')}`;

/** Bumped on every key change: remembered keys of that store are looked up again. */
const keyGenerations = new WeakMap<Store, number>();
const changed = (store: Store) => keyGenerations.set(store, (keyGenerations.get(store) ?? 0) + 1);

/** A key as stored, as the decision replicas share it: the key's hash, never the key. */
export interface ApiKeyRow {
  key_hash: string;
  name: string;
  role: Role;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  created_by: string | null;
  campaigns: string | null;
}

/** Told of each key created or revoked here, once stored; awaited (a replica shares it). */
const keyListeners = new WeakMap<Store, (row: ApiKeyRow) => Promise<void>>();
export const onApiKeyChange = (store: Store, listener: (row: ApiKeyRow) => Promise<void>) =>
  keyListeners.set(store, listener);

const ISO = (column: string) => `strftime(${column}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${column}`;

/** Stored, then told to the store's listener. */
async function keyChanged(store: Store, name: string): Promise<void> {
  changed(store);
  const listener = keyListeners.get(store);
  if (!listener) return;
  const [row] = await store.query<ApiKeyRow>(
    `SELECT key_hash, name, role, ${ISO('created_at')}, ${ISO('expires_at')},
       ${ISO('revoked_at')}, created_by, campaigns FROM api_keys WHERE name = ?`,
    [name],
  );
  if (row) await listener(row);
}

/** A key another replica created or revoked: its row replaces the name's, and nothing is told. */
export async function putApiKeyRow(store: Store, row: ApiKeyRow): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.run('DELETE FROM api_keys WHERE name = ?', [row.name]);
    await tx.run(
      `INSERT INTO api_keys (key_hash, name, role, created_at, expires_at, revoked_at, created_by,
         campaigns)
       VALUES (?, ?, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?)`,
      [row.key_hash, row.name, row.role, row.created_at, row.expires_at, row.revoked_at].concat([
        row.created_by,
        row.campaigns,
      ]),
    );
  });
  changed(store);
}

/** Registers `key` for `name` (replacing that name's old key) and returns it. */
export async function createApiKey(
  store: Store,
  name: string,
  role: Role,
  opts: {
    key?: string;
    expiresAt?: Date;
    createdBy?: string;
    campaigns?: readonly string[] | undefined;
  } = {},
): Promise<string> {
  if (!ROLES.includes(role)) {
    throw new DialwiseError('BAD_REQUEST', `unknown role "${role}"; roles: ${ROLES.join(', ')}`);
  }
  const key = opts.key ?? newApiKey();
  await store.transaction(async (tx) => {
    await tx.run('DELETE FROM api_keys WHERE name = ?', [name]);
    await tx.run(
      `INSERT INTO api_keys (key_hash, name, role, created_at, expires_at, revoked_at, created_by,
         campaigns)
       VALUES (?, ?, ?, now(), ?::TIMESTAMPTZ, NULL, ?, ?)`,
      [
        hashKey(key),
        name,
        role,
        opts.expiresAt?.toISOString() ?? null,
        opts.createdBy ?? null,
      ].concat([opts.campaigns ? JSON.stringify(opts.campaigns) : null]),
    );
  });
  await keyChanged(store, name);
  return key;
}

export async function listApiKeys(store: Store): Promise<ApiKeyInfo[]> {
  const rows = await store.query<Omit<ApiKeyInfo, 'campaigns'> & { campaigns: string | null }>(
    `SELECT name, role, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "createdAt",
       created_by AS "createdBy",
       strftime(expires_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "expiresAt",
       strftime(revoked_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "revokedAt", campaigns
     FROM api_keys ORDER BY name`,
  );
  return rows.map((r) => ({ ...r, campaigns: campaignsOf(r.campaigns) ?? null }));
}

const campaignsOf = (json: string | null): string[] | undefined =>
  json === null ? undefined : (JSON.parse(json) as string[]);

/** Revokes `name`'s key at once (every process of this store forgets it). */
export async function revokeApiKey(store: Store, name: string): Promise<ApiKeyInfo> {
  const [row] = await store.transaction((tx) =>
    tx.all<{ name: string }>(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE name = ? RETURNING name',
      [name],
    ),
  );
  if (!row) throw new DialwiseError('NOT_FOUND', `no API key named "${name}"`);
  await keyChanged(store, name);
  return (await listApiKeys(store)).find((k) => k.name === name)!;
}

const DAY = 86_400_000;

/** What an admin asks for when issuing a key (REST, GraphQL and the CLI alike). */
/** A new key's fields (the REST body names them in snake case). */
export const keyFields = {
  name: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'letters, digits, dot, dash, underscore or @, at most 64'),
  role: z.enum(ROLES),
  /** When the key stops working (ISO 8601), or days from now; within 10 years. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  expiresInDays: z.number().positive().max(3_650).optional(),
  /** The campaigns the key may see; absent: every campaign. */
  campaigns: z.array(labelSchema).min(1).max(100).optional(),
};

const keySpec = z.strictObject(keyFields).refine((k) => !(k.campaigns && k.role === 'admin'), {
  message: 'an admin key sees every campaign: campaigns are for other roles',
  path: ['campaigns'],
});

/**
 * Issues a key on an admin's request: validated, the name's old key
 * replaced, the change audited. The key is in the answer, once; its expiry
 * is counted from the clock's now.
 */
export async function issueApiKey(
  store: Store,
  by: Principal,
  spec: z.input<typeof keySpec>,
  clock: Clock = systemClock,
): Promise<ApiKeyInfo & { key: string }> {
  const r = keySpec.safeParse(spec);
  if (!r.success)
    throw new DialwiseError(
      'BAD_REQUEST',
      r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  const { name, role, expiresAt, expiresInDays, campaigns } = r.data;
  const now = clock.now();
  const until = expiresAt
    ? new Date(expiresAt)
    : expiresInDays !== undefined
      ? new Date(now + expiresInDays * DAY)
      : undefined;
  if (until && !(until.getTime() > now && until.getTime() < now + 3_650 * DAY))
    throw new DialwiseError('BAD_REQUEST', 'expiresAt: must be in the next 10 years');
  const key = await createApiKey(store, name, role, {
    ...(until && { expiresAt: until }),
    createdBy: by.name,
    campaigns,
  });
  const scope = campaigns ? `:${campaigns.join(',')}` : '';
  await audit(store, by, 'api_key.created', `${name}:${role}${scope}`);
  return { ...(await listApiKeys(store)).find((k) => k.name === name)!, key };
}

/** Revokes `name`'s key on an admin's request, audited. */
export async function withdrawApiKey(
  store: Store,
  by: Principal,
  name: string,
): Promise<ApiKeyInfo> {
  // An admin who revoked their own key would lock themselves out mid-task.
  if (name === by.name)
    throw new DialwiseError('CONFLICT', 'a key cannot revoke itself: use another admin key');
  const info = await revokeApiKey(store, name);
  await audit(store, by, 'api_key.revoked', name);
  return info;
}

/** Resolves `Authorization: Bearer <key>` to a live (unrevoked, unexpired) principal, or null. */
export async function authenticate(
  store: Store,
  header: string | null,
): Promise<(Principal & { expiresAt: number | null }) | null> {
  const m = /^Bearer\s+(\S{1,256})$/i.exec(header ?? '');
  if (!m) return null;
  const [row] = await store.query<
    Omit<Principal, 'campaigns'> & { expiresAt: number | null; campaigns: string | null }
  >(
    `SELECT name, role, epoch_ms(expires_at) AS "expiresAt", campaigns FROM api_keys
     WHERE key_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [hashKey(m[1]!)],
  );
  if (!row) return null;
  const expiresAt = row.expiresAt === null ? null : Number(row.expiresAt);
  return { name: row.name, role: row.role, campaigns: campaignsOf(row.campaigns), expiresAt };
}

/**
 * authenticate() with known keys remembered: the dialer's turn-by-turn calls
 * must not each wait for a DuckDB query. Any key change (create, revoke)
 * forgets them all at once (only the process holding the DuckDB file changes
 * keys), an entry lapses at its key's expiry, and is looked up again after
 * `ttlMs` regardless. Unknown keys are looked up every time. Requests with
 * the same key share one look-up in flight, and a key in use is looked up
 * again in the background from 80% of `ttlMs`, so that a busy sender's
 * requests never queue on DuckDB all at once when its entry lapses.
 */
export function cachedAuthenticator(
  store: Store,
  ttlMs = 60_000,
  clock: Clock = systemClock,
): (header: string | null) => Promise<Principal | null> {
  type Entry = { principal: Principal; until: number; refreshAt: number; generation: number };
  const known = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Principal | null>>();
  const lookUp = (header: string, generation: number): Promise<Principal | null> => {
    const flight = `${generation}\u0000${header}`;
    let pending = inFlight.get(flight);
    if (pending) return pending;
    pending = authenticate(store, header)
      .then((found) => {
        known.delete(header);
        if (!found) return null;
        const principal = { name: found.name, role: found.role, campaigns: found.campaigns };
        if (known.size >= 10_000) known.clear();
        const now = clock.now();
        const until = Math.min(now + ttlMs, found.expiresAt ?? Infinity);
        known.set(header, { principal, until, refreshAt: now + 0.8 * ttlMs, generation });
        return principal;
      })
      .finally(() => inFlight.delete(flight));
    inFlight.set(flight, pending);
    return pending;
  };
  return async (header) => {
    if (header === null) return null;
    const generation = keyGenerations.get(store) ?? 0;
    const hit = known.get(header);
    const now = clock.now();
    if (!hit || hit.until <= now || hit.generation !== generation)
      return lookUp(header, generation);
    if (now >= hit.refreshAt) {
      hit.refreshAt = Infinity; // one refresh at a time; a failed one leaves the entry to lapse
      lookUp(header, generation).catch(() => undefined);
    }
    return hit.principal;
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
