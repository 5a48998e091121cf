import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Champions, type ServedModels, type ServingKind } from '../../src/models/champions.js';
import type { PropensityModel } from '../../src/models/propensity-model.js';
import { ModelRegistry } from '../../src/models/registry.js';

const root = mkdtempSync(join(tmpdir(), 'dialwise-champions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in kind: a version folder holds one JSON file; loads and frees are counted. */
function fakeKind(name: string, failOn?: string) {
  const live = new Set<string>();
  const kind: ServingKind<{ tag: string }> & { live: Set<string> } = {
    name,
    live,
    async load(dir) {
      const { tag } = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { tag: string };
      if (tag === failOn) throw new Error(`cannot load ${tag}`);
      live.add(tag);
      return { tag };
    },
    dispose: (m) => void live.delete(m.tag),
  };
  return kind;
}

const folder = (tag: string) => {
  const dir = mkdtempSync(join(root, 'model-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ tag }));
  return dir;
};
const meta = { parent: null, dataSha256: 'x', params: {}, metrics: {} };

describe('served champions loop over the kinds they are given', () => {
  const registry = new ModelRegistry(join(root, 'registry'), ['scorer', 'propensity']);
  const scorer = fakeKind('scorer', 'broken');
  const propensity = fakeKind('propensity');
  const champions = new Champions(registry, [propensity, scorer], {}, {});
  const served: ServedModels[] = [];
  const refresh = () => champions.refresh((m) => served.push(m));
  const promote = async (name: string, tag: string) => {
    const v = await registry.register(name, folder(tag), meta);
    await registry.setAlias(name, 'champion', v.version);
  };

  it('serves baselines before any champion, and says so per kind', async () => {
    expect(await refresh()).toBe(true);
    expect(champions.sources).toEqual({ scorer: 'baseline', propensity: 'baseline' });
    expect(served[0]!.propensity).toBeUndefined();
    expect(await refresh()).toBe(false);
  });

  it('loads a promoted champion, hands its slot on, and frees the one it replaces', async () => {
    await promote('propensity', 'p1');
    expect(await refresh()).toBe(true);
    expect(champions.sources.propensity).toBe('v1');
    expect(served.at(-1)!.propensity).toEqual({ tag: 'p1' } as unknown as PropensityModel);
    await promote('propensity', 'p2');
    expect(await refresh()).toBe(true);
    expect([...propensity.live]).toEqual(['p2']);
    expect(await refresh()).toBe(false);
  });

  it('keeps the set in use when a new champion fails to load, freeing what it did load', async () => {
    await promote('propensity', 'p3');
    await promote('scorer', 'broken');
    const before = served.length;
    await expect(refresh()).rejects.toThrow(/cannot load broken/);
    expect(served).toHaveLength(before);
    expect(champions.sources).toEqual({ scorer: 'baseline', propensity: 'v2' });
    expect([...propensity.live]).toEqual(['p2']);
  });

  it('serves a folder pinned in config over the registry, and frees all on dispose', async () => {
    const pinned = new Champions(registry, [propensity], { propensity: folder('pinned') }, {});
    await pinned.refresh(() => undefined);
    expect(pinned.sources).toEqual({ propensity: expect.stringMatching(/^dir:/) });
    expect(propensity.live.has('pinned')).toBe(true);
    pinned.dispose();
    expect(propensity.live.has('pinned')).toBe(false);
  });
});
