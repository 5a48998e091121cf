/**
 * Term ids for the indexer, looked up by a token's bounds in the folded
 * chunk, with a string made only the first time a term is seen: a Map keyed
 * by a fresh substring per token cost the indexer most of its time. Single
 * characters (CJK unigrams) index an array; other terms an open-addressing
 * table of (hash, tag) pairs. A two-unit term (a CJK bigram) is told by its
 * hash alone, a bijection of its two code units, so finding it touches no
 * string; longer ones are compared.
 */
export class TermTable {
  /** By id. */
  readonly terms: string[] = [];
  private readonly single = new Int32Array(0x10000).fill(-1);
  /** Pairs of (hash, tag): tag -(id + 1) for two-unit terms, id + 1 for longer ones, 0 when free. */
  private slots: Int32Array;

  /** `expected`: about how many terms there will be, so the table need not grow much. */
  constructor(expected = 2048) {
    let slots = 4096;
    while (slots < expected * 2) slots *= 2;
    this.slots = new Int32Array(slots * 2);
  }

  get size(): number {
    return this.terms.length;
  }

  /** The id of text[start, end), added if new. */
  id(text: string, start: number, end: number): number {
    const len = end - start;
    if (len === 1) {
      const code = text.charCodeAt(start);
      const id = this.single[code]!;
      return id >= 0 ? id : (this.single[code] = this.add(text.slice(start, end), -1, -1));
    }
    if (len === 2)
      return this.find(
        mix((text.charCodeAt(start) << 16) | text.charCodeAt(start + 1)),
        true,
        text,
        start,
        end,
      );
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return this.find(h, false, text, start, end);
  }

  /** The id of a whole string. */
  idOf(term: string): number {
    return this.id(term, 0, term.length);
  }

  private find(h: number, short: boolean, text: string, start: number, end: number): number {
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const tag = slots[2 * slot + 1]!;
      if (tag === 0) return this.add(text.slice(start, end), h, 2 * slot, short);
      if (slots[2 * slot] !== h) continue;
      if (short && tag < 0) return -tag - 1;
      if (!short && tag > 0 && same(this.terms[tag - 1]!, text, start, end)) return tag - 1;
    }
  }

  /** Adds a term; `at` is its slot's index in `slots`, or -1 for a single character. */
  private add(term: string, hash: number, at: number, short = false): number {
    const id = this.terms.length;
    this.terms.push(term);
    if (at < 0) return id;
    this.slots[at] = hash;
    this.slots[at + 1] = short ? -(id + 1) : id + 1;
    // At most half full, so probes stay short.
    if (this.terms.length * 4 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >>> 1) - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1] === 0) continue;
      let slot = old[s]! & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = old[s]!;
      slots[2 * slot + 1] = old[s + 1]!;
    }
    this.slots = slots;
  }
}

/** A bijection of 32-bit integers that spreads neighbouring keys (lowbias32). */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  return x ^ (x >>> 16);
}

function same(term: string, text: string, start: number, end: number): boolean {
  if (term.length !== end - start) return false;
  for (let i = 0; i < term.length; i++)
    if (term.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}
