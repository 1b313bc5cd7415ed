import { binaryTasks, type BinaryTaskName } from '../grading/gradeTable.js';
import { binaryMetrics } from './binaryMetrics.js';
import { binaryTaskScores } from './binaryTaskScores.js';
import { bootstrapCi, type BootstrapCiOptions } from './bootstrapCi.js';
import { confusionMatrix } from './confusionMatrix.js';
import { defaultReferableThreshold, scoreCases, type EvaluationCase, type ScoredCase } from './EvaluationCase.js';
import { quadraticKappa } from './quadraticKappa.js';
import { rocAuc } from './rocAuc.js';

/** Metrics of one binary task. `null` where undefined (e.g. no positives). */
export interface TaskMetrics {
  readonly auc: number | null;
  readonly accuracy: number | null;
  readonly sensitivity: number | null;
  readonly specificity: number | null;
  /** Cases whose true grade belongs to the task. */
  readonly n: number;
}

/** The JSON printed by `drgrade evaluate --json`. */
export interface EvaluationReport {
  /** Labelled photographs with a result (graded or not). */
  readonly images: number;
  /** Photographs whose result was 'ungradable' or 'rejected': excluded from every metric below. */
  readonly ungradable: number;
  /** Referable DR (grade >= 2) scored by P(grade >= 2). */
  readonly referable: {
    readonly auc: number | null;
    readonly aucCi95: [number | null, number | null];
    readonly accuracy: number | null;
    readonly sensitivity: number | null;
    readonly specificity: number | null;
    readonly threshold: number;
  };
  /** The five ICDR grades: predicted grade vs true grade. `confusion[truth][predicted]`. */
  readonly fiveClass: { readonly accuracy: number | null; readonly quadraticKappa: number | null; readonly confusion: number[][] };
  readonly tasks: Readonly<Record<BinaryTaskName, TaskMetrics>>;
  /** Referable sensitivity and specificity at each operating point. */
  readonly operatingPoints: { readonly name: string; readonly threshold: number; readonly sensitivity: number | null; readonly specificity: number | null }[];
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Referable threshold for `referable`. @default the threshold most results were decided with, else 0.5 */
  readonly referableThreshold?: number;
  /** Operating points to report. @default the distinct operating points named in the results */
  readonly operatingPoints?: readonly { readonly name: string; readonly threshold: number }[];
  /** Threshold on a binary task's renormalised score. @default 0.5 */
  readonly taskThreshold?: number;
  /** Bootstrap of the referable AUC's 95 % interval. @default 2000 resamples, seed 1 */
  readonly bootstrap?: BootstrapCiOptions;
}

/**
 * Evaluates results against labels with the reference system's metrics: referable AUC with a bootstrap 95 %
 * interval, accuracy, sensitivity and specificity at the operating point; five-class accuracy, quadratic kappa
 * and confusion matrix; the three binary tasks; sensitivity/specificity at each operating point.
 */
export function evaluate(cases: readonly EvaluationCase[], options: EvaluateOptions = {}): EvaluationReport {
  const { scored, ungradable } = scoreCases(cases);
  const referableLabels = scored.map((c) => c.truthGrade >= 2);
  const referableScores = scored.map((c) => c.referableScore);
  const threshold = options.referableThreshold ?? mostCommonThreshold(scored);
  const atThreshold = binaryMetrics(referableScores, referableLabels, threshold);
  const [lo, hi] = bootstrapCi(scored.length, (indices) => {
    const s = new Float64Array(indices.length);
    const l = new Array<boolean>(indices.length);
    for (let i = 0; i < indices.length; i++) {
      s[i] = referableScores[indices[i]!]!;
      l[i] = referableLabels[indices[i]!]!;
    }
    return rocAuc(s, l);
  }, options.bootstrap);

  const confusion = confusionMatrix(scored.map((c) => c.truthGrade), scored.map((c) => c.predictedGrade));
  const correct = confusion.reduce((sum, row, i) => sum + row[i]!, 0);

  const taskThreshold = options.taskThreshold ?? 0.5;
  const tasks = Object.fromEntries((Object.keys(binaryTasks) as BinaryTaskName[]).map((task) => {
    const { scores, labels } = binaryTaskScores(task, scored);
    const m = binaryMetrics(scores, labels, taskThreshold);
    return [task, { auc: finite(rocAuc(scores, labels)), accuracy: finite(m.accuracy), sensitivity: finite(m.sensitivity), specificity: finite(m.specificity), n: scores.length }];
  })) as Record<BinaryTaskName, TaskMetrics>;

  const points = options.operatingPoints ?? distinctOperatingPoints(scored);
  const operatingPoints = points.map((p) => {
    const m = binaryMetrics(referableScores, referableLabels, p.threshold);
    return { name: p.name, threshold: p.threshold, sensitivity: finite(m.sensitivity), specificity: finite(m.specificity) };
  });

  return {
    images: cases.length,
    ungradable,
    referable: {
      auc: finite(rocAuc(referableScores, referableLabels)),
      aucCi95: [finite(lo), finite(hi)],
      accuracy: finite(atThreshold.accuracy),
      sensitivity: finite(atThreshold.sensitivity),
      specificity: finite(atThreshold.specificity),
      threshold,
    },
    fiveClass: { accuracy: scored.length === 0 ? null : correct / scored.length, quadraticKappa: finite(quadraticKappa(confusion)), confusion },
    tasks,
    operatingPoints,
  };
}

/** JSON has no NaN: undefined metrics become null. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function mostCommonThreshold(scored: readonly ScoredCase[]): number {
  const counts = new Map<number, number>();
  for (const c of scored) counts.set(c.threshold, (counts.get(c.threshold) ?? 0) + 1);
  let best = defaultReferableThreshold;
  let bestCount = 0;
  for (const [t, n] of counts) {
    if (n > bestCount) {
      best = t;
      bestCount = n;
    }
  }
  return best;
}

function distinctOperatingPoints(scored: readonly ScoredCase[]): { name: string; threshold: number }[] {
  const seen = new Map<string, { name: string; threshold: number }>();
  for (const c of scored) seen.set(`${c.operatingPoint}@${c.threshold}`, { name: c.operatingPoint, threshold: c.threshold });
  return [...seen.values()].sort((a, b) => a.threshold - b.threshold);
}
