/** The distributions the twin draws from, over the seeded `Rng` (core/rng.ts). */
import type { Rng } from '../core/rng.js';

/** z of the 95th percentile of a standard normal. */
const Z95 = 1.6448536;

export function normal(rng: Rng): number {
  // Box–Muller; 1 - rng() keeps the logarithm's argument above 0.
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** A log-normal given by its median and 95th percentile. */
export function logNormal(rng: Rng, median: number, p95: number): number {
  const sigma = Math.log(p95 / median) / Z95;
  return median * Math.exp(sigma * normal(rng));
}

/** Marsaglia–Tsang, with the boost for shapes below 1. */
function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * rng() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rng);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A Beta of this mean and standard deviation (the scenario checks spread² < mean(1 − mean)). */
export function beta(rng: Rng, mean: number, spread: number): number {
  const k = (mean * (1 - mean)) / spread ** 2 - 1;
  const a = gamma(rng, mean * k);
  return a / (a + gamma(rng, (1 - mean) * k));
}

export const logUniform = (rng: Rng, lo: number, hi: number): number =>
  lo <= 0 ? lo + rng() * (hi - lo) : lo * (hi / lo) ** rng();

export const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
