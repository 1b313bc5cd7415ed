/**
 * The International Clinical Diabetic Retinopathy (ICDR) scale in one table, and everything derived from it:
 * labels, referable (grade >= 2), sight-threatening (grade >= 3) and the reference system's three binary tasks.
 */

/** An ICDR grade, 0–4. */
export type IcdrGrade = 0 | 1 | 2 | 3 | 4;

/** One row of the ICDR table. */
export interface GradeInfo {
  readonly grade: IcdrGrade;
  /** Machine label. */
  readonly label: 'no_dr' | 'mild_npdr' | 'moderate_npdr' | 'severe_npdr' | 'proliferative_dr';
  /** Human-readable name. */
  readonly name: string;
  readonly referable: boolean;
  readonly sightThreatening: boolean;
  /** Group used by the reference system's binary tasks. */
  readonly group: 'noDr' | 'nonSightThreatening' | 'sightThreatening';
}

/** The ICDR scale, indexed by grade. */
export const gradeTable: readonly GradeInfo[] = Object.freeze([
  { grade: 0, label: 'no_dr', name: 'No apparent DR', referable: false, sightThreatening: false, group: 'noDr' },
  { grade: 1, label: 'mild_npdr', name: 'Mild non-proliferative DR', referable: false, sightThreatening: false, group: 'nonSightThreatening' },
  { grade: 2, label: 'moderate_npdr', name: 'Moderate non-proliferative DR', referable: true, sightThreatening: false, group: 'nonSightThreatening' },
  { grade: 3, label: 'severe_npdr', name: 'Severe non-proliferative DR', referable: true, sightThreatening: true, group: 'sightThreatening' },
  { grade: 4, label: 'proliferative_dr', name: 'Proliferative DR', referable: true, sightThreatening: true, group: 'sightThreatening' },
] as const);

/** The five labels in grade order (the model's output order). */
export const gradeLabels: readonly GradeInfo['label'][] = gradeTable.map((g) => g.label);

/** Label → grade, derived from {@link gradeTable}. */
export const gradeByLabel: Readonly<Record<GradeInfo['label'], IcdrGrade>> = Object.freeze(
  Object.fromEntries(gradeTable.map((g) => [g.label, g.grade])) as Record<GradeInfo['label'], IcdrGrade>,
);

/** True for an integer 0–4. */
export function isIcdrGrade(value: unknown): value is IcdrGrade {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 4;
}

/** The table row of a grade. */
export function gradeInfo(grade: IcdrGrade): GradeInfo {
  return gradeTable[grade]!;
}

/** The reference system's binary tasks: which grades are negatives and positives (others are excluded). */
export const binaryTasks = Object.freeze({
  /** No DR (0) vs non-sight-threatening DR (1–2). */
  noDrVsNonSightThreatening: { negative: [0], positive: [1, 2] },
  /** No DR (0) vs sight-threatening DR (3–4). */
  noDrVsSightThreatening: { negative: [0], positive: [3, 4] },
  /** Non-sight-threatening DR (1–2) vs sight-threatening DR (3–4). */
  nonSightThreateningVsSightThreatening: { negative: [1, 2], positive: [3, 4] },
} as const satisfies Record<string, { negative: readonly IcdrGrade[]; positive: readonly IcdrGrade[] }>);

/** Name of a binary task. */
export type BinaryTaskName = keyof typeof binaryTasks;

/** Sum of the probabilities of the referable grades (2–4). */
export function referableProbability(probabilities: readonly number[]): number {
  return gradeTable.reduce((sum, g) => (g.referable ? sum + (probabilities[g.grade] ?? 0) : sum), 0);
}

/** Sum of the probabilities of the sight-threatening grades (3–4). */
export function sightThreateningProbability(probabilities: readonly number[]): number {
  return gradeTable.reduce((sum, g) => (g.sightThreatening ? sum + (probabilities[g.grade] ?? 0) : sum), 0);
}
