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

  /** Adds a library and makes it current; a version name is never reused. */
  add(library: ScriptLibrary): void {
    if (this.#byVersion.has(library.version))
      throw new DialwiseError(
        'CONFIG_INVALID',
        `scripts version ${library.version} already loaded`,
      );
    this.#byVersion.set(library.version, library);
    this.#current = library;
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
