import { describe, expect, it } from 'vitest';
import { maskToNormalised } from '../../../shared/lesionEval/maskToNormalised.js';

describe('maskToNormalised', () => {
  it('gives each normalised pixel the covered fraction of its source footprint (×255)', () => {
    // 4×4 source, one 2×2 block per normalised pixel; the top-left block has 1 of 4 pixels on, the bottom-right 4 of 4.
    const data = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 7, 0, 0, 1, 1]);
    expect([...maskToNormalised({ width: 4, height: 4, data }, { scale: 2, offsetX: 0, offsetY: 0, normalisedWidth: 2, normalisedHeight: 2 })]).toEqual([64, 0, 0, 255]);
  });

  it('leaves normalised pixels outside the source at 0 (the padding around a cut field of view)', () => {
    const data = new Uint8Array(4).fill(1);
    const out = maskToNormalised({ width: 2, height: 2, data }, { scale: 1, offsetX: -1, offsetY: 0, normalisedWidth: 3, normalisedHeight: 2 });
    expect([...out]).toEqual([0, 255, 255, 0, 255, 255]);
  });
});
