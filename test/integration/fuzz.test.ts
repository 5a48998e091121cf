// Property-based fuzzing of every input (fast-check, fixed seed): events,
// CRM records, decision requests, GraphQL documents. Properties: no 5xx, no
// stall, the process stays healthy, and every event the API accepted is
// stored exactly once (as its row, or once as a dead letter with the store's
// reason). bench/fuzz.ts runs the same at length.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { fuzzApi, storedOnce, type FuzzOutcome } from '../helpers/fuzz.js';
import { tmpDir } from '../helpers/tmp.js';

const SEED = 20261206;

describe('fuzzing every input, fixed seed', () => {
  let p: Platform;
  let outcome: FuzzOutcome;

  beforeAll(async () => {
    p = await startPlatform(
      loadTestConfig({
        env: { DIALWISE_PORT: '0', DIALWISE_DATA_DIR: tmpDir(), DIALWISE_LOG_LEVEL: 'error' },
      }),
    );
    const keys = {
      dialer: await createApiKey(p.store, 'fuzz-dialer', 'dialer'),
      analyst: await createApiKey(p.store, 'fuzz-analyst', 'analyst'),
      admin: p.adminKey,
    };
    outcome = await fuzzApi(p.url, keys, { numRuns: 120, seed: SEED });
  }, 240_000);
  afterAll(() => p?.stop());

  it('answers every input without a 5xx or a stall', () => {
    expect(outcome.requests).toBeGreaterThanOrEqual(800);
    expect(outcome.serverErrors).toEqual([]);
    expect(outcome.stalls).toEqual([]);
    // The inputs reached the handlers: neither turned away at the key nor throttled.
    for (const [path, statuses] of Object.entries(outcome.statuses)) {
      expect(statuses[401] ?? 0, path).toBe(0);
      expect(statuses[429] ?? 0, path).toBe(0);
      expect(statuses[200] ?? statuses[202] ?? 0, path).toBeGreaterThan(0);
    }
    console.log(`[fuzz] ${outcome.requests} inputs: ${JSON.stringify(outcome.statuses)}`);
  });

  it('stays healthy, and no input reached Object.prototype', async () => {
    expect((await fetch(`${p.url}/health`)).status).toBe(200);
    // An id of "__proto__" once made a profile's open calls write into it.
    expect(Object.keys(Object.getPrototypeOf({}))).toEqual([]);
  });

  it('stores every accepted turn, visit and correction exactly once', async () => {
    const { checked, notOnce } = await storedOnce(p.store, outcome.accepted);
    expect(checked).toBeGreaterThan(20);
    expect(notOnce).toEqual([]);
  });
});
