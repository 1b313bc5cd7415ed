import { invalidArgument } from '../errors.js';

/** One precision/recall point: predicting positive when score >= threshold. */
export interface PrecisionRecallPoint {
  readonly threshold: number;
  readonly recall: number;
  readonly precision: number;
}

/**
 * The empirical precision/recall curve, one point per distinct score, by decreasing threshold (increasing recall).
 * Average precision (area by the step rule, as in scikit-learn's `average_precision_score`) comes with it.
 *
 * @param scores Higher = more likely positive.
 * @param labels `true` for positives.
 * @returns Points (empty when there are no positives) and the average precision (`NaN` without positives).
 */
export function precisionRecallCurve(scores: ArrayLike<number>, labels: ArrayLike<boolean>): { points: PrecisionRecallPoint[]; averagePrecision: number } {
  if (scores.length !== labels.length) throw invalidArgument('labels', `${scores.length} labels`, labels.length);
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i]) positives++;
  if (positives === 0) return { points: [], averagePrecision: Number.NaN };
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const points: PrecisionRecallPoint[] = [];
  let tp = 0;
  let predicted = 0;
  let averagePrecision = 0;
  let previousRecall = 0;
  for (let start = 0; start < n;) {
    const threshold = scores[order[start]!]!;
    let end = start;
    while (end < n && scores[order[end]!]! === threshold) {
      if (labels[order[end]!]) tp++;
      predicted++;
      end++;
    }
    const recall = tp / positives;
    const precision = tp / predicted;
    averagePrecision += (recall - previousRecall) * precision;
    previousRecall = recall;
    points.push({ threshold, recall, precision });
    start = end;
  }
  return { points, averagePrecision };
}
