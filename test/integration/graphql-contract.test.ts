/**
 * /graphql as a stranger's client meets it: Schemathesis (from PyPI,
 * scripts/services/pytools.sh) introspects the schema and sends every
 * operation 30 generated documents, each value one the schema admits (the
 * strategies for the schema's own scalars: test/contract/schemathesis_hooks.py).
 * It fails on a resolver error (ST113), on a refusal of an admitted value
 * (ST206) and on a null where the schema promises a value, first on an empty
 * database, then with events in it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from 'graphql';
import { createApiKey, typeDefs } from '../../src/api/index.js';
import type { Platform } from '../../src/app/index.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { startTestPlatform } from '../helpers/platform.js';
import { requireService } from '../helpers/services.js';

const st = requireService('Schemathesis', 'SCHEMATHESIS_BIN');
const schema = buildSchema(typeDefs);
/** Every query and mutation: what Schemathesis should have reached. */
const OPERATIONS = [schema.getQueryType(), schema.getMutationType()].reduce(
  (n, type) => n + Object.keys(type?.getFields() ?? {}).length,
  0,
);
const CONTRACT = join(import.meta.dirname, '..', 'contract');

/** Runs Schemathesis against `url`; resolves with its exit code and output. */
function schemathesis(url: string, key: string): Promise<{ code: number | null; out: string }> {
  const args = ['--config-file', join(CONTRACT, 'schemathesis.toml'), 'run', `${url}/graphql`];
  args.push('-H', `Authorization: Bearer ${key}`, '--max-examples', '30');
  args.push('--phases', 'fuzzing', '--continue-on-failure', '-w', '2', '--seed', '19');
  const child = spawn(st!, args, {
    cwd: CONTRACT,
    env: {
      ...process.env,
      PYTHONPATH: CONTRACT,
      SCHEMATHESIS_HOOKS: 'schemathesis_hooks',
      NO_COLOR: '1',
    },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe.skipIf(!st)('GraphQL contract: Schemathesis on every operation', () => {
  let p: Platform;
  let admin: string;

  beforeAll(async () => {
    p = await startTestPlatform({ DIALWISE_SIM_RATE: '0' });
    admin = await createApiKey(p.store, 'contract-admin', 'admin');
  });
  afterAll(() => p?.stop());

  const clean = async () => {
    const { code, out } = await schemathesis(p.url, admin);
    if (code !== 0) console.log(out.slice(-20_000));
    expect(out).toMatch(new RegExp(`Tested: +${OPERATIONS}\\b`)); // every operation was reached
    expect(code).toBe(0);
  };

  it('runs clean on an empty database', clean, 300_000);

  it('runs clean with events in the database', async () => {
    const events = [...eventFixtures().values()].map((e, i) => ({
      ...e,
      event_id: `contract-${i}-${Date.now()}`,
    }));
    const res = await fetch(`${p.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(res.status).toBeLessThan(300);
    await clean();
  }, 300_000);
});
