import { describe, expect, it } from 'vitest';
import { binaryTasks, gradeByLabel, gradeTable, referableProbability, sightThreateningProbability } from '../../../shared/grading/gradeTable.js';

describe('gradeTable', () => {
  it('maps ICDR grades to labels, referable (>= 2) and sight-threatening (>= 3)', () => {
    expect(gradeTable.map((g) => [g.grade, g.label, g.referable, g.sightThreatening])).toEqual([
      [0, 'no_dr', false, false],
      [1, 'mild_npdr', false, false],
      [2, 'moderate_npdr', true, false],
      [3, 'severe_npdr', true, true],
      [4, 'proliferative_dr', true, true],
    ]);
    expect(gradeByLabel.severe_npdr).toBe(3);
  });
  it("defines the reference system's three binary tasks", () => {
    expect(binaryTasks.noDrVsNonSightThreatening).toEqual({ negative: [0], positive: [1, 2] });
    expect(binaryTasks.noDrVsSightThreatening).toEqual({ negative: [0], positive: [3, 4] });
    expect(binaryTasks.nonSightThreateningVsSightThreatening).toEqual({ negative: [1, 2], positive: [3, 4] });
  });
  it('sums probabilities of the referable and sight-threatening grades', () => {
    const p = [0.1, 0.2, 0.3, 0.15, 0.25];
    expect(referableProbability(p)).toBeCloseTo(0.7, 12);
    expect(sightThreateningProbability(p)).toBeCloseTo(0.4, 12);
  });
});
