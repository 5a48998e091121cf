import { seeded, type Rng } from '../../core/rng.js';

export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Stratified held-out split: `fraction` of each label's examples, at least
 * one where a label has two or more, so every label is calibrated and scored.
 */
export function stratifiedSplit<T>(
  items: readonly T[],
  labelOf: (item: T) => string,
  fraction: number,
  seed: number,
): { train: T[]; heldOut: T[] } {
  const byLabel = new Map<string, T[]>();
  for (const it of items) {
    const l = labelOf(it);
    byLabel.set(l, [...(byLabel.get(l) ?? []), it]);
  }
  const rng = seeded(seed);
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const group = shuffleInPlace(byLabel.get(label)!, rng);
    const k = group.length < 2 ? 0 : Math.max(1, Math.round(group.length * fraction));
    heldOut.push(...group.slice(0, k));
    train.push(...group.slice(k));
  }
  return { train, heldOut };
}
