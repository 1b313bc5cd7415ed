import { describe, expect, it } from 'vitest';
import { PixelPrecisionRecall } from '../../../shared/lesionEval/pixelPrecisionRecall.js';

describe('PixelPrecisionRecall', () => {
  it('is 1 for a map that ranks every lesion pixel above every background pixel', () => {
    const pr = new PixelPrecisionRecall(['EX']);
    pr.add('EX', Uint8Array.from([200, 180, 10, 0]), Uint8Array.from([1, 1, 0, 0]));
    expect(pr.aupr('EX')).toBe(1);
  });

  it('is the average precision over descending thresholds, accumulated over photographs', () => {
    const pr = new PixelPrecisionRecall(['MA']);
    // Scores 250 (lesion), 200 (background), 150 (lesion), 100 (background): AP = ½·1 + ½·⅔.
    pr.add('MA', Uint8Array.from([250, 200]), Uint8Array.from([1, 0]));
    pr.add('MA', Uint8Array.from([150, 100]), Uint8Array.from([1, 0]));
    expect(pr.aupr('MA')).toBeCloseTo(0.5 + (0.5 * 2) / 3, 12);
    expect(pr.positives('MA')).toBe(2);
  });

  it('treats tied scores as one threshold and says null without lesion pixels', () => {
    const pr = new PixelPrecisionRecall(['HE', 'SE']);
    pr.add('HE', Uint8Array.from([100, 100, 100, 100]), Uint8Array.from([1, 0, 0, 0]));
    expect(pr.aupr('HE')).toBe(0.25);
    pr.add('SE', Uint8Array.from([9]), Uint8Array.from([0]));
    expect(pr.aupr('SE')).toBeNull();
    expect(() => pr.add('XX', new Uint8Array(1), new Uint8Array(1))).toThrow(/XX/);
  });
});
