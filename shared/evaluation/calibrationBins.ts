import { invalidArgument } from '../errors.js';

/** One reliability-diagram bin. `meanPredicted` and `observedRate` are `NaN` for an empty bin. */
export interface CalibrationBin {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

/** Options of {@link calibrationBins}. */
export interface CalibrationBinsOptions {
  /** Number of equal-width bins over [0, 1]. @default 10 */
  readonly bins?: number;
}

/**
 * Reliability diagram bins and the expected calibration error ECE = Σ (n_b / N) |observed_b − predicted_b|
 * (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017). A probability of exactly 1 falls in the
 * last bin.
 *
 * @param probabilities Predicted probabilities of the positive class, in [0, 1].
 * @param labels `true` for positives.
 */
export function calibrationBins(probabilities: ArrayLike<number>, labels: ArrayLike<boolean>, options: CalibrationBinsOptions = {}): { bins: CalibrationBin[]; expectedCalibrationError: number } {
  const count = options.bins ?? 10;
  if (!Number.isInteger(count) || count < 1) throw invalidArgument('bins', 'an integer >= 1', count);
  if (probabilities.length !== labels.length) throw invalidArgument('labels', `${probabilities.length} labels`, labels.length);
  const n = new Array<number>(count).fill(0);
  const sumP = new Array<number>(count).fill(0);
  const positives = new Array<number>(count).fill(0);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    if (!(p >= 0 && p <= 1)) throw invalidArgument(`probabilities[${i}]`, 'a number in [0, 1]', p);
    const b = Math.min(count - 1, Math.floor(p * count));
    n[b]!++;
    sumP[b]! += p;
    if (labels[i]) positives[b]!++;
  }
  let ece = 0;
  const bins = n.map((c, b) => {
    const meanPredicted = c === 0 ? Number.NaN : sumP[b]! / c;
    const observedRate = c === 0 ? Number.NaN : positives[b]! / c;
    if (c > 0) ece += (c / probabilities.length) * Math.abs(observedRate - meanPredicted);
    return { lo: b / count, hi: (b + 1) / count, count: c, meanPredicted, observedRate };
  });
  return { bins, expectedCalibrationError: probabilities.length === 0 ? Number.NaN : ece };
}
