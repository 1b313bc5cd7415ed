import { describe, expect, it } from 'vitest';
import { applyGamma, desaturate, mixChannels } from '../../../shared/cameras/colourTransforms.js';

const pixel = (r: number, g: number, b: number) => ({ width: 1, height: 1, data: Uint8Array.from([r, g, b]) });

describe('colour transforms', () => {
  it('mixChannels applies the matrix, rounds and clips', () => {
    expect(Array.from(mixChannels(pixel(150, 80, 20), [0.85, 0.1, 0, 0.3, 1, 0, 0.05, 0.1, 1.2]).data)).toEqual([136, 125, 40]);
    expect(Array.from(mixChannels(pixel(200, 10, 0), [2, 0, 0, -1, 0, 0, 0, 0, 1]).data)).toEqual([255, 0, 0]);
  });
  it('applyGamma maps 64 to 128 at gamma 0.5 and keeps black and white', () => {
    expect(Array.from(applyGamma(pixel(0, 64, 255), 0.5).data)).toEqual([0, 128, 255]);
    expect(() => applyGamma(pixel(1, 1, 1), 0)).toThrow(/gamma/);
  });
  it('desaturate blends towards the luminance and applies the gain; black stays black', () => {
    // Y = 0.299·200 + 0.587·100 = 118.5; half of it is 59.25.
    expect(Array.from(desaturate(pixel(200, 100, 0), 0.5, 1).data)).toEqual([159, 109, 59]);
    expect(Array.from(desaturate(pixel(0, 0, 0), 0.5, 1.3).data)).toEqual([0, 0, 0]);
  });
});
