/**
 * The do-not-call register ("谢绝来电" and the like): phone numbers imported
 * from a file or over the API, each with the register's name and the date
 * it lists the number. Stored as a keyed look-up hash beside the sealed
 * phone (personal data at rest), held in memory as hash → listing so a
 * check costs one hash and one map read.
 */
import type { FieldCipher } from '../../core/crypto.js';
import { phoneKey } from '../../core/personal.js';
import type { Store } from '../../core/store/store.js';

export interface DncListing {
  source: string;
  /** YYYY-MM-DD */
  listed_on: string;
}

export interface DncImport {
  source: string;
  listed_on: string;
  phones: readonly string[];
}

/** A listing as stored, and as the decision replicas share it (keyed by its hash): the phone sealed. */
export interface DncRow {
  phone_hash: string;
  phone_enc: string;
  source: string;
  listed_on: string;
  imported_at: string;
}

export interface DncImportResult {
  imported: number;
  already: number;
  invalid: number[];
}

/** Hashes kept of profile phones seen by checks; cleared past this many. */
const HASH_CACHE = 100_000;

export class DncRegister {
  private readonly listed = new Map<string, DncListing>();
  private readonly hashes = new Map<string, string | null>();
  private applying: Promise<void> = Promise.resolve();
  /**
   * Where an import's new listings go before they are taken here (the
   * decision replicas' shared topic); absent: nowhere, one process.
   */
  share: ((rows: readonly DncRow[]) => Promise<void>) | undefined;

  private constructor(
    private readonly store: Store,
    private readonly cipher: FieldCipher,
  ) {}

  /** The register as stored. */
  static async open(store: Store, cipher: FieldCipher): Promise<DncRegister> {
    const r = new DncRegister(store, cipher);
    const rows = await store.query<{ phone_hash: string; source: string; listed_on: string }>(
      'SELECT phone_hash, source, listed_on FROM dnc_register',
    );
    for (const { phone_hash, ...listing } of rows) r.listed.set(phone_hash, listing);
    return r;
  }

  get size(): number {
    return this.listed.size;
  }

  /** The listing of a phone number, or null (no phone, not a number, not listed). */
  match(phone: string | null): DncListing | null {
    if (phone === null || this.listed.size === 0) return null;
    let hash = this.hashes.get(phone);
    if (hash === undefined) {
      const key = phoneKey(phone);
      hash = key === null ? null : this.cipher.lookupHash(key);
      if (this.hashes.size >= HASH_CACHE) this.hashes.clear();
      this.hashes.set(phone, hash);
    }
    return (hash !== null && this.listed.get(hash)) || null;
  }

  /**
   * Adds a register's phones; one listed already keeps its first listing.
   * `relayed`: another replica shared them already.
   */
  async import(list: DncImport, nowIso: string, relayed = false): Promise<DncImportResult> {
    const invalid: number[] = [];
    const fresh = new Map<string, string>();
    list.phones.forEach((phone, i) => {
      const key = phoneKey(phone);
      if (key === null) return void invalid.push(i);
      const hash = this.cipher.lookupHash(key);
      if (!this.listed.has(hash)) fresh.set(hash, key);
    });
    const rows = [...fresh].map(([phone_hash, key]) => ({
      phone_hash,
      phone_enc: this.cipher.encrypt(key),
      source: list.source,
      listed_on: list.listed_on,
      imported_at: nowIso,
    }));
    if (rows.length && !relayed) await this.share?.(rows);
    await this.apply(rows);
    const valid = list.phones.length - invalid.length;
    return { imported: rows.length, already: valid - rows.length, invalid };
  }

  /** Stores and lists the rows not listed yet (an import's, or those another replica shared). */
  apply(rows: readonly DncRow[]): Promise<void> {
    // One at a time: two imports of one phone store it once.
    const applied = this.applying.then(() => this.storeFresh(rows));
    this.applying = applied.catch(() => undefined);
    return applied;
  }

  private async storeFresh(rows: readonly DncRow[]): Promise<void> {
    const fresh = [...new Map(rows.map((r) => [r.phone_hash, r])).values()].filter(
      (r) => !this.listed.has(r.phone_hash),
    );
    if (!fresh.length) return;
    await this.store.transaction((tx) =>
      tx.append(
        'dnc_register',
        {
          phone_hash: 'VARCHAR',
          phone_enc: 'VARCHAR',
          source: 'VARCHAR',
          listed_on: 'VARCHAR',
          imported_at: 'VARCHAR',
        },
        fresh,
      ),
    );
    for (const r of fresh)
      this.listed.set(r.phone_hash, { source: r.source, listed_on: r.listed_on });
  }
}
