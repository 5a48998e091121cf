import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { builtinModules } from 'node:module';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.js';

/**
 * The package as a user gets it: `npm pack`, unpacked into a scratch
 * project's node_modules, a TypeScript program importing 'dialwise' type-
 * checked and run against the packed CLI's own platform. The registry is not
 * needed: the scratch project links the repository's installed runtime
 * dependencies (devDependencies are left out, so a runtime import of one fails).
 * Needs `npm run build` first (`npm test` builds before it tests).
 */
const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

const CONSUMER = `
import {
  DecisionClient,
  DialwiseApiError,
  EventClient,
  parseEvent,
  type DialwiseEvent,
  type NextResponse,
  type TurnResponse,
} from 'dialwise';

declare const process: { env: Record<string, string | undefined> };
const options = { url: process.env.DIALWISE_URL ?? '', apiKey: process.env.DIALWISE_KEY ?? '' };
const ts = new Date().toISOString();
const envelope = { ts, schema_version: 1 as const, customer_id: 'c-pkg', call_id: 'call-pkg' };
const started: DialwiseEvent = {
  ...envelope,
  event_id: 'pkg-started-1',
  type: 'call.started',
  campaign_id: 'spring',
  script_id: 'default',
  script_version: 'v1',
  handled_by: 'bot',
  region: 'north',
  product_line: 'loan',
};
const answered: DialwiseEvent = { ...envelope, event_id: 'pkg-answered-1', type: 'call.answered' };
const bad = { ...envelope, event_id: 'pkg-bad-1', type: 'call.answered', extra: 1 } as unknown as DialwiseEvent;

// Three events in two requests: the rejected one comes back by its index in the whole list.
const ingest = await new EventClient({ ...options, maxBatchEvents: 2 }).send([started, answered, bad]);
const decisions = new DecisionClient(options);
const turn: TurnResponse = await decisions.turn({
  call_id: 'call-pkg',
  customer_id: 'c-pkg',
  text: 'How much does it cost?',
  asr_confidence: 0.9,
});
const next: NextResponse = await decisions.next(5);
let refused: DialwiseApiError | undefined;
try {
  await new DecisionClient({ ...options, apiKey: 'dw_not_a_key' }).next();
} catch (err) {
  if (err instanceof DialwiseApiError) refused = err;
}
console.log(
  JSON.stringify({
    ingest,
    action: turn.action,
    ranked: Array.isArray(next.next),
    refused: refused && { status: refused.status, code: refused.code, retriable: refused.retriable },
    parsed: parseEvent(started).ok,
  }),
);
`;

