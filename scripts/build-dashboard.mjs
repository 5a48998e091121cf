// Bundles the dashboard (src/dashboard, entry shell/boot.ts) into dist/dashboard:
//   dist/dashboard/index.html, assets/main.js, assets/style.css
//   (style.css and the styles/*.css it imports, as one file), each asset
//   also gzipped (.gz), within a budget of 500 KiB gzipped
// and, meanwhile, generates the types of its GraphQL operations
// (scripts/dashboard-types.mjs; the bundle does not need them, typecheck does).
// Last step of `npm run build`; the platform serves dist/dashboard at `/`.
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { generateDashboardTypes, OUT as TYPES } from './dashboard-types.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src/dashboard');
const out = join(root, 'dist/dashboard');
const assets = join(out, 'assets');

// Start clean: a source map left from an earlier build would still be served.
const types = generateDashboardTypes();
types.catch(() => undefined); // reported where it is awaited, below
await rm(assets, { recursive: true, force: true });
await mkdir(assets, { recursive: true });
// The served bundle carries no source map (it would hand out the whole
// source); DIALWISE_DASHBOARD_SOURCEMAP=1 builds one for debugging.
const sourcemap = process.env.DIALWISE_DASHBOARD_SOURCEMAP === '1';

const result = await build({
  entryPoints: [join(src, 'shell/boot.ts')],
  outfile: join(assets, 'main.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  // Apollo Client picks its production build (no dev warnings) by this condition.
  conditions: ['production'],
  define: { 'process.env.NODE_ENV': '"production"', 'globalThis.__DEV__': 'false' },
  minify: true,
  sourcemap,
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
});

await build({
  entryPoints: [join(src, 'style.css')],
  outfile: join(assets, 'style.css'),
  bundle: true,
  minify: true,
  target: ['chrome110', 'firefox110', 'safari16'],
  logLevel: 'warning',
});
await copyFile(join(src, 'index.html'), join(out, 'index.html'));
console.log(`dashboard: ${TYPES} ${(await types) ? 'written' : 'up to date'}`);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
// What a browser downloads: the platform serves the .gz beside each asset
// to a client that accepts gzip (src/api/static.ts). Over budget fails the build.
const GZIP_BUDGET = 500 * 1024;
for (const file of ['assets/main.js', 'assets/style.css']) {
  const gz = gzipSync(await readFile(join(out, file)), { level: 9 });
  await writeFile(join(out, `${file}.gz`), gz);
  if (gz.length > GZIP_BUDGET)
    throw new Error(`dashboard: ${file} is ${kib(gz.length)} gzipped, over ${kib(GZIP_BUDGET)}`);
}
const files = ['assets/main.js', 'assets/style.css', 'index.html'];
for (const file of files) {
  const { size } = await stat(join(out, file));
  const gz = file.startsWith('assets/') ? (await stat(join(out, `${file}.gz`))).size : undefined;
  const zipped = gz === undefined ? '' : ` (${kib(gz)} gzipped)`;
  console.log(`dashboard: ${relative(root, join(out, file))}  ${kib(size)}${zipped}`);
}
const inputs = Object.keys(result.metafile.inputs).length;
console.log(`dashboard: bundled ${inputs} modules`);
