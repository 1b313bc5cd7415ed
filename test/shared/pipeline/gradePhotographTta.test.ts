import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grader } from '../../../shared/grading/Grader.js';
import { OrtGrader } from '../../../shared/grading/OrtGrader.js';
import { gradePhotograph } from '../../../shared/pipeline/gradePhotograph.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';
import { syntheticFundusJpeg } from '../../helpers/imageBytes.js';

describe('gradePhotograph with tta (real ONNX Runtime session, tiny model)', () => {
  let ort: OrtGrader;
  const batches: number[] = [];
  let grader: Grader;
  beforeAll(async () => {
    ort = await OrtGrader.create(tinyModelDir);
    // The real grader, counting the batch sizes it is asked for.
    grader = {
      manifest: ort.manifest, executionProvider: ort.executionProvider, ready: () => ort.ready(), close: () => ort.close(),
      grade: (inputs, options) => { batches.push(inputs.length); return ort.grade(inputs, options); },
    };
  });
  afterAll(async () => { await ort.close(); });

  it('grades the eight variants in one batch, records dihedral8 and keeps the plain result without it', async () => {
    const { bytes } = await syntheticFundusJpeg(7, { grade: 3, width: 900 });
    batches.length = 0;
    const plain = (await gradePhotograph(bytes, { grader, lesionGrading: null })).result;
    const augmented = (await gradePhotograph(bytes, { grader, lesionGrading: null, tta: true })).result;
    expect(batches).toEqual([1, 8]);
    expect(plain.grading).not.toHaveProperty('testTimeAugmentation');
    expect(augmented.grading!.testTimeAugmentation).toBe('dihedral8');
    expect(augmented.grading!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(augmented.grading!.referable).toBe(augmented.grading!.referableProbability >= augmented.grading!.operatingPoint.threshold);
    // The tiny model is not symmetric, so the average moves the probabilities.
    expect(augmented.grading!.probabilities).not.toEqual(plain.grading!.probabilities);
  });
});
