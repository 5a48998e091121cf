// Headless Chromium (Debian's, driven by playwright-core) for the dashboard's
// browser tests, and the built dashboard they open.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where browser tests leave their screenshots. */
export const ARTIFACTS = join(ROOT, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const CHROMIUM_MISSING = `Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH`;
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Like requireService: skipped with a reason here, a failure where services are required. */
export function requireChromium(test: string): boolean {
  if (!HAS_CHROMIUM && process.env.DIALWISE_REQUIRE_SERVICES === '1')
    throw new Error(`${CHROMIUM_MISSING} (DIALWISE_REQUIRE_SERVICES=1)`);
  if (!HAS_CHROMIUM) console.warn(`[${test}] skipped: ${CHROMIUM_MISSING}`);
  return HAS_CHROMIUM;
}

/** Newest modification time under `dir` (files in subfolders included). */
function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const path = join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
}

/** Builds dist/dashboard when it is missing or older than src/dashboard. */
export function ensureDashboardBuilt(): void {
  const built = join(ROOT, 'dist/dashboard/index.html');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  if (newest(join(ROOT, 'src/dashboard')) > builtAt)
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-dashboard.mjs')], { cwd: ROOT });
}

export const launchChromium = (extraArgs: string[] = []): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });

/**
 * A page signed in with `key` at `route` (#/…), once the view is shown;
 * the page's console errors and uncaught exceptions are collected in `errors`.
 */
export async function signedIn(
  browser: Browser,
  baseUrl: string,
  key: string,
  route: string,
  errors: string[],
): Promise<Page> {
  const page = await (
    await browser.newContext({ viewport: { width: 1366, height: 900 } })
  ).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await page.goto(`${baseUrl}/#key=${encodeURIComponent(key)}`);
  await page.getByTestId('role').waitFor();
  await page.evaluate((r) => (window.location.hash = r), route);
  await page.getByTestId(`view-${route.split('/')[1]!.split('?')[0]}`).waitFor();
  return page;
}
