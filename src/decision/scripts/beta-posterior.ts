/**
 * Seeded joint draws from the arms' Beta posteriors: the Monte Carlo behind
 * an experiment's P(best) and uplift, a pure function of the counts.
 */
import { seeded, type Rng } from '../../core/rng.js';

/** An arm's counts as the posterior needs them. */
export interface ArmCounts {
  variant: string;
  trials: number;
  conversions: number;
  /** Pseudo-counts the prior starts from (outcomes borrowed from elsewhere; fractional). */
  prior?: { trials: number; conversions: number };
}

/**
 * `draws` joint samples of every arm's conversion rate, Beta(1 + conversions,
 * 1 + failures) plus the arm's prior pseudo-counts, from a generator seeded by the options' seed, the cell and
 * the counts: the same counts always give the same draws.
 */
export function posteriorDraws(
  arms: readonly ArmCounts[],
  o: { seed: number; draws: number },
  key: string,
): Float64Array[] {
  const counts = arms
    .map(
      (a) =>
        `${a.variant}:${a.trials}:${a.conversions}` +
        (a.prior ? `:${a.prior.trials}:${a.prior.conversions}` : ''),
    )
    .join(',');
  const rng = seeded(fnv1a(`${o.seed}|${key}|${counts}`));
  const normal = normals(rng);
  return arms.map((a) => {
    const out = new Float64Array(o.draws);
    const wins = 1 + a.conversions + (a.prior?.conversions ?? 0);
    const losses =
      1 + a.trials - a.conversions + (a.prior ? a.prior.trials - a.prior.conversions : 0);
    for (let j = 0; j < o.draws; j++) out[j] = beta(wins, losses, rng, normal);
    return out;
  });
}

function beta(a: number, b: number, rng: Rng, normal: Rng): number {
  const x = gamma(a, rng, normal);
  return x / (x + gamma(b, rng, normal));
}

/** Marsaglia–Tsang for shape >= 1 (Beta(1 + k, …) never needs less). */
function gamma(shape: number, rng: Rng, normal: Rng): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return d * v;
  }
}

/** Standard normal draws by the Marsaglia polar method, both of each pair used. */
function normals(rng: Rng): Rng {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * rng() - 1;
      v = 2 * rng() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * f;
    return u * f;
  };
}

const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};
