import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'events', 'v1');

/** Recorded sample payloads, one per event type, keyed by type. */
export function eventFixtures(): Map<string, Record<string, unknown>> {
  return new Map(
    readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(DIR, f), 'utf8'))]),
  );
}
