import { invalidArgument } from '../errors.js';

/** One ROC point: predicting positive when score >= threshold gives this false- and true-positive rate. */
export interface RocPoint {
  /** `Infinity` for the first point (nothing predicted positive). */
  readonly threshold: number;
  readonly fpr: number;
  readonly tpr: number;
}

/**
 * The empirical ROC curve, one point per distinct score (ties move diagonally), from (0, 0) to (1, 1).
 * Its trapezoidal area equals {@link import('./rocAuc.js').rocAuc}.
 *
 * @param scores Higher = more likely positive.
 * @param labels `true` for positives.
 * @returns The points by decreasing threshold; empty when there are no positives or no negatives.
 */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<boolean>): RocPoint[] {
  if (scores.length !== labels.length) throw invalidArgument('labels', `${scores.length} labels`, labels.length);
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i]) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return [];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const points: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let start = 0; start < n;) {
    const threshold = scores[order[start]!]!;
    let end = start;
    while (end < n && scores[order[end]!]! === threshold) {
      if (labels[order[end]!]) tp++;
      else fp++;
      end++;
    }
    points.push({ threshold, fpr: fp / negatives, tpr: tp / positives });
    start = end;
  }
  return points;
}
