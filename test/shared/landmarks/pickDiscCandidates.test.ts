import { describe, expect, it } from 'vitest';
import { pickDiscCandidates } from '../../../shared/landmarks/pickDiscCandidates.js';

describe('pickDiscCandidates', () => {
  it('takes the highest peaks at least the separation apart, first in raster order on ties, never −∞', () => {
    const w = 10, h = 4;
    const score = new Float32Array(w * h).fill(-Infinity);
    score[1 * w + 1] = 5; // best
    score[1 * w + 2] = 4; // within 3 px of the best: excluded
    score[2 * w + 8] = 3;
    score[0 * w + 5] = 2; // √13 ≈ 3.6 px from (8, 2): kept
    score[2 * w + 5] = 2; // ties with (5, 0), later in raster order, 2 px away from it: excluded
    expect(pickDiscCandidates(score, w, h, 3, 4)).toEqual([
      { x: 1, y: 1, score: 5 },
      { x: 8, y: 2, score: 3 },
      { x: 5, y: 0, score: 2 },
    ]);
  });

  it('stops at the count asked for', () => {
    const score = Float32Array.from([1, 0, 0, 0, 0, 2]);
    expect(pickDiscCandidates(score, 6, 1, 1, 1)).toEqual([{ x: 5, y: 0, score: 2 }]);
  });
});
