import { createKeywordModels, type KeywordModelOptions } from './keyword/index.js';
import type { PropensityModel } from './propensity-model.js';
import type { ModelName, ModelRegistry } from './registry.js';
import type { TextClassifier } from './text/classifier.js';
import { createTrainedModels } from './trained-models.js';
import type { TurnModels } from './types.js';

/** What the live pipeline serves: turn models and the conversion model. */
export interface ServedModels {
  turn: TurnModels;
  /** The trained conversion model; the hand-set baseline formula without one. */
  propensity?: PropensityModel | undefined;
}

/**
 * The trained models the pipeline knows how to use, by model kind name. A
 * kind without a champion (or trained but not served) leaves its baseline.
 */
export interface ServedSlots {
  intent?: TextClassifier | undefined;
  emotion?: TextClassifier | undefined;
  /** The opt-out classifier, joined with the opt-out rules. */
  optout?: TextClassifier | undefined;
  propensity?: PropensityModel | undefined;
}

/**
 * How a model kind's registry folder becomes a live model. The kinds are
 * registered in training/kinds.ts (a training ModelKind is a ServingKind)
 * and handed in by the composition root: models/ does not import training/.
 */
export interface ServingKind<M = unknown> {
  readonly name: ModelName;
  /** Loads a version folder as training wrote it. */
  load(dir: string): Promise<M>;
  /** Frees what load() took (tensors); a no-op for plain-data models. */
  dispose(model: M): void;
}

/** The served set from the trained models at hand; keyword baselines fill the rest. */
export function servedModels(slots: ServedSlots, keyword: KeywordModelOptions): ServedModels {
  const { intent, emotion, optout, propensity } = slots;
  return {
    turn:
      intent || emotion || optout
        ? createTrainedModels({ intent, emotion, optout }, keyword)
        : createKeywordModels(keyword),
    propensity,
  };
}

interface Loaded {
  kind: ServingKind;
  /** "v3" (registry champion), "dir:<path>" (pinned in config) or "baseline". */
  source: string;
  model: unknown;
}

const BASELINE = 'baseline';

/**
 * The models to serve, per kind: a folder pinned in config wins, else the
 * registry's champion, else the baseline. `refresh()` loads only what
 * changed since the last call, so a live process polls it cheaply and
 * switches when a champion is promoted, without a restart.
 */
export class Champions {
  private loaded = new Map<ModelName, Loaded>();
  private ready = false;

  constructor(
    private readonly registry: ModelRegistry | undefined,
    private readonly kinds: readonly ServingKind[],
    /** A model folder per kind name, pinned in config. */
    private readonly pinned: Partial<Record<ModelName, string | undefined>>,
    private readonly keyword: KeywordModelOptions,
  ) {}

  /** Which version each model is served from. */
  get sources(): Record<ModelName, string> {
    return Object.fromEntries(
      this.kinds.map((k) => [k.name, this.loaded.get(k.name)?.source ?? BASELINE]),
    );
  }

  /**
   * Loads whatever changed and hands the new set to `use` (then frees the
   * replaced models); resolves false when nothing changed. A model that fails
   * to load throws, and the set in use stays as it was.
   */
  async refresh(use: (models: ServedModels) => void): Promise<boolean> {
    const next = new Map(this.loaded);
    const fresh: Loaded[] = [];
    try {
      for (const kind of this.kinds) {
        const source = await this.sourceOf(kind.name);
        if (source === (this.loaded.get(kind.name)?.source ?? BASELINE)) continue;
        const dir = this.dirOf(kind.name, source);
        const loaded = { kind, source, model: dir ? await kind.load(dir) : undefined };
        next.set(kind.name, loaded);
        fresh.push(loaded);
      }
    } catch (err) {
      free(fresh);
      throw err;
    }
    if (fresh.length === 0 && this.ready) return false;
    // The one place a kind's model meets its slot: a kind's name is its slot's key.
    const slots = Object.fromEntries([...next].map(([name, l]) => [name, l.model])) as ServedSlots;
    use(servedModels(slots, this.keyword));
    const replaced = fresh.flatMap((l) => this.loaded.get(l.kind.name) ?? []);
    this.loaded = next;
    this.ready = true;
    free(replaced);
    return true;
  }

  dispose(): void {
    free([...this.loaded.values()]);
    this.loaded.clear();
  }

  private async sourceOf(name: ModelName): Promise<string> {
    const pinned = this.pinned[name];
    if (pinned) return `dir:${pinned}`;
    const version = this.registry && (await this.registry.aliases(name)).champion;
    return version === undefined ? BASELINE : `v${version}`;
  }

  private dirOf(name: ModelName, source: string): string | undefined {
    if (source.startsWith('dir:')) return source.slice(4);
    return source === BASELINE ? undefined : this.registry!.dir(name, Number(source.slice(1)));
  }
}

function free(models: readonly Loaded[]): void {
  for (const { kind, model } of models) if (model !== undefined) kind.dispose(model);
}
