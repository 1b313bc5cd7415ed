import { invalidArgument } from '../errors.js';

/**
 * Confusion matrix: `matrix[truth][predicted]` counts.
 *
 * @param truth True classes, integers 0 … classes − 1.
 * @param predicted Predicted classes, same length.
 * @param classes Number of classes. @default 5 (ICDR grades)
 */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes = 5): number[][] {
  if (truth.length !== predicted.length) throw invalidArgument('predicted', `${truth.length} predictions`, predicted.length);
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= classes) throw invalidArgument(`truth[${i}]`, `a class 0–${classes - 1}`, t);
    if (!Number.isInteger(p) || p < 0 || p >= classes) throw invalidArgument(`predicted[${i}]`, `a class 0–${classes - 1}`, p);
    matrix[t]![p]!++;
  }
  return matrix;
}
