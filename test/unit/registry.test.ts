import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { DialwiseError } from '../../src/core/errors.js';
import { ModelRegistry, type NewVersion } from '../../src/models/registry.js';
import { MODEL_NAMES, openRegistry } from '../../src/training/kinds.js';

const root = mkdtempSync(join(tmpdir(), 'dialwise-registry-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function modelFolder(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dialwise-model-'));
  writeFileSync(join(dir, 'model.json'), content);
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'weights.bin'), Buffer.from([1, 2, 3]));
  return dir;
}

const meta = (sha: string, parent: number | null = null): NewVersion => ({
  parent,
  dataSha256: sha,
  params: { epochs: 5 },
  metrics: { accuracy: 0.9 },
});

describe('model registry (local folders)', () => {
  const clock = manualClock(Date.parse('2025-03-03T09:00:00Z'));
  const registry = new ModelRegistry(join(root, 'registry'), ['intent', 'emotion'], clock);

  it('numbers versions from 1, copies the folder whole and keeps its metadata', async () => {
    const v1 = await registry.register('intent', modelFolder('{"a":1}'), meta('aaa'));
    const v2 = await registry.register('intent', modelFolder('{"a":2}'), meta('bbb', 1));
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(readFileSync(join(registry.dir('intent', 2), 'model.json'), 'utf8')).toBe('{"a":2}');
    expect(readFileSync(join(registry.dir('intent', 2), 'sub', 'weights.bin'))).toEqual(
      Buffer.from([1, 2, 3]),
    );
    const versions = await registry.versions('intent');
    expect(versions.map((v) => [v.version, v.parent, v.dataSha256])).toEqual([
      [1, null, 'aaa'],
      [2, 1, 'bbb'],
    ]);
    // Creation times come from the injected clock.
    expect(versions.map((v) => v.created)).toEqual([
      '2025-03-03T09:00:00.000Z',
      '2025-03-03T09:00:00.000Z',
    ]);
    // Model names are separate namespaces.
    expect(await registry.versions('emotion')).toEqual([]);
  });

  it('gives concurrent registrations distinct versions', async () => {
    const made = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        registry.register('emotion', modelFolder(`{"i":${i}}`), meta(`s${i}`)),
      ),
    );
    expect(made.map((m) => m.version).sort()).toEqual([1, 2, 3, 4]);
    for (const m of made)
      expect(readFileSync(join(registry.dir('emotion', m.version), 'model.json'), 'utf8')).toBe(
        `{"i":${m.dataSha256.slice(1)}}`,
      );
  });

  it('moves aliases and resolves them to the version folder', async () => {
    expect(await registry.resolve('intent', 'champion')).toBeUndefined();
    await registry.setAlias('intent', 'champion', 1);
    await registry.setAlias('intent', 'challenger', 2);
    expect((await registry.resolve('intent', 'champion'))!.meta.dataSha256).toBe('aaa');
    await registry.setAlias('intent', 'champion', 2);
    const champion = await registry.resolve('intent', 'champion');
    expect(champion!.meta.version).toBe(2);
    expect(champion!.dir).toBe(registry.dir('intent', 2));
    expect(await registry.aliases('intent')).toEqual({ champion: 2, challenger: 2 });
  });

  it('refuses an alias to a version that does not exist', async () => {
    await expect(registry.setAlias('intent', 'champion', 99)).rejects.toThrow(/no version 99/);
    expect((await registry.aliases('intent')).champion).toBe(2);
  });

  it('refuses a model that is not a registered kind, naming the known ones', async () => {
    const err = await registry.versions('bogus').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DialwiseError);
    expect((err as Error).message).toBe('unknown model "bogus"; known: intent, emotion');
    await expect(registry.setAlias('../intent', 'champion', 1)).rejects.toThrow(/unknown model/);
  });

  it('the platform registry knows every registered model kind', () => {
    expect(openRegistry(root).names).toEqual(MODEL_NAMES);
    expect(MODEL_NAMES).toEqual(['intent', 'emotion', 'propensity', 'optout']);
  });
});
