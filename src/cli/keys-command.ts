import { issueApiKey, listApiKeys, ROLES, withdrawApiKey, type Role } from '../api/index.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { openStore } from '../app/index.js';
import { runningPlatform } from './admin-api.js';

const USAGE = `usage: dialwise keys create --name NAME --role ROLE [--expires-in-days N] [--campaigns A,B]
       dialwise keys list
       dialwise keys revoke --name NAME`;

interface KeyArgs {
  name?: string | undefined;
  role?: string | undefined;
  'expires-in-days'?: string | undefined;
  campaigns?: string | undefined;
}

/**
 * `dialwise keys …`: through the running platform's admin API when one is
 * up on this data folder (it holds the DuckDB file), else on the file.
 */
export async function keysCommand(
  config: Config,
  logger: Logger,
  sub: string | undefined,
  args: KeyArgs,
): Promise<unknown> {
  const days = args['expires-in-days'] === undefined ? undefined : Number(args['expires-in-days']);
  const campaigns = args.campaigns?.split(',').map((c) => c.trim());
  if (days !== undefined && !(days > 0)) throw new DialwiseError('BAD_REQUEST', USAGE);
  if (sub === 'create' && (!args.name || !ROLES.includes(args.role as Role)))
    throw new DialwiseError('BAD_REQUEST', `${USAGE}\nroles: ${ROLES.join(', ')}`);
  if (sub === 'revoke' && !args.name) throw new DialwiseError('BAD_REQUEST', USAGE);
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke')
    throw new DialwiseError('BAD_REQUEST', USAGE);

  const run = await runningPlatform(config);
  if (run) {
    const { key } = run;
    const path = sub === 'revoke' ? `/admin/keys/${encodeURIComponent(args.name!)}` : '/admin/keys';
    const res = await fetch(`${run.url}${path}`, {
      method: sub === 'create' ? 'POST' : sub === 'revoke' ? 'DELETE' : 'GET',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(sub === 'create' && {
        body: JSON.stringify({
          name: args.name,
          role: args.role,
          ...(days !== undefined && { expires_in_days: days }),
          ...(campaigns && { campaigns }),
        }),
      }),
    });
    const body = (await res.json()) as { error?: { message: string } };
    if (!res.ok) throw new DialwiseError('BAD_REQUEST', body.error?.message ?? res.statusText);
    return body;
  }
  const store = await openStore(config, logger);
  // On the file itself, the command acts as its own admin (and is audited as "cli").
  const cli = { name: 'cli', role: 'admin' as const };
  try {
    if (sub === 'list') return { keys: await listApiKeys(store) };
    if (sub === 'revoke') return withdrawApiKey(store, cli, args.name!);
    return issueApiKey(store, cli, {
      name: args.name!,
      role: args.role as Role,
      expiresInDays: days,
      campaigns,
    });
  } finally {
    await store.close();
  }
}
