import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeWithTestTimeAugmentation } from '../../../shared/grading/gradeWithTestTimeAugmentation.js';
import { OrtGrader } from '../../../shared/grading/OrtGrader.js';
import { dihedralVariants } from '../../../shared/grading/ttaTransforms.js';
import { probeInput, tinyModelDir, tinyModelSize } from '../../fixtures/tiny-model/tinyModel.js';

/**
 * A tensor exactly invariant under the eight flips and rotations: each value depends only on the pixel's distance
 * from the centre of the even-sized grid, through |2x − (size − 1)| and |2y − (size − 1)|, which the symmetries
 * permute or leave alone. Channels differ, so the model sees colour.
 */
function radiallySymmetric(size: number): Float32Array {
  const out = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dx = Math.abs(2 * x - (size - 1)), dy = Math.abs(2 * y - (size - 1));
        out[c * size * size + y * size + x] = Math.cos((dx * dx + dy * dy) / (40 + 25 * c)) * (1 + 0.5 * c) - 0.3 * Math.max(dx, dy) / size;
      }
    }
  }
  return out;
}

describe('gradeWithTestTimeAugmentation (real ONNX Runtime session, tiny model)', () => {
  let grader: OrtGrader;
  beforeAll(async () => {
    grader = await OrtGrader.create(tinyModelDir, { intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await grader.close();
  });

  it('equals the plain output on a rotation-invariant input', async () => {
    const input = radiallySymmetric(tinyModelSize);
    // The input really is invariant: every variant is the same tensor.
    for (const v of dihedralVariants(input, tinyModelSize)) expect(v).toEqual(input);
    const [plain] = await grader.grade([input]);
    const augmented = await gradeWithTestTimeAugmentation(grader, input);
    expect(augmented).toHaveLength(5);
    augmented.forEach((p, k) => expect(p).toBeCloseTo(plain![k]!, 6));
  });

  it('is the mean of the eight variants on an asymmetric input, and differs from the plain output there', async () => {
    const input = probeInput(1);
    const variants = dihedralVariants(input, tinyModelSize);
    const rows = await grader.grade(variants);
    const mean = [0, 1, 2, 3, 4].map((k) => rows.reduce((s, r) => s + r[k]!, 0) / rows.length);
    const augmented = await gradeWithTestTimeAugmentation(grader, input);
    augmented.forEach((p, k) => expect(p).toBeCloseTo(mean[k]!, 6));
    expect(augmented.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 9);
    const [plain] = await grader.grade([input]);
    expect(Math.max(...augmented.map((p, k) => Math.abs(p - plain![k]!)))).toBeGreaterThan(1e-4);
  });

  it('averages only the variants asked for', async () => {
    const input = probeInput(0);
    const rows = await grader.grade(dihedralVariants(input, tinyModelSize, ['identity', 'flipHorizontal']));
    const augmented = await gradeWithTestTimeAugmentation(grader, input, { transforms: ['identity', 'flipHorizontal'] });
    augmented.forEach((p, k) => expect(p).toBeCloseTo((rows[0]![k]! + rows[1]![k]!) / 2, 6));
  });
});
