import { describe, expect, it } from 'vitest';
import { confusionMatrix } from '../../../shared/evaluation/confusionMatrix.js';

describe('confusionMatrix', () => {
  it('counts matrix[truth][predicted]', () => {
    expect(confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3)).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 1],
    ]);
    expect(confusionMatrix([4], [0])[4]).toEqual([1, 0, 0, 0, 0]);
  });

  it('refuses classes out of range and length mismatches', () => {
    expect(() => confusionMatrix([5], [0])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => confusionMatrix([0, 1], [0])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
