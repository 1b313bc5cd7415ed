import type { GradeResult } from '../grading/GradeResult.js';
import type { IcdrGrade } from '../grading/gradeTable.js';
import type { GradedCase } from './binaryTaskScores.js';

/** One labelled photograph and the system's result for it. */
export interface EvaluationCase {
  /** File stem shared by the label row and `<stem>.result.json`. */
  readonly image: string;
  readonly truthGrade: IcdrGrade;
  readonly result: Pick<GradeResult, 'status' | 'grading'>;
}

/** A case that was graded, flattened for the metrics. */
export interface ScoredCase extends GradedCase {
  readonly image: string;
  readonly predictedGrade: IcdrGrade;
  /** P(grade >= 2). */
  readonly referableScore: number;
  /** The referable threshold the result was decided with. */
  readonly threshold: number;
  readonly operatingPoint: string;
}

/** Threshold used when a result does not say which operating point decided it. */
export const defaultReferableThreshold = 0.5;

/**
 * Splits cases into the graded ones (scored) and the count of the others: status 'ungradable' or 'rejected', or a
 * graded status without a grading, are excluded from every metric and counted as ungradable.
 */
export function scoreCases(cases: readonly EvaluationCase[]): { scored: ScoredCase[]; ungradable: number } {
  const scored: ScoredCase[] = [];
  let ungradable = 0;
  for (const c of cases) {
    const grading = c.result.grading;
    if (c.result.status !== 'graded' || grading === null) {
      ungradable++;
      continue;
    }
    scored.push({
      image: c.image,
      truthGrade: c.truthGrade,
      probabilities: grading.probabilities,
      predictedGrade: grading.grade,
      referableScore: grading.referableProbability,
      threshold: grading.operatingPoint?.threshold ?? defaultReferableThreshold,
      operatingPoint: grading.operatingPoint?.name ?? 'default',
    });
  }
  return { scored, ungradable };
}
