import { seededShuffle } from '../evaluation/seededShuffle.js';
import { rocCurve } from '../evaluation/rocCurve.js';
import { referableProbability, type IcdrGrade } from './gradeTable.js';
import { fitMultinomialLogistic, predictMultinomialLogistic, type MultinomialLogistic } from './multinomialLogistic.js';

/** One labelled photograph for the lesion-based grade. */
export interface GradingSample {
  readonly id: string;
  /** Photographs with the same group (duplicates) always share a fold. */
  readonly group: string;
  readonly grade: IcdrGrade;
  readonly features: readonly number[];
}

/** A named referable operating point: the guarantee is in the name (`sensitivity_0.90` = sensitivity ≥ 0.90). */
export interface NamedThreshold {
  readonly name: string;
  readonly threshold: number;
}

/** The guarantees of the operating points, from the lowest threshold to the highest. */
export const operatingPointTargets = [
  { name: 'sensitivity_0.95', kind: 'sensitivity', value: 0.95 },
  { name: 'sensitivity_0.90', kind: 'sensitivity', value: 0.9 },
  { name: 'specificity_0.90', kind: 'specificity', value: 0.9 },
  { name: 'specificity_0.95', kind: 'specificity', value: 0.95 },
] as const;

/**
 * Folds stratified by grade with duplicates together: groups (their highest grade) are shuffled with a seed, sorted
 * by grade, and dealt round-robin, so each fold holds about 1/k of every grade.
 */
export function stratifiedGroupFolds(samples: readonly GradingSample[], k: number, seed = 17): Map<string, number> {
  const gradeOf = new Map<string, number>();
  for (const s of samples) gradeOf.set(s.group, Math.max(gradeOf.get(s.group) ?? 0, s.grade));
  const groups = seededShuffle([...gradeOf.keys()].sort(), seed).sort((a, b) => gradeOf.get(a)! - gradeOf.get(b)!);
  const out = new Map<string, number>();
  groups.forEach((g, i) => out.set(g, i % k));
  return out;
}

/**
 * Referable thresholds meeting each guarantee on the given (out-of-fold) scores: for `sensitivity_x` the highest
 * threshold whose sensitivity is ≥ x, for `specificity_x` the lowest whose specificity is ≥ x. Returned in the
 * order of {@link operatingPointTargets}, thresholds non-decreasing.
 */
export function chooseOperatingPoints(scores: readonly number[], referable: readonly boolean[]): NamedThreshold[] {
  const curve = rocCurve(scores, referable);
  const out: NamedThreshold[] = [];
  let floor = 0;
  for (const t of operatingPointTargets) {
    let threshold: number;
    if (t.kind === 'sensitivity') {
      const ok = curve.filter((p) => p.tpr >= t.value && Number.isFinite(p.threshold));
      threshold = ok.length ? Math.max(...ok.map((p) => p.threshold)) : 0;
    } else {
      const ok = curve.filter((p) => 1 - p.fpr >= t.value && Number.isFinite(p.threshold));
      threshold = ok.length ? Math.min(...ok.map((p) => p.threshold)) : 1;
    }
    floor = Math.max(floor, threshold);
    out.push({ name: t.name, threshold: floor });
  }
  return out;
}

/** Out-of-fold predictions and the thresholds each fold chose without seeing itself. */
export interface CrossValidationResult {
  /** Per sample (input order): out-of-fold probabilities of grades 0–4. */
  readonly probabilities: number[][];
  /** Per sample: its fold. */
  readonly fold: number[];
  /** Per fold: operating points chosen on inner out-of-fold predictions of the other folds. */
  readonly thresholds: NamedThreshold[][];
}

/** Options of {@link crossValidateLesionGrading}. */
export interface CrossValidateOptions {
  readonly folds?: number;
  readonly l2?: number;
  readonly seed?: number;
  readonly iterations?: number;
}

/**
 * k-fold cross-validation of the lesion-based grade (multinomial logistic regression on lesion features): each
 * fold is predicted by a model fitted on the others, and its operating points are chosen on inner out-of-fold
 * predictions of those others (nested), so no reported figure was tuned on the photographs it is reported on.
 */
export function crossValidateLesionGrading(samples: readonly GradingSample[], featureNames: readonly string[], options: CrossValidateOptions = {}): CrossValidationResult {
  const k = options.folds ?? 5;
  const folds = stratifiedGroupFolds(samples, k, options.seed);
  const fold = samples.map((s) => folds.get(s.group)!);
  const probabilities: number[][] = samples.map(() => []);
  const thresholds: NamedThreshold[][] = [];
  for (let f = 0; f < k; f++) {
    const train = samples.filter((_, i) => fold[i] !== f);
    const model = fitLesionGrading(train, featureNames, options);
    samples.forEach((s, i) => { if (fold[i] === f) probabilities[i] = predictMultinomialLogistic(model, s.features); });
    thresholds.push(innerOperatingPoints(train, featureNames, k - 1, options));
  }
  return { probabilities, fold, thresholds };
}

/** The final model: fitted on every sample; class-balanced, so rare grades are not ignored. */
export function fitLesionGrading(samples: readonly GradingSample[], featureNames: readonly string[], options: CrossValidateOptions = {}): MultinomialLogistic {
  const counts = [0, 0, 0, 0, 0];
  for (const s of samples) counts[s.grade]!++;
  const weights = samples.map((s) => samples.length / (5 * Math.max(1, counts[s.grade]!)));
  return fitMultinomialLogistic(samples.map((s) => s.features), samples.map((s) => s.grade), 5, featureNames, {
    l2: options.l2 ?? 0.05, sampleWeights: weights, ...(options.iterations ? { iterations: options.iterations } : {}),
  });
}

/** Operating points from inner out-of-fold predictions of `samples` (the outer training folds). */
export function innerOperatingPoints(samples: readonly GradingSample[], featureNames: readonly string[], k: number, options: CrossValidateOptions = {}): NamedThreshold[] {
  const folds = stratifiedGroupFolds(samples, k, (options.seed ?? 17) + 1);
  const scores = new Array<number>(samples.length).fill(0);
  for (let f = 0; f < k; f++) {
    const model = fitLesionGrading(samples.filter((s) => folds.get(s.group) !== f), featureNames, options);
    samples.forEach((s, i) => { if (folds.get(s.group) === f) scores[i] = referableProbability(predictMultinomialLogistic(model, s.features)); });
  }
  return chooseOperatingPoints(scores, samples.map((s) => s.grade >= 2));
}
