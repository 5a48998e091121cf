import { DialwiseError } from '../../core/errors.js';
import type { ScriptLibrary } from './script-library.js';

/**
 * Loaded library versions. `current()` is what new calls start on; a call
 * keeps the version it started with (`get(version)`), so a weekly update
 * never changes the script under a call in progress.
 */
export class ScriptVersions {
  readonly #byVersion = new Map<string, ScriptLibrary>();
  #current: ScriptLibrary;

  constructor(initial: ScriptLibrary) {
    this.#current = initial;
    this.#byVersion.set(initial.version, initial);
  }

  /** Adds a library and makes it current (unless `current` is false); a version name is never reused. */
  add(library: ScriptLibrary, current = true): void {
    if (this.#byVersion.has(library.version))
      throw new DialwiseError(
        'CONFIG_INVALID',
        `scripts version ${library.version} already loaded`,
      );
    this.#byVersion.set(library.version, library);
    if (current) this.#current = library;
  }

  has(version: string): boolean {
    return this.#byVersion.has(version);
  }

  /** Every version loaded, the current one last. */
  all(): ScriptLibrary[] {
    return [...this.#byVersion.values()].filter((l) => l !== this.#current).concat(this.#current);
  }

  /** Makes a loaded version current. */
  use(version: string): void {
    this.#current = this.get(version);
  }

  /**
   * Loads the versions a journal recorded (the current one last) beside
   * these: every version a call may still be on stays loaded. The last one
   * current stays current, unless config/ brought a version the journal
   * never saw.
   */
  resume(libraries: readonly ScriptLibrary[], load: (l: ScriptLibrary) => ScriptLibrary): void {
    const fromConfig = this.#current.version;
    for (const library of libraries) if (!this.has(library.version)) this.add(load(library), false);
    const last = libraries.at(-1)?.version;
    if (last && libraries.some((l) => l.version === fromConfig)) this.use(last);
  }

  current(): ScriptLibrary {
    return this.#current;
  }

  get(version: string): ScriptLibrary {
    const library = this.#byVersion.get(version);
    if (!library) throw new DialwiseError('NOT_FOUND', `no scripts version ${version}`);
    return library;
  }
}
