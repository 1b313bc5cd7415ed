import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/evaluation/evaluate.js';
import { gradedResult, handCases } from './evaluationFixture.js';

describe('evaluate', () => {
  const report = evaluate(handCases, { bootstrap: { resamples: 400, seed: 2 } });

  it('returns exactly the keys of the evaluate interface', () => {
    expect(Object.keys(report)).toEqual(['images', 'ungradable', 'referable', 'fiveClass', 'tasks', 'operatingPoints']);
    expect(Object.keys(report.referable)).toEqual(['auc', 'aucCi95', 'accuracy', 'sensitivity', 'specificity', 'threshold']);
    expect(Object.keys(report.fiveClass)).toEqual(['accuracy', 'quadraticKappa', 'confusion']);
    expect(Object.keys(report.tasks)).toEqual(['noDrVsNonSightThreatening', 'noDrVsSightThreatening', 'nonSightThreateningVsSightThreatening']);
    for (const task of Object.values(report.tasks)) expect(Object.keys(task)).toEqual(['auc', 'accuracy', 'sensitivity', 'specificity', 'n']);
  });

  it('counts ungradable and rejected results and excludes them', () => {
    expect(report.images).toBe(8);
    expect(report.ungradable).toBe(2);
    expect(report.fiveClass.confusion.flat().reduce((a, b) => a + b, 0)).toBe(6);
  });

  it('computes the referable metrics by hand', () => {
    // Positives 0.7, 0.9, 0.4 vs negatives 0.1, 0.2, 0.6: 8 of 9 pairs ordered.
    expect(report.referable.auc).toBeCloseTo(8 / 9, 12);
    expect(report.referable.threshold).toBe(0.5);
    expect(report.referable.accuracy).toBeCloseTo(4 / 6, 12);
    expect(report.referable.sensitivity).toBeCloseTo(2 / 3, 12);
    expect(report.referable.specificity).toBeCloseTo(2 / 3, 12);
    const [lo, hi] = report.referable.aucCi95;
    expect(lo!).toBeLessThanOrEqual(8 / 9);
    expect(hi!).toBeGreaterThanOrEqual(8 / 9);
  });

  it('computes five-class accuracy and quadratic kappa by hand', () => {
    expect(report.fiveClass.accuracy).toBe(0.5);
    // Observed Σw·O = (1 + 9 + 4) / 16; expected Σw·E = 13 / 12.
    expect(report.fiveClass.quadraticKappa).toBeCloseTo(1 - 0.875 / (13 / 12), 12);
    expect(report.fiveClass.confusion[3]).toEqual([0, 0, 1, 0, 0]);
    expect(report.fiveClass.confusion[4]).toEqual([0, 1, 0, 0, 0]);
  });

  it('selects the right images for each binary task', () => {
    expect(report.tasks.noDrVsNonSightThreatening).toEqual({ auc: 0.75, accuracy: 0.75, sensitivity: 1, specificity: 0.5, n: 4 });
    expect(report.tasks.noDrVsSightThreatening.n).toBe(4);
    expect(report.tasks.nonSightThreateningVsSightThreatening.n).toBe(4);
  });

  it('reports sensitivity and specificity at given operating points, or at those named in the results', () => {
    expect(report.operatingPoints).toEqual([{ name: 'default', threshold: 0.5, sensitivity: 2 / 3, specificity: 2 / 3 }]);
    const custom = evaluate(handCases, { operatingPoints: [{ name: 'high-sens', threshold: 0.3 }, { name: 'high-spec', threshold: 0.8 }], bootstrap: { resamples: 10 } });
    expect(custom.operatingPoints).toEqual([
      { name: 'high-sens', threshold: 0.3, sensitivity: 1, specificity: 2 / 3 },
      { name: 'high-spec', threshold: 0.8, sensitivity: 1 / 3, specificity: 1 },
    ]);
  });

  it('takes the referable threshold the results were decided with', () => {
    const cases = [
      { image: 'x', truthGrade: 0 as const, result: gradedResult([0.7, 0.0, 0.3, 0, 0], 0.25, 'screening') },
      { image: 'y', truthGrade: 2 as const, result: gradedResult([0.1, 0.0, 0.9, 0, 0], 0.25, 'screening') },
    ];
    const r = evaluate(cases, { bootstrap: { resamples: 10 } });
    expect(r.referable.threshold).toBe(0.25);
    expect(r.referable.specificity).toBe(0);
    expect(r.operatingPoints).toEqual([{ name: 'screening', threshold: 0.25, sensitivity: 1, specificity: 0 }]);
  });

  it('gives null, never NaN, for undefined metrics', () => {
    const r = evaluate([{ image: 'x', truthGrade: 0, result: gradedResult([0.9, 0.1, 0, 0, 0]) }], { bootstrap: { resamples: 10 } });
    expect(r.referable.auc).toBeNull();
    expect(r.referable.aucCi95).toEqual([null, null]);
    expect(r.referable.sensitivity).toBeNull();
    expect(r.tasks.noDrVsSightThreatening.auc).toBeNull();
    expect(JSON.stringify(r)).not.toContain('NaN');
  });
});
