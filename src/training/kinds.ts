import type { Clock } from '../core/clock.js';
import { DialwiseError } from '../core/errors.js';
import { ModelRegistry } from '../models/registry.js';
import type { ModelKind } from './model-kind.js';
import { propensityKind } from './propensity/index.js';
import { emotionKind, intentKind, optOutKind } from './text/index.js';

/**
 * Every model kind the weekly job trains, the registry keeps and the live
 * pipeline serves. A new kind: its module (a ModelKind) and one line here.
 */
export const MODEL_KINDS = [
  intentKind,
  emotionKind,
  propensityKind,
  optOutKind,
] as const satisfies readonly ModelKind[];

export type KindName = (typeof MODEL_KINDS)[number]['name'];

export const MODEL_NAMES: readonly KindName[] = MODEL_KINDS.map((k) => k.name);

const isKindName = (name: string): name is KindName =>
  (MODEL_NAMES as readonly string[]).includes(name);

/** The named kinds, in the order given; an unknown name fails with the known ones. */
export function kindsNamed(names: readonly string[]): ModelKind[] {
  const unknown = names.filter((n) => !isKindName(n));
  if (unknown.length)
    throw new DialwiseError(
      'BAD_REQUEST',
      `unknown model ${unknown.join(', ')}; choose from ${MODEL_NAMES.join(', ')}`,
    );
  return names.map((n) => MODEL_KINDS.find((k) => k.name === n)!);
}

/** The registry of the registered kinds, in a folder. */
export const openRegistry = (root: string, clock?: Clock): ModelRegistry =>
  new ModelRegistry(root, MODEL_NAMES, clock);
