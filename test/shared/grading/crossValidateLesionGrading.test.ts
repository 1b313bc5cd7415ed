import { describe, expect, it } from 'vitest';
import { chooseOperatingPoints, crossValidateLesionGrading, stratifiedGroupFolds, type GradingSample } from '../../../shared/grading/crossValidateLesionGrading.js';
import type { IcdrGrade } from '../../../shared/grading/gradeTable.js';

function samples(n: number): GradingSample[] {
  return Array.from({ length: n }, (_, i) => {
    const grade = (i % 5) as IcdrGrade;
    // Duplicate pairs: every 7th photograph shares a group with the next one.
    const group = i % 7 === 0 && i + 1 < n ? `g${i}` : i % 7 === 1 && i > 0 ? `g${i - 1}` : `p${i}`;
    return { id: `p${i}`, group, grade, features: [grade + Math.sin(i) * 0.8, Math.cos(i * 3)] };
  });
}

describe('stratifiedGroupFolds', () => {
  it('keeps duplicates in one fold and spreads every grade over all folds', () => {
    const s = samples(100);
    const folds = stratifiedGroupFolds(s, 5);
    for (const a of s) for (const b of s) if (a.group === b.group) expect(folds.get(a.group)).toBe(folds.get(b.group));
    for (let g = 0; g < 5; g++) {
      const perFold = [0, 0, 0, 0, 0];
      for (const x of s.filter((v) => v.grade === g)) perFold[folds.get(x.group)!]!++;
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(2);
    }
  });
});

describe('chooseOperatingPoints', () => {
  it('meets each guarantee on the scores and orders the thresholds by name', () => {
    const scores = Array.from({ length: 200 }, (_, i) => i / 200);
    const labels = scores.map((s, i) => s > 0.4 || i % 9 === 0);
    const points = chooseOperatingPoints(scores, labels);
    expect(points.map((p) => p.name)).toEqual(['sensitivity_0.95', 'sensitivity_0.90', 'specificity_0.90', 'specificity_0.95']);
    for (let i = 1; i < points.length; i++) expect(points[i]!.threshold).toBeGreaterThanOrEqual(points[i - 1]!.threshold);
    const sens = (t: number) => scores.filter((s, i) => labels[i] && s >= t).length / labels.filter(Boolean).length;
    const spec = (t: number) => scores.filter((s, i) => !labels[i] && s < t).length / labels.filter((l) => !l).length;
    expect(sens(points[0]!.threshold)).toBeGreaterThanOrEqual(0.95);
    expect(sens(points[1]!.threshold)).toBeGreaterThanOrEqual(0.9);
    expect(spec(points[2]!.threshold)).toBeGreaterThanOrEqual(0.9);
    expect(spec(points[3]!.threshold)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('crossValidateLesionGrading', () => {
  it('predicts every photograph from a model that never saw it, and separates referable grades on informative features', () => {
    const s = samples(150);
    const cv = crossValidateLesionGrading(s, ['a', 'b'], { iterations: 400 });
    expect(cv.probabilities.every((p) => p.length === 5)).toBe(true);
    expect(new Set(cv.fold).size).toBe(5);
    expect(cv.thresholds).toHaveLength(5);
    const referable = cv.probabilities.map((p) => p[2]! + p[3]! + p[4]!);
    const meanOf = (want: boolean) => { const v = referable.filter((_, i) => (s[i]!.grade >= 2) === want); return v.reduce((a, b) => a + b, 0) / v.length; };
    expect(meanOf(true)).toBeGreaterThan(meanOf(false) + 0.3);
  });
});
