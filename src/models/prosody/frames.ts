/**
 * The shared time grid: every per-frame track (energy, pitch, syllable
 * envelope) has frame i centred at `firstCenterS + i * hopS`, so tracks line
 * up by index whatever window each one needs.
 */
export interface FrameGrid {
  hopS: number;
  firstCenterS: number;
  count: number;
}

/** Digital silence has no finite level; this floor keeps percentiles and means finite. */
export const FLOOR_DB = -100;

export function frameGrid(
  length: number,
  sampleRate: number,
  hopMs: number,
  windowMs: number,
): FrameGrid {
  const hop = Math.max(1, Math.round((hopMs / 1000) * sampleRate));
  const win = Math.max(1, Math.round((windowMs / 1000) * sampleRate));
  const count = length >= win ? Math.floor((length - win) / hop) + 1 : length > 0 ? 1 : 0;
  return { hopS: hop / sampleRate, firstCenterS: win / 2 / sampleRate, count };
}

/** Power (mean square) in a window of `windowS` centred on each frame of the grid. */
export function framePower(
  x: Float32Array,
  sampleRate: number,
  grid: FrameGrid,
  windowS: number,
): Float64Array {
  const win = Math.max(1, Math.round(windowS * sampleRate));
  const out = new Float64Array(grid.count);
  for (let i = 0; i < grid.count; i++) {
    const centre = Math.round((grid.firstCenterS + i * grid.hopS) * sampleRate);
    const start = Math.max(0, centre - (win >> 1));
    const end = Math.min(x.length, start + win);
    let sum = 0;
    for (let j = start; j < end; j++) {
      const s = x[j] ?? 0;
      sum += s * s;
    }
    out[i] = end > start ? sum / (end - start) : 0;
  }
  return out;
}

export const toDb = (power: number): number =>
  power > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(power)) : FLOOR_DB;

/** Linear-interpolated percentile (p in 0..100); NaN for no values. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (pos - lo);
}

/** Centred moving average over `width` frames (odd widths keep peaks in place). */
export function smooth(x: Float64Array, width: number): Float64Array {
  const half = Math.max(0, Math.floor(width / 2));
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let sum = 0;
    let n = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(x.length - 1, i + half); j++) {
      sum += x[j] ?? 0;
      n++;
    }
    out[i] = sum / n;
  }
  return out;
}
