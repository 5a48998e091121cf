/**
 * Bounds on untrusted JSON, checked before anything else touches it: nesting
 * depth (measured on the text, so a 100,000-deep document never reaches a
 * recursive parser or validator) and well-formed UTF-16 (a lone surrogate
 * survives JSON.parse but fails DuckDB's JSON cast at commit time).
 */

/** Deepest nesting of objects and arrays in a JSON text, in one linear pass. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

// With the u flag a surrogate pair is one code point, so only lone halves match.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The path of the first string (key or value) holding a lone surrogate, or
 * of a `__proto__` key (JSON.parse makes it an own property, which a later
 * spread or assignment turns into a prototype); undefined when all is well.
 * Depth is bounded by the caller (jsonDepth) or by the schema that produced the value.
 */
export function illFormedPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path || '(value)' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = illFormedPath(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (LONE_SURROGATE.test(k) || k === '__proto__') return `${path || '(object)'} key`;
    const bad = illFormedPath(v, at);
    if (bad) return bad;
  }
  return undefined;
}

export type Bounded = { ok: true; value: unknown } | { ok: false; reason: string };

/** Whether `text` holds at most `n` of `{` and `[` (so it cannot nest deeper than n). */
function fewBrackets(text: string, n: number): boolean {
  let count = 0;
  for (const open of ['{', '[']) {
    for (let i = text.indexOf(open); i !== -1; i = text.indexOf(open, i + 1))
      if (++count > n) return false;
  }
  return true;
}

/**
 * JSON.parse with a depth limit and well-formed strings, or the reason it
 * was refused. The checks cost next to nothing on ordinary input: the depth
 * is scanned only when the text holds more brackets than the limit, and the
 * strings walked only when the text holds a \u escape or a __proto__ (text
 * decoded from UTF-8 or made by JSON.stringify has no lone surrogate otherwise).
 */
export function parseBoundedJson(text: string, maxDepth: number): Bounded {
  if (!fewBrackets(text, maxDepth)) {
    const depth = jsonDepth(text);
    if (depth > maxDepth)
      return { ok: false, reason: `JSON nests ${depth} levels deep; at most ${maxDepth}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `malformed JSON: ${(err as Error).message}` };
  }
  const suspect = text.includes('\\u') || text.includes('__proto__') || LONE_SURROGATE.test(text);
  const bad = suspect ? illFormedPath(value) : undefined;
  if (bad) return { ok: false, reason: `${bad}: a lone UTF-16 surrogate or a __proto__ key` };
  return { ok: true, value };
}
