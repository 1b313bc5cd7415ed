import { invalidArgument } from '../errors.js';

/** Counts and rates of a binary decision. Rates are `NaN` when their denominator is zero. */
export interface BinaryMetrics {
  readonly n: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly accuracy: number;
  /** tp / (tp + fn), the true-positive rate. */
  readonly sensitivity: number;
  /** tn / (tn + fp), the true-negative rate. */
  readonly specificity: number;
  /** tp / (tp + fp), the positive predictive value. */
  readonly precision: number;
}

/**
 * Binary metrics at one threshold: a case is called positive when its score >= threshold (the manifest's rule
 * for referable DR).
 */
export function binaryMetrics(scores: ArrayLike<number>, labels: ArrayLike<boolean>, threshold: number): BinaryMetrics {
  if (scores.length !== labels.length) throw invalidArgument('labels', `${scores.length} labels`, labels.length);
  if (Number.isNaN(threshold)) throw invalidArgument('threshold', 'a number', threshold);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const positive = scores[i]! >= threshold;
    if (labels[i]) {
      if (positive) tp++;
      else fn++;
    } else if (positive) fp++;
    else tn++;
  }
  const n = scores.length;
  const ratio = (a: number, b: number) => (b === 0 ? Number.NaN : a / b);
  return { n, tp, fp, tn, fn, accuracy: ratio(tp + tn, n), sensitivity: ratio(tp, tp + fn), specificity: ratio(tn, tn + fp), precision: ratio(tp, tp + fp) };
}
