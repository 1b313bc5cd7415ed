import { describe, expect, it } from 'vitest';
import { localEntropy } from '../../../shared/lesions/localEntropy.js';

describe('localEntropy', () => {
  it('is 0 bits on a flat image and 1 bit on a half/half window', () => {
    const w = 8, h = 8;
    const flat = localEntropy({ width: w, height: h, data: new Float32Array(64).fill(30) }, { window: 3, step: 1 });
    expect(Math.max(...flat.data)).toBe(0);
    const data = new Float32Array(64);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = x % 2 ? 250 : 0;
    // A 1 × 2 window covers one dark and one bright pixel: exactly 1 bit.
    const e = localEntropy({ width: w, height: h, data }, { window: 2, step: 1 });
    expect(e.data[0]).toBeCloseTo(1, 6);
  });
});
