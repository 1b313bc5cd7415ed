import { invalidArgument } from '../errors.js';
import { mulberry32 } from '../synth/mulberry32.js';

/** Options of {@link bootstrapCi}. */
export interface BootstrapCiOptions {
  /** Number of resamples. @default 2000 */
  readonly resamples?: number;
  /** Two-sided confidence level. @default 0.95 */
  readonly confidence?: number;
  /** Seed of the resampling, so a report is reproducible. @default 1 */
  readonly seed?: number;
}

/**
 * Percentile bootstrap confidence interval (Efron & Tibshirani, An Introduction to the Bootstrap, 1993, ch. 13):
 * resample the n cases with replacement, recompute the statistic, and take the α/2 and 1 − α/2 quantiles
 * (linear interpolation between order statistics). Resamples whose statistic is not finite (e.g. an AUC drawn
 * with a single class) are skipped.
 *
 * @param n Number of cases.
 * @param statistic Computes the statistic from the case indices of one resample (indices may repeat).
 * @returns [lo, hi], or [NaN, NaN] when no resample gave a finite value.
 */
export function bootstrapCi(n: number, statistic: (indices: Uint32Array) => number, options: BootstrapCiOptions = {}): [number, number] {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(n) || n < 0) throw invalidArgument('n', 'an integer >= 0', n);
  if (!Number.isInteger(resamples) || resamples < 1) throw invalidArgument('resamples', 'an integer >= 1', resamples);
  if (!(confidence > 0 && confidence < 1)) throw invalidArgument('confidence', 'a number in (0, 1)', confidence);
  if (n === 0) return [Number.NaN, Number.NaN];
  const random = mulberry32(options.seed ?? 1);
  const indices = new Uint32Array(n);
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    const value = statistic(indices);
    if (Number.isFinite(value)) values.push(value);
  }
  if (values.length === 0) return [Number.NaN, Number.NaN];
  values.sort((a, b) => a - b);
  const alpha = 1 - confidence;
  return [quantile(values, alpha / 2), quantile(values, 1 - alpha / 2)];
}

function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
