import type { EvaluationCase } from '../../../shared/evaluation/EvaluationCase.js';
import type { GradeResult } from '../../../shared/grading/GradeResult.js';
import type { IcdrGrade } from '../../../shared/grading/gradeTable.js';

/** A graded result with the fields the metrics read; grade = argmax, referable probability = P(2) + P(3) + P(4). */
export function gradedResult(probabilities: number[], threshold = 0.5, operatingPoint = 'default'): Pick<GradeResult, 'status' | 'grading'> {
  const grade = probabilities.indexOf(Math.max(...probabilities)) as IcdrGrade;
  const referableProbability = probabilities[2]! + probabilities[3]! + probabilities[4]!;
  return {
    status: 'graded',
    grading: {
      grade,
      label: String(grade),
      probabilities,
      referable: referableProbability >= threshold,
      referableProbability,
      sightThreatening: probabilities[3]! + probabilities[4]! >= 0.5,
      sightThreateningProbability: probabilities[3]! + probabilities[4]!,
      operatingPoint: { name: operatingPoint, threshold },
    },
  };
}

/**
 * Six graded photographs and two excluded ones, small enough to check every metric by hand:
 * truth [0, 1, 2, 3, 4, 0], predicted [0, 1, 2, 2, 1, 2], P(referable) [0.1, 0.2, 0.7, 0.9, 0.4, 0.6].
 */
export const handCases: EvaluationCase[] = [
  { image: 'a', truthGrade: 0, result: gradedResult([0.8, 0.1, 0.05, 0.03, 0.02]) },
  { image: 'b', truthGrade: 1, result: gradedResult([0.3, 0.5, 0.1, 0.05, 0.05]) },
  { image: 'c', truthGrade: 2, result: gradedResult([0.1, 0.2, 0.6, 0.05, 0.05]) },
  { image: 'd', truthGrade: 3, result: gradedResult([0.05, 0.05, 0.5, 0.3, 0.1]) },
  { image: 'e', truthGrade: 4, result: gradedResult([0.1, 0.5, 0.1, 0.1, 0.2]) },
  { image: 'f', truthGrade: 0, result: gradedResult([0.2, 0.2, 0.5, 0.05, 0.05]) },
  { image: 'g', truthGrade: 2, result: { status: 'ungradable', grading: null } },
  { image: 'h', truthGrade: 4, result: { status: 'rejected', grading: null } },
];
