import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrtGrader } from '../../../shared/grading/OrtGrader.js';
import { decide, gradePhotograph } from '../../../shared/pipeline/gradePhotograph.js';
import { researchDisclaimer } from '../../../shared/grading/GradeResult.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';
import { ordinaryPhotoJpeg, syntheticFundusJpeg } from '../../helpers/imageBytes.js';

describe('gradePhotograph through a real ONNX Runtime session', () => {
  let grader: OrtGrader;
  beforeAll(async () => { grader = await OrtGrader.create(tinyModelDir); });
  afterAll(async () => { await grader.close(); });

  it('grades a synthetic photograph: five probabilities summing to 1 and a consistent decision', async () => {
    const { bytes } = await syntheticFundusJpeg(5, { grade: 2, width: 900 });
    const { result } = await gradePhotograph(bytes, { grader });
    expect(result.status).toBe('graded');
    expect(result.disclaimer).toBe(researchDisclaimer);
    const g = result.grading!;
    expect(g.probabilities).toHaveLength(5);
    expect(g.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(g.referable).toBe(g.referableProbability >= g.operatingPoint.threshold);
    expect(g.referable).toBe(g.grade >= 2);
    expect(result.provenance.model).toEqual({ name: grader.manifest.name, version: grader.manifest.version, sha256: grader.manifest.sha256 });
    expect(result.provenance.executionProvider).toBe('cpu');
    expect(result.timingsMs.grade).toBeGreaterThanOrEqual(0);
  });

  it('rejects bytes that are not an image, without throwing', async () => {
    const { result } = await gradePhotograph(new TextEncoder().encode('not an image at all'), { grader });
    expect(result.status).toBe('rejected');
    expect(result.error?.code).toBe('UNSUPPORTED_FORMAT');
    expect(result.grading).toBeNull();
  });

  it('returns ungradable for an ordinary photograph', async () => {
    const { result } = await gradePhotograph(await ordinaryPhotoJpeg(), { grader });
    expect(result.status).toBe('ungradable');
    expect(result.quality!.reasons).toContain('not_a_fundus');
  });
});

describe('decide', () => {
  const manifest = { operatingPoints: { default: 'balanced', referable: [{ name: 'balanced', threshold: 0.5 }, { name: 'high_sensitivity', threshold: 0.2 }] } };
  it('picks the most probable grade on the side of the referable decision', () => {
    const p = [0.45, 0.25, 0.1, 0.1, 0.1];
    expect(decide(p, manifest).grade).toBe(0);
    const hs = decide(p, manifest, 'high_sensitivity');
    expect(hs.referable).toBe(true);
    expect(hs.grade).toBe(2);
    expect(hs.operatingPoint).toEqual({ name: 'high_sensitivity', threshold: 0.2 });
  });
  it('refuses an unknown operating point', () => {
    expect(() => decide([0.2, 0.2, 0.2, 0.2, 0.2], manifest, 'nope')).toThrow(/operatingPoint/);
  });
});