/** Runs a command; a failure carries what it printed. */
function run(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  try {
    return execFileSync(file, args, { ...opts, encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** The repository's installed runtime dependencies, linked into `modules`. */
function linkRuntimeDependencies(modules: string): void {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.replace(/^node_modules\//, '');
    if (!path.startsWith('node_modules/') || name.includes('/node_modules/') || entry.dev) continue;
    const from = join(root, path);
    if (!existsSync(from)) continue; // an optional dependency for another platform
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(from, join(modules, name), 'dir');
  }
}

/** Bare specifiers the packed JavaScript imports: each must be a builtin or a declared dependency. */
function undeclaredImports(dir: string): string[] {
  const names = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.js') && !p.includes('/dashboard/')) {
        const text = readFileSync(p, 'utf8');
        const specifiers = [
          // An import clause has no quotes before `from`: a string literal 'from' in code is not one.
          ...text.matchAll(/^\s*(?:import|export)\s[^;'"`]*?\bfrom\s*'([^']+)'/gm),
          ...text.matchAll(/^\s*import\s*'([^']+)'/gm),
          ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
        ].map((m) => m[1]!);
        for (const spec of specifiers.filter((x) => !x.startsWith('.'))) {
          const parts = spec.split('/');
          names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
        }
      }
    }
  };
  walk(dir);
  return [...names].filter(
    (n) => !n.startsWith('node:') && !builtinModules.includes(n) && !(n in pkg.dependencies),
  );
}

function startPackedPlatform(
  main: string,
  dataDir: string,
): Promise<{ url: string; key: string; proc: ChildProcess }> {
  const { DIALWISE_ADMIN_KEY: _generated, ...env } = process.env;
  const proc = spawn(process.execPath, [main, 'start'], {
    env: {
      ...env,
      KAFKA_BROKERS: '',
      MLFLOW_TRACKING_URI: '',
      DIALWISE_PORT: '0',
      DIALWISE_SIM_RATE: '0',
      DIALWISE_DATA_DIR: dataDir,
      DIALWISE_LOG_LEVEL: 'warn',
      // As a user gets it: the telesales model trained at first start.
      DIALWISE_DEFAULT_MODELS: 'train',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((ok, fail) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /dashboard: (http:\/\/[^/\s]+)\/#key=(\S+)/.exec(out);
      if (m) ok({ url: m[1]!, key: m[2]!, proc });
    });
    proc.once('exit', (code) =>
      fail(new Error(`packed platform exited with ${code}:\n${out}\n${err}`)),
    );
  });
}

describe('the npm package', () => {
  const scratch = tmpDir('dialwise-package-');
  const installed = join(scratch, 'node_modules', 'dialwise');
  let packed: { path: string }[] = [];
  let platform: { url: string; key: string; proc: ChildProcess } | undefined;

  beforeAll(async () => {
    expect(existsSync(join(root, 'dist/index.js')), 'run `npm run build` first').toBe(true);
    const [result] = JSON.parse(
      run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
        cwd: root,
      }),
    ) as { filename: string; files: { path: string }[] }[];
    packed = result!.files;
    mkdirSync(installed, { recursive: true });
    run('tar', ['-xzf', join(scratch, result!.filename), '-C', installed, '--strip-components=1']);
    linkRuntimeDependencies(join(scratch, 'node_modules'));
    platform = await startPackedPlatform(
      join(installed, 'dist/cli/main.js'),
      join(scratch, 'data'),
    );
  });

  afterAll(async () => {
    const proc = platform?.proc;
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it('ships what runs, not sources, tests, benchmarks or source maps', () => {
    const paths = packed.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/cli/main.js',
        'dist/dashboard/index.html',
        'config/dialog-flow.json',
        'config/intents.json',
        'datasets/telesales/train-a.jsonl',
        'datasets/telesales/test.jsonl',
      ]),
    );
    expect(
      paths.filter(
        (p) => /^(src|test|bench|scripts)\/|\.map$|\.ts$/.test(p) && !p.endsWith('.d.ts'),
      ),
    ).toEqual([]);
    expect(undeclaredImports(join(installed, 'dist'))).toEqual([]);
  });

  it('runs the dialwise command from the package', () => {
    const help = run(process.execPath, [join(installed, 'dist/cli/main.js'), '--help']);
    expect(help).toMatch(/start/);
  });

  it('serves the intent model it trained at first start, not the keyword fallback', async () => {
    const health = await (await fetch(`${platform!.url}/health`)).json();
    expect(health.models).toMatchObject({ intent: 'v1', optout: 'v1' });
  });

  it('serves the packed dashboard', async () => {
    const res = await fetch(`${platform!.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });

  it("type-checks and runs a program that imports 'dialwise' against the packed platform", () => {
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    writeFileSync(join(scratch, 'consumer.ts'), CONSUMER);
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          skipLibCheck: false,
          outDir: 'out',
        },
        files: ['consumer.ts'],
      }),
    );
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', scratch], {
      cwd: scratch,
    });
    const out = run(process.execPath, [join(scratch, 'out/consumer.js')], {
      cwd: scratch,
      env: { ...process.env, DIALWISE_URL: platform!.url, DIALWISE_KEY: platform!.key },
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(r.ingest.accepted).toBe(2);
    expect(r.ingest.rejected).toEqual([{ index: 2, reason: expect.stringMatching(/extra/) }]);
    expect(['say', 'transfer', 'end']).toContain(r.action);
    expect(r.ranked).toBe(true);
    expect(r.refused).toEqual({ status: 401, code: 'UNAUTHENTICATED', retriable: false });
    expect(r.parsed).toBe(true);
  });
});
