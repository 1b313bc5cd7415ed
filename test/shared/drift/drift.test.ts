import { describe, expect, it } from 'vitest';
import { binCounts, quantileEdges } from '../../../shared/drift/binProportions.js';
import { binEdgesOf, buildDriftReference } from '../../../shared/drift/buildDriftReference.js';
import { readDriftReference } from '../../../shared/drift/readDriftReference.js';
import { chiSquareHomogeneity } from '../../../shared/drift/chiSquareHomogeneity.js';
import { computeDrift, type DriftInput } from '../../../shared/drift/computeDrift.js';
import { kolmogorovSmirnov } from '../../../shared/drift/kolmogorovSmirnov.js';
import { populationStabilityIndex } from '../../../shared/drift/populationStabilityIndex.js';
import type { GradeResult } from '../../../shared/grading/GradeResult.js';
import { mulberry32 } from '../../../shared/synth/mulberry32.js';
import { resultFixture } from '../../helpers/resultFixtures.js';

describe('populationStabilityIndex', () => {
  it('is 0 for identical distributions and matches hand-computed values', () => {
    expect(populationStabilityIndex([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    // (0.25-0.5)ln(0.25/0.5) + (0.75-0.5)ln(0.75/0.5) = 0.17329 + 0.10137
    expect(populationStabilityIndex([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.274653, 5);
    expect(populationStabilityIndex([50, 50], [25, 75])).toBeCloseTo(0.274653, 5); // counts are normalised
    // An empty bin is floored at 1e-4: (0.5-1e-4)ln(0.5/1e-4) + (0.5-1)ln(0.5) = 4.25795 + 0.34657
    expect(populationStabilityIndex([1, 0], [0.5, 0.5])).toBeCloseTo(4.6045, 3);
    expect(() => populationStabilityIndex([1], [1, 2])).toThrow(/same bins/);
  });
});

describe('kolmogorovSmirnov', () => {
  it('gives D = 0, p = 1 for equal samples and D = 1 with a tiny p for disjoint ones', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    expect(kolmogorovSmirnov(a, a)).toEqual({ statistic: 0, pValue: 1 });
    const disjoint = kolmogorovSmirnov(a, a.map((v) => v + 100));
    expect(disjoint.statistic).toBe(1);
    expect(disjoint.pValue).toBeLessThan(1e-10);
  });
  it('matches the asymptotic value by hand: D = 0.5 with n = m = 20 gives p ≈ 0.00817', () => {
    // a = 0..19, b = 10..29: the ECDFs differ by at most 10/20; λ = (√10 + 0.12 + 0.11/√10) · 0.5 = 1.6585,
    // Q_KS(λ) ≈ 2·e^(−2λ²) = 0.00817 (the next term, e^(−8λ²), is ~3e-10).
    const a = Array.from({ length: 20 }, (_, i) => i);
    const r = kolmogorovSmirnov(a, a.map((v) => v + 10));
    expect(r.statistic).toBe(0.5);
    expect(r.pValue).toBeCloseTo(0.00817, 4);
  });
});

describe('chiSquareHomogeneity', () => {
  it('matches a hand-computed 2x2 table', () => {
    // [[10, 20], [20, 10]]: expected 15 everywhere, χ² = 4·25/15 = 6.667, df 1, p = 0.00982
    const r = chiSquareHomogeneity([10, 20], [20, 10]);
    expect(r.statistic).toBeCloseTo(6.6667, 3);
    expect(r.degreesOfFreedom).toBe(1);
    expect(r.pValue).toBeCloseTo(0.00982, 4);
    expect(chiSquareHomogeneity([5, 5, 0], [10, 10, 0]).pValue).toBeCloseTo(1, 6);
  });
});

describe('bins', () => {
  it('cuts at quantiles and counts with (lo, hi] bins', () => {
    const sorted = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(quantileEdges(sorted, 5)).toEqual([3, 5, 7, 9]);
    expect(binCounts(sorted, [3, 5, 7, 9])).toEqual([3, 2, 2, 2, 1]);
    expect(binCounts([-5, 100], [0])).toEqual([1, 1]);
  });
  it('keeps the reference range as a bin when ties collapse the quintiles', () => {
    const edges = binEdgesOf([1, 1, 1, 1, 1, 1]);
    expect(edges).toHaveLength(2);
    expect(edges[1]).toBe(1);
    expect(binCounts([0.8, 1, 1, 1.2], edges)).toEqual([1, 2, 1]);
  });
});

describe('computeDrift', () => {
  const random = mulberry32(7);
  const normal = (m: number, s: number) => m + s * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const draw = (shift = 0): GradeResult => withMetrics(resultFixture({
    status: random() < 0.05 ? 'ungradable' : 'graded',
    grade: ([0, 0, 0, 1, 2, 2, 3, 4] as const)[Math.floor(random() * 8)]!,
    qualityScore: Math.round((0.55 + 0.4 * random()) * 1000) / 1000,
  }), {
    sourceMinSidePx: 1020 + Math.round(normal(0, 30)), meanLuminance: normal(95, 12), redGreenRatio: normal(2.0, 0.25) + shift, redBlueRatio: normal(12, 3),
  });
  const reference = buildDriftReference(Array.from({ length: 400 }, () => draw()), 'synthetic reference');

  it('does not alarm on a resample of the reference, and flags colour-shifted photographs', () => {
    const bootstrap = (k: number) => reference.continuous.redGreenRatio.values[Math.floor(random() * reference.continuous.redGreenRatio.values.length)]! + k;
    const inputs: DriftInput[] = [];
    for (let i = 0; i < 120; i++) {
      const r = draw();
      inputs.push({ relativePath: `resample/p${i}.result.json`, result: withMetrics(r, { redGreenRatio: bootstrap(0) }) });
      inputs.push({ relativePath: `shifted/p${i}.result.json`, result: withMetrics(draw(), { redGreenRatio: bootstrap(0.4) }) });
    }
    const report = computeDrift(inputs, reference, { by: 'site' });
    const resample = report.groups.find((g) => g.key === 'resample')!;
    const shifted = report.groups.find((g) => g.key === 'shifted')!;
    expect(resample.alarm).toBe(false);
    expect(resample.psi).toBeLessThan(0.25);
    expect(shifted.alarm).toBe(true);
    expect(shifted.alarmFeatures).toEqual(['redGreenRatio']);
    expect(shifted.features.redGreenRatio.psi).toBeGreaterThan(0.25);
    expect(shifted.features.redGreenRatio.pValue).toBeLessThan(0.01);
    expect(Object.keys(shifted)).toEqual(expect.arrayContaining(['key', 'n', 'ungradableRate', 'referableRate', 'psi', 'alarm']));
  });

  it('does not alarm below the minimum group size, and groups by camera', () => {
    const small = Array.from({ length: 10 }, (_, i) => ({ relativePath: `tiny/${i}.result.json`, result: withMetrics(draw(), { redGreenRatio: 5 }) }));
    expect(computeDrift(small, reference).groups[0]).toMatchObject({ key: 'tiny', n: 10, alarm: false });
    const byCamera = computeDrift([{ relativePath: 'a.result.json', result: resultFixture({ dicom: { manufacturer: 'Acme', model: 'X1' } }) }, { relativePath: 'b.result.json', result: resultFixture() }], reference, { by: 'camera' });
    expect(byCamera.groups.map((g) => g.key)).toEqual(['Acme X1', 'unknown']);
  });

  it('reports rates: ungradable, rejected, referable among graded', () => {
    const inputs = [resultFixture({ grade: 3 }), resultFixture({ grade: 0 }), resultFixture({ status: 'ungradable' }), resultFixture({ status: 'rejected' })]
      .map((result, i) => ({ relativePath: `s/${i}.result.json`, result }));
    const g = computeDrift(inputs, reference).groups[0]!;
    expect(g).toMatchObject({ n: 4, ungradableRate: 0.25, rejectedRate: 0.25, referableRate: 0.5, gradeDistribution: [0.5, 0, 0, 0.5, 0], ungradableReasons: { out_of_focus: 1 } });
  });
});

describe('the shipped reference statistics (models/default/drift-reference.json)', () => {
  it('load, and a resample of them does not alarm while a colour shift does', async () => {
    const reference = await readDriftReference();
    expect(reference.n).toBeGreaterThanOrEqual(100);
    const random = mulberry32(3);
    const pick = (values: readonly number[]) => values[Math.floor(random() * values.length)]!;
    const photo = (redGreenShift: number): GradeResult => {
      const r = resultFixture({ grade: 0, qualityScore: pick(reference.continuous.qualityScore.values) });
      return withMetrics(r, {
        sourceMinSidePx: pick(reference.continuous.imageSizePx.values), meanLuminance: pick(reference.continuous.meanLuminance.values),
        redGreenRatio: pick(reference.continuous.redGreenRatio.values) * (1 + redGreenShift), redBlueRatio: pick(reference.continuous.redBlueRatio.values),
      });
    };
    const grades = reference.categorical.grade.counts;
    const gradeOf = () => { let u = random() * reference.n; for (const [g, c] of Object.entries(grades)) { u -= c; if (u < 0) return Number(g); } return 0; };
    const inputs: DriftInput[] = [];
    for (let i = 0; i < 80; i++) {
      for (const [site, shift] of [['resample', 0], ['redder', 0.3]] as const) {
        const r = photo(shift);
        const grade = gradeOf() as 0 | 1 | 2 | 3 | 4;
        inputs.push({ relativePath: `${site}/${i}.result.json`, result: { ...r, grading: { ...r.grading!, grade } } });
      }
    }
    const report = computeDrift(inputs, reference);
    expect(report.groups.map((g) => [g.key, g.alarm])).toEqual([['redder', true], ['resample', false]]);
  });
});

function withMetrics(result: GradeResult, metrics: Record<string, number>): GradeResult {
  return { ...result, quality: result.quality ? { ...result.quality, metrics: { ...result.quality.metrics, ...metrics } } : null };
}
