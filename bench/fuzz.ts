// The fuzz suite at length: `npx tsx bench/fuzz.ts [runs-per-input] [seed]`
// (default 3000 per input kind, a random seed, printed so a failure can be
// replayed). The platform runs in this process on the embedded defaults; the
// result goes to bench/results/fuzz.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { createApiKey } from '../src/api/index.js';
import { startPlatform } from '../src/app/index.js';
import { loadConfig } from '../src/core/config.js';
import { fuzzApi, storedOnce } from '../test/helpers/fuzz.js';

const runs = Number(process.argv[2] ?? 3_000);
const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 2 ** 31));
const p = await startPlatform(
  loadConfig({
    env: {
      DIALWISE_PORT: '0',
      DIALWISE_DATA_DIR: mkdtempSync(join(tmpdir(), 'dialwise-fuzz-')),
      DIALWISE_LOG_LEVEL: 'error',
      // The flood is the point here: no key is throttled.
      DIALWISE_RATE_LIMIT: '1000000',
    },
  }),
);
const keys = {
  dialer: await createApiKey(p.store, 'fuzz-dialer', 'dialer'),
  analyst: await createApiKey(p.store, 'fuzz-analyst', 'analyst'),
  admin: p.adminKey,
};
const started = performance.now();
const outcome = await fuzzApi(p.url, keys, { numRuns: runs, seed });
const seconds = (performance.now() - started) / 1000;
const healthy = (await fetch(`${p.url}/health`)).status === 200;
const once = await storedOnce(p.store, outcome.accepted);
await p.stop();

const result = {
  bench: 'fuzz',
  seed,
  runsPerInputKind: runs,
  inputs: outcome.requests,
  seconds: Math.round(seconds),
  serverErrors: outcome.serverErrors.length,
  stalls: outcome.stalls.length,
  healthyAfter: healthy,
  acceptedEventsChecked: once.checked,
  notStoredExactlyOnce: once.notOnce.length,
  prototypeUntouched: Object.keys(Object.getPrototypeOf({})).length === 0,
  statuses: outcome.statuses,
  firstServerErrors: outcome.serverErrors.slice(0, 5),
  firstStalls: outcome.stalls.slice(0, 5),
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/fuzz.json', JSON.stringify(result, null, 2) + '\n');
process.exit(result.serverErrors || result.stalls || !healthy || once.notOnce.length ? 1 : 0);
