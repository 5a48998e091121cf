import type { Clock } from '../../core/clock.js';
import type { GateVerdict } from './gate.js';

/** What a generated line depends on, for reuse: the node, the customer's intent and the facts retrieved. */
export interface GenerationKey {
  node: string;
  intent: string;
  /** The retrieved facts' ids, in any order. */
  factIds: readonly string[];
}

export interface GenerationCacheOptions {
  clock: Clock;
  /** Lines kept; the least recently used goes first (default 1000). */
  maxEntries?: number;
  /** How long a line is reused, on the clock (default an hour). */
  ttlMs?: number;
}

interface Entry {
  text: string;
  expiresAt: number;
}

/**
 * Lines that passed the gate, reused for a repeated question: an LRU bound
 * and a time to live on the platform's clock. A line the gate blocked is
 * never stored, so a cached line needs no second look.
 */
export class GenerationCache {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private counts = { hits: 0, misses: 0 };

  constructor(opts: GenerationCacheOptions) {
    this.clock = opts.clock;
    this.maxEntries = Math.max(1, opts.maxEntries ?? 1000);
    this.ttlMs = opts.ttlMs ?? 3_600_000;
  }

  /** Reads answered and not, and the lines held now. */
  get stats(): { hits: number; misses: number; size: number } {
    return { ...this.counts, size: this.entries.size };
  }

  /** The line for this key, if one is stored and fresh. */
  get(key: GenerationKey): string | undefined {
    const k = keyOf(key);
    const entry = this.entries.get(k);
    if (!entry || entry.expiresAt <= this.clock.now()) {
      if (entry) this.entries.delete(k);
      this.counts.misses++;
      return undefined;
    }
    // Map order is the recency order: the line read moves to the end.
    this.entries.delete(k);
    this.entries.set(k, entry);
    this.counts.hits++;
    return entry.text;
  }

  /** Stores the line if the gate let it through; returns whether it was stored. */
  set(key: GenerationKey, text: string, verdict: GateVerdict): boolean {
    if (!verdict.ok) return false;
    const k = keyOf(key);
    this.entries.delete(k);
    this.entries.set(k, { text, expiresAt: this.clock.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return true;
  }
}

const keyOf = (key: GenerationKey): string =>
  JSON.stringify([key.node, key.intent, [...key.factIds].sort()]);
