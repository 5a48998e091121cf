import type { Profile } from './profile.js';

/**
 * The enricher's profiles, least recently used first. Past `max`, profiles
 * the store already holds as they are (`evict`'s caller says which may go)
 * are dropped, and read back from the store on their customer's next event
 * or decision: memory stays bounded however many customers there are.
 */
export class ProfileCache extends Map<string, Profile> {
  /** Used since the last eviction: a caller that just waited for them reads them next. */
  private recent = new Set<string>();
  /**
   * Whether every stored profile is here (none dropped yet, none left out
   * at start): a customer not here is then a new one, nothing to look up.
   */
  complete = true;

  constructor(readonly max = Infinity) {
    super();
  }

  override set(id: string, p: Profile): this {
    if (this.max !== Infinity) this.recent.add(id);
    return super.set(id, p);
  }

  /** Marks a customer's profile as just used (it goes last). */
  touch(id: string): void {
    const p = super.get(id);
    if (!p || this.max === Infinity) return;
    super.delete(id);
    this.set(id, p);
  }

  /**
   * Drops the least recently used profiles until `max` remain, except those
   * used since the last eviction and those `keep` holds; returns how many went.
   */
  evict(keep: (p: Profile) => boolean): number {
    let over = this.size - this.max;
    const recent = this.recent;
    this.recent = new Set();
    if (over <= 0) return 0;
    const gone: string[] = [];
    for (const [id, p] of this) {
      if (over === 0) break;
      if (recent.has(id) || keep(p)) continue;
      gone.push(id);
      over -= 1;
    }
    for (const id of gone) super.delete(id);
    if (gone.length) this.complete = false;
    return gone.length;
  }
}
