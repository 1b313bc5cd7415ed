import { binaryTasks, type BinaryTaskName, type IcdrGrade } from '../grading/gradeTable.js';

/** One graded case as the binary tasks see it. */
export interface GradedCase {
  readonly truthGrade: IcdrGrade;
  /** Calibrated probabilities of grades 0–4. */
  readonly probabilities: readonly number[];
}

/** The cases one binary task keeps, with their scores and labels. */
export interface BinaryTaskScores {
  /** Indices, into the input, of the cases whose true grade belongs to the task. */
  readonly indices: number[];
  readonly scores: number[];
  /** `true` when the true grade is one of the task's positive grades. */
  readonly labels: boolean[];
}

/**
 * Selects the cases of one of the reference system's binary tasks (see `binaryTasks` in gradeTable.ts): only
 * images whose true grade is a negative or positive grade of the task. The score is the probability of the
 * positive grades renormalised over the task's grades, P(pos) / (P(neg) + P(pos)) (0.5 when both are zero).
 */
export function binaryTaskScores(task: BinaryTaskName, cases: readonly GradedCase[]): BinaryTaskScores {
  const { negative, positive } = binaryTasks[task];
  const isNegative = (g: number) => (negative as readonly number[]).includes(g);
  const isPositive = (g: number) => (positive as readonly number[]).includes(g);
  const out: BinaryTaskScores = { indices: [], scores: [], labels: [] };
  cases.forEach((c, index) => {
    if (!isNegative(c.truthGrade) && !isPositive(c.truthGrade)) return;
    let pPositive = 0;
    let pNegative = 0;
    c.probabilities.forEach((p, grade) => {
      if (isPositive(grade)) pPositive += p;
      else if (isNegative(grade)) pNegative += p;
    });
    const total = pPositive + pNegative;
    out.indices.push(index);
    out.scores.push(total > 0 ? pPositive / total : 0.5);
    out.labels.push(isPositive(c.truthGrade));
  });
  return out;
}
