import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a fault cost, as the fault suite measured it: written to
 * artifacts/faults/<name>.json (CI keeps artifacts/) and printed.
 */
export function reportFault(name: string, figures: Record<string, unknown>): void {
  const dir = join('artifacts', 'faults');
  mkdirSync(dir, { recursive: true });
  const out = { fault: name, at: new Date().toISOString(), ...figures };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  console.log(`[fault] ${JSON.stringify(out)}`);
}

/** Polls `probe` every `everyMs` until it returns true; the ms it took, or throws after `timeoutMs`. */
export async function until(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 200,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await probe().catch(() => false)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}
