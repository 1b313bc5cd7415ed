import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir } from '../../shared/grading/defaultModelDir.js';
import { OrtGrader } from '../../shared/grading/OrtGrader.js';
import { gradeLabels } from '../../shared/grading/gradeTable.js';
import { gradePhotograph } from '../../shared/pipeline/gradePhotograph.js';
import { syntheticFundusJpeg } from '../helpers/imageBytes.js';

describe('the shipped default model (models/default)', () => {
  let grader: OrtGrader;
  beforeAll(async () => { grader = await OrtGrader.create(defaultModelDir()); });
  afterAll(async () => { await grader.close(); });

  it('passes the model contract: checksum, input/output shapes, five ICDR labels, calibration, operating points', () => {
    const m = grader.manifest;
    expect(m.labels).toEqual(gradeLabels);
    expect(m.input.shape.slice(1)).toEqual([3, m.preprocessing.size, m.preprocessing.size]);
    // Model contract v2: the resized RGB bytes go in, the normalisation is in the graph.
    expect(m).toMatchObject({ schemaVersion: 2, input: { datatype: 'UINT8', layout: 'NCHW' }, preprocessing: { normalisation: 'in-graph' } });
    expect(m.calibration.method).toBe('temperature');
    expect(m.operatingPoints.referable.map((p) => p.name)).toEqual(expect.arrayContaining(['high_sensitivity', 'high_specificity']));
    expect(m.operatingPoints.referable.some((p) => p.name === m.operatingPoints.default)).toBe(true);
    expect(m.training.license).toMatch(/CC BY 4\.0/);
    expect(m.training.attribution).toMatch(/Porwal/);
    expect(m.intendedUse).toMatch(/[Rr]esearch/);
  });

  it('grades a photograph end to end in-process on CPU', async () => {
    const { bytes } = await syntheticFundusJpeg(41, { grade: 2, width: 900 });
    const { result } = await gradePhotograph(bytes, { grader });
    expect(result.status).toBe('graded');
    expect(result.grading!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(result.provenance.model!.sha256).toBe(grader.manifest.sha256);
  });
});
