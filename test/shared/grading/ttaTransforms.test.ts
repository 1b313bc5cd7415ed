import { describe, expect, it } from 'vitest';
import { dihedralTransforms, dihedralVariants, transformChw, type DihedralTransform } from '../../../shared/grading/ttaTransforms.js';

/** A 3 × 3 plane, row by row:  1 2 3 / 4 5 6 / 7 8 9 (channel c adds 10·c). */
function grid(channels = 3): Float32Array {
  return Float32Array.from({ length: channels * 9 }, (_, i) => (i % 9) + 1 + 10 * Math.floor(i / 9));
}

const expectedPlane: Record<DihedralTransform, number[]> = {
  identity: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  rotate90: [7, 4, 1, 8, 5, 2, 9, 6, 3],
  rotate180: [9, 8, 7, 6, 5, 4, 3, 2, 1],
  rotate270: [3, 6, 9, 2, 5, 8, 1, 4, 7],
  flipHorizontal: [3, 2, 1, 6, 5, 4, 9, 8, 7],
  flipVertical: [7, 8, 9, 4, 5, 6, 1, 2, 3],
  transpose: [1, 4, 7, 2, 5, 8, 3, 6, 9],
  antiTranspose: [9, 6, 3, 8, 5, 2, 7, 4, 1],
};

describe('transformChw', () => {
  for (const t of dihedralTransforms) {
    it(`${t} moves every channel's pixels the same way`, () => {
      const out = transformChw(grid(), 3, t);
      expect(Array.from(out)).toEqual([0, 10, 20].flatMap((add) => expectedPlane[t].map((v) => v + add)));
    });
  }

  it('leaves its input unchanged', () => {
    const input = grid();
    transformChw(input, 3, 'rotate90');
    expect(input).toEqual(grid());
  });

  it('composes like the group: four quarter turns, two flips, rotate90 after flipVertical = transpose, after flipHorizontal = antiTranspose', () => {
    const input = Float32Array.from({ length: 3 * 16 }, (_, i) => i * 0.5 - 3);
    let x: Float32Array = input;
    for (let i = 0; i < 4; i++) x = transformChw(x, 4, 'rotate90');
    expect(x).toEqual(input);
    expect(transformChw(transformChw(input, 4, 'rotate90'), 4, 'rotate270')).toEqual(input);
    expect(transformChw(transformChw(input, 4, 'flipVertical'), 4, 'flipVertical')).toEqual(input);
    expect(transformChw(transformChw(input, 4, 'flipVertical'), 4, 'rotate90')).toEqual(transformChw(input, 4, 'transpose'));
    expect(transformChw(transformChw(input, 4, 'flipHorizontal'), 4, 'rotate90')).toEqual(transformChw(input, 4, 'antiTranspose'));
  });

  it('handles other channel counts', () => {
    expect(Array.from(transformChw(grid(1), 3, 'rotate180', 1))).toEqual(expectedPlane.rotate180);
  });

  it('rejects a tensor of the wrong length', () => {
    expect(() => transformChw(new Float32Array(26), 3, 'identity')).toThrow(/^Expected a Float32Array of 3 x 3 x 3 = 27 values for tensor but received "26 values"$/);
    expect(() => transformChw(new Float32Array(26), 3, 'identity')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('dihedralVariants', () => {
  it('gives the eight variants in the order of dihedralTransforms, all different on an asymmetric plane', () => {
    const variants = dihedralVariants(grid(), 3);
    expect(variants).toHaveLength(8);
    variants.forEach((v, i) => expect(Array.from(v.subarray(0, 9))).toEqual(expectedPlane[dihedralTransforms[i]!]));
    expect(new Set(variants.map((v) => Array.from(v).join(','))).size).toBe(8);
  });

  it('gives a subset when asked', () => {
    const variants = dihedralVariants(grid(), 3, ['identity', 'flipHorizontal']);
    expect(variants.map((v) => Array.from(v.subarray(0, 9)))).toEqual([expectedPlane.identity, expectedPlane.flipHorizontal]);
  });
});
