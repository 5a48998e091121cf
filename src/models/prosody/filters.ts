/**
 * Second-order IIR sections (bilinear-transform designs after R. Bristow-Johnson's
 * "Audio EQ Cookbook"). Two sections with the Butterworth Q pair make a 4th-order
 * Butterworth: flat in the pass band, 24 dB/octave outside it, which is enough
 * to keep fricative hiss out of the syllable envelope and aliasing out of a
 * decimated pitch signal, at a few multiplies per sample.
 */
interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

const BUTTERWORTH_4_Q = [0.5411961, 1.306563];

function section(kind: 'low' | 'high', cutoffHz: number, sampleRate: number, q: number): Biquad {
  const w = (2 * Math.PI * cutoffHz) / sampleRate;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / (2 * q);
  const a0 = 1 + alpha;
  const edge = kind === 'low' ? (1 - cos) / 2 : (1 + cos) / 2;
  const mid = kind === 'low' ? 1 - cos : -(1 + cos);
  return {
    b0: edge / a0,
    b1: mid / a0,
    b2: edge / a0,
    a1: (-2 * cos) / a0,
    a2: (1 - alpha) / a0,
  };
}

function run(x: Float32Array, f: Biquad): Float32Array {
  const y = new Float32Array(x.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i] ?? 0;
    const y0 = f.b0 * x0 + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2;
    y[i] = y0;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
  }
  return y;
}

/** 4th-order Butterworth low- or high-pass. */
export function butterworth4(
  x: Float32Array,
  kind: 'low' | 'high',
  cutoffHz: number,
  sampleRate: number,
): Float32Array {
  return BUTTERWORTH_4_Q.reduce((y, q) => run(y, section(kind, cutoffHz, sampleRate, q)), x);
}

/** Band-pass as a high-pass then a low-pass; the upper edge is kept below Nyquist. */
export function bandPass(
  x: Float32Array,
  lowHz: number,
  highHz: number,
  sampleRate: number,
): Float32Array {
  const high = Math.min(highHz, 0.45 * sampleRate);
  return butterworth4(butterworth4(x, 'high', lowHz, sampleRate), 'low', high, sampleRate);
}

/**
 * Integer-factor decimation so that the result is at most `maxRate`. Pitch
 * search cost grows with the square of the sample rate and F0 needs far less
 * than 16 kHz, so this is where 22–48 kHz input gets cheap.
 */
export function decimate(
  x: Float32Array,
  sampleRate: number,
  maxRate: number,
): { samples: Float32Array; sampleRate: number } {
  const factor = Math.ceil(sampleRate / maxRate);
  if (factor <= 1) return { samples: x, sampleRate };
  const rate = sampleRate / factor;
  const smooth = butterworth4(x, 'low', 0.4 * rate, sampleRate);
  const out = new Float32Array(Math.floor(x.length / factor));
  for (let i = 0; i < out.length; i++) out[i] = smooth[i * factor] ?? 0;
  return { samples: out, sampleRate: rate };
}

/** Subtracts the mean: telephone codecs and cheap ADCs leave DC that reads as energy. */
export function removeDc(x: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] ?? 0;
  const mean = x.length > 0 ? sum / x.length : 0;
  return x.map((s) => s - mean);
}

/**
 * Any-rate conversion: low-pass below the lower Nyquist, then linear
 * interpolation. Linear interpolation alone would alias; after the 4th-order
 * low-pass it is good enough for analysis (and for turning test speech into
 * 8 kHz telephone audio), not for listening.
 */
export function resample(x: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return x;
  const src = toRate < fromRate ? butterworth4(x, 'low', 0.45 * toRate, fromRate) : x;
  const out = new Float32Array(Math.floor((x.length * toRate) / fromRate));
  const step = fromRate / toRate;
  for (let i = 0; i < out.length; i++) {
    const t = i * step;
    const k = Math.floor(t);
    const f = t - k;
    out[i] = (src[k] ?? 0) * (1 - f) + (src[k + 1] ?? src[k] ?? 0) * f;
  }
  return out;
}
