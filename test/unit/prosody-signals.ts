// Synthetic test signals with known pitch, timing and level.

/** Deterministic uniform noise in -1..1 (mulberry32), so failures reproduce. */
export function noise(n: number, seed = 1, amp = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = amp * ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  }
  return out;
}

export function sine(hz: number, seconds: number, rate: number, amp = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = amp * Math.sin((2 * Math.PI * hz * i) / rate);
  return out;
}

/** A buzz of the given harmonics (1 = fundamental) with 1/k amplitudes, like a glottal source. */
export function harmonics(
  f0: number,
  seconds: number,
  rate: number,
  ks: readonly number[],
  amp = 0.3,
): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (const k of ks) {
    if (k * f0 >= rate / 2) continue;
    for (let i = 0; i < out.length; i++) {
      out[i] = (out[i] ?? 0) + (amp / k) * Math.sin((2 * Math.PI * k * f0 * i) / rate);
    }
  }
  return out;
}

/** Raised-cosine fade in and out, so bursts have a syllable-like envelope and no clicks. */
export function shaped(x: Float32Array, rate: number, fadeS = 0.02): Float32Array {
  const fade = Math.min(Math.round(fadeS * rate), x.length >> 1);
  const out = Float32Array.from(x);
  for (let i = 0; i < fade; i++) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * i) / fade);
    out[i] = (out[i] ?? 0) * g;
    out[out.length - 1 - i] = (out[out.length - 1 - i] ?? 0) * g;
  }
  return out;
}

export function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const silence = (seconds: number, rate: number): Float32Array =>
  new Float32Array(Math.round(seconds * rate));

/**
 * `count` bursts of `burstS` made by `make`, separated by `gapS` of
 * silence, with `edgeS` of silence before and after (an endpointer's margin).
 */
export function bursts(
  count: number,
  burstS: number,
  gapS: number,
  rate: number,
  make: (i: number) => Float32Array,
  edgeS = 0.3,
): Float32Array {
  const parts: Float32Array[] = [silence(edgeS, rate)];
  for (let i = 0; i < count; i++) {
    if (i > 0) parts.push(silence(gapS, rate));
    parts.push(shaped(make(i).subarray(0, Math.round(burstS * rate)), rate));
  }
  parts.push(silence(edgeS, rate));
  return concat(parts);
}

export const add = (a: Float32Array, b: Float32Array): Float32Array =>
  a.map((v, i) => v + (b[i] ?? 0));

export const scale = (a: Float32Array, g: number): Float32Array => a.map((v) => v * g);
