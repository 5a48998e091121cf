import { join } from 'node:path';
import { createKeywordModels, type KeywordModelOptions } from './keyword/index.js';
import { loadPropensityModel, type PropensityModel } from './propensity-model.js';
import type { ModelName, ModelRegistry } from './registry.js';
import type { TextClassifier } from './text/classifier.js';
import { loadTextModel } from './text/model-folder.js';
import { createTrainedModels } from './trained-models.js';
import type { TurnModels } from './types.js';

/** The file a propensity version holds in its registry folder. */
export const PROPENSITY_FILE = 'propensity.json';

/** What the live pipeline serves: turn models and the conversion model. */
export interface ServedModels {
  turn: TurnModels;
  /** The trained conversion model; the hand-set baseline formula without one. */
  propensity?: PropensityModel | undefined;
}

interface Loaded<T> {
  /** "v3" (registry champion), "dir:<path>" (pinned in config) or "baseline". */
  source: string;
  model: T | undefined;
}

/**
 * The models to serve, per name: a folder pinned in config wins, else the
 * registry's champion, else the keyword baseline. `refresh()` loads only
 * what changed since the last call, so a live process polls it cheaply and
 * switches when a champion is promoted, without a restart.
 */
export class Champions {
  private text: Partial<Record<'intent' | 'emotion', Loaded<TextClassifier>>> = {};
  private conversion: Loaded<PropensityModel> = { source: 'baseline', model: undefined };
  private loaded = false;

  constructor(
    private readonly registry: ModelRegistry | undefined,
    private readonly pinned: { intent?: string | undefined; emotion?: string | undefined },
    private readonly keyword: KeywordModelOptions,
  ) {}

  /** Which version each model is served from. */
  get sources(): Record<ModelName, string> {
    return {
      intent: this.text.intent?.source ?? 'baseline',
      emotion: this.text.emotion?.source ?? 'baseline',
      propensity: this.conversion.source,
    };
  }

  /**
   * Loads whatever changed and hands the new set to `use` (then frees the
   * replaced models); resolves false when nothing changed. A model that fails
   * to load throws, and the set in use stays as it was.
   */
  async refresh(use: (models: ServedModels) => void): Promise<boolean> {
    const next = { ...this.text };
    const replaced: TextClassifier[] = [];
    let changed = false;
    for (const name of ['intent', 'emotion'] as const) {
      const source = this.pinned[name]
        ? `dir:${this.pinned[name]}`
        : await this.championSource(name);
      if (source === (this.text[name]?.source ?? 'baseline')) continue;
      const dir = source.startsWith('dir:') ? source.slice(4) : this.championDir(name, source);
      next[name] = { source, model: dir ? await loadTextModel(dir) : undefined };
      const old = this.text[name]?.model;
      if (old) replaced.push(old);
      changed = true;
    }
    let conversion = this.conversion;
    const source = await this.championSource('propensity');
    if (source !== conversion.source) {
      const dir = this.championDir('propensity', source);
      conversion = {
        source,
        model: dir ? await loadPropensityModel(join(dir, PROPENSITY_FILE)) : undefined,
      };
      changed = true;
    }
    if (!changed && this.loaded) return false;
    const [intent, emotion] = [next.intent?.model, next.emotion?.model];
    use({
      turn:
        intent || emotion
          ? createTrainedModels({ intent, emotion }, this.keyword)
          : createKeywordModels(this.keyword),
      propensity: conversion.model,
    });
    this.text = next;
    this.conversion = conversion;
    this.loaded = true;
    for (const m of replaced) m.dispose();
    return true;
  }

  dispose(): void {
    this.text.intent?.model?.dispose();
    this.text.emotion?.model?.dispose();
  }

  private async championSource(name: ModelName): Promise<string> {
    const version = this.registry && (await this.registry.aliases(name)).champion;
    return version === undefined ? 'baseline' : `v${version}`;
  }

  private championDir(name: ModelName, source: string): string | undefined {
    return source === 'baseline' ? undefined : this.registry!.dir(name, Number(source.slice(1)));
  }
}
