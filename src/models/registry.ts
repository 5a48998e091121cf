import { randomUUID } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { systemClock, type Clock } from '../core/clock.js';
import { DialwiseError } from '../core/errors.js';

/** A model kind's name (training/kinds.ts lists the kinds); also its folder in the registry. */
export type ModelName = string;

/** `champion` serves live traffic; `challenger` is the latest candidate. */
export const ALIASES = ['champion', 'challenger'] as const;
export type Alias = (typeof ALIASES)[number];

const versionMetaSchema = z.object({
  name: z.string().min(1),
  version: z.number().int().positive(),
  created: z.string(),
  /** The champion this version was trained to replace, if any. */
  parent: z.number().int().positive().nullable(),
  dataSha256: z.string(),
  params: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.number()),
  /** Where the training run and the registered version live in MLflow, when it was used. */
  mlflow: z
    .object({ runId: z.string(), runUrl: z.string(), version: z.string().optional() })
    .optional(),
  /** Why this version is not in MLflow yet (it was unreachable); the next retrain mirrors it. */
  mlflowPending: z.string().optional(),
});
export type VersionMeta = z.infer<typeof versionMetaSchema>;
export type NewVersion = Omit<VersionMeta, 'name' | 'version' | 'created'>;

const aliasesSchema = z.record(z.string(), z.number().int().positive());

const VERSION_FILE = 'version.json';
const ALIASES_FILE = 'aliases.json';

/** Writes through a temporary file and a rename, so readers never see half a file. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/**
 * A local folder store of versioned models:
 *
 *   <root>/<name>/<version>/         the model folder as training wrote it
 *   <root>/<name>/<version>/version.json   metadata (data hash, params, metrics, parent)
 *   <root>/<name>/aliases.json       {"champion": 3, "challenger": 4}
 *
 * Versions are immutable once registered; only aliases move. A version
 * appears whole or not at all (copied aside, then renamed into place), so a
 * live process polling the aliases never loads a half-copied model.
 */
export class ModelRegistry {
  /** `names`: the registered model kinds; any other name is refused with the list. */
  constructor(
    readonly root: string,
    readonly names: readonly ModelName[],
    private readonly clock: Clock = systemClock,
  ) {}

  /** Copies a trained model folder in as the next version. */
  async register(name: ModelName, modelDir: string, meta: NewVersion): Promise<VersionMeta> {
    const dir = this.folder(name);
    await mkdir(dir, { recursive: true });
    const staging = join(dir, `.staging-${randomUUID()}`);
    await cp(modelDir, staging, { recursive: true });
    for (;;) {
      const version = (await this.versionNumbers(name)).reduce((a, b) => Math.max(a, b), 0) + 1;
      const full: VersionMeta = {
        ...meta,
        name,
        version,
        created: new Date(this.clock.now()).toISOString(),
      };
      await writeFile(join(staging, VERSION_FILE), JSON.stringify(full, null, 2) + '\n');
      try {
        // A version folder is never empty, so a concurrent register that took
        // this number makes the rename fail, and this one takes the next.
        await rename(staging, join(dir, String(version)));
        return full;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') {
          await rm(staging, { recursive: true, force: true });
          throw err;
        }
      }
    }
  }

  async versions(name: ModelName): Promise<VersionMeta[]> {
    const out: VersionMeta[] = [];
    for (const v of await this.versionNumbers(name)) {
      const meta = await this.meta(name, v);
      if (meta) out.push(meta);
    }
    return out.sort((a, b) => a.version - b.version);
  }

  async meta(name: ModelName, version: number): Promise<VersionMeta | undefined> {
    const file = join(this.folder(name), String(version), VERSION_FILE);
    if (!existsSync(file)) return undefined;
    return versionMetaSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  }

  /** The folder of a version (as registered). */
  dir(name: ModelName, version: number): string {
    return join(this.folder(name), String(version));
  }

  async aliases(name: ModelName): Promise<Partial<Record<Alias, number>>> {
    const file = join(this.folder(name), ALIASES_FILE);
    if (!existsSync(file)) return {};
    return aliasesSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  }

  /** The version an alias points at, with its folder; undefined when unset. */
  async resolve(
    name: ModelName,
    alias: Alias,
  ): Promise<{ meta: VersionMeta; dir: string } | undefined> {
    const version = (await this.aliases(name))[alias];
    if (version === undefined) return undefined;
    const meta = await this.meta(name, version);
    if (!meta)
      throw new DialwiseError(
        'NOT_FOUND',
        `${name}: alias ${alias} points at version ${version}, which is missing`,
      );
    return { meta, dir: this.dir(name, version) };
  }

  /**
   * Records where a version stands in MLflow: where it was mirrored (clearing
   * a pending mirror), or why it is not there yet. The model itself never changes.
   */
  async setMlflow(
    name: ModelName,
    version: number,
    state: { mlflow: NonNullable<VersionMeta['mlflow']> } | { pending: string },
  ): Promise<void> {
    const meta = await this.meta(name, version);
    if (!meta) throw new DialwiseError('NOT_FOUND', `${name} has no version ${version}`);
    const { mlflowPending: _, ...rest } = meta;
    const next =
      'pending' in state
        ? { ...meta, mlflowPending: state.pending }
        : { ...rest, mlflow: state.mlflow };
    await writeAtomic(
      join(this.dir(name, version), VERSION_FILE),
      JSON.stringify(next, null, 2) + '\n',
    );
  }

  async setAlias(name: ModelName, alias: Alias, version: number): Promise<void> {
    if (!(await this.meta(name, version)))
      throw new DialwiseError('NOT_FOUND', `${name} has no version ${version}`);
    const aliases = { ...(await this.aliases(name)), [alias]: version };
    await writeAtomic(
      join(this.folder(name), ALIASES_FILE),
      JSON.stringify(aliases, null, 2) + '\n',
    );
  }

  /** A known model's folder; an unknown name is a caller's mistake, named with the known ones. */
  private folder(name: ModelName): string {
    if (!this.names.includes(name))
      throw new DialwiseError(
        'BAD_REQUEST',
        `unknown model ${JSON.stringify(name)}; known: ${this.names.join(', ')}`,
      );
    return join(this.root, name);
  }

  private async versionNumbers(name: ModelName): Promise<number[]> {
    const dir = this.folder(name);
    if (!existsSync(dir)) return [];
    return (await readdir(dir)).filter((f) => /^\d+$/.test(f)).map(Number);
  }
}
