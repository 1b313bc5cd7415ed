import { describe, expect, it } from 'vitest';
import { detectLesions } from '../../../shared/lesions/detectLesions.js';

/** A flat 96×96 background-flattened green channel (100) with Gaussian blobs and lines drawn in. */
function image(draw: (x: number, y: number) => number): { width: number; height: number; data: Float32Array } {
  const w = 96, h = 96, data = new Float32Array(w * h);
  // Deterministic mild texture so the noise level is not zero.
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = 100 + 0.3 * Math.sin(x * 1.7 + y * 2.3) + draw(x, y);
  return { width: w, height: h, data };
}
const blob = (cx: number, cy: number, sigma: number, depth: number) => (x: number, y: number) => depth * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
const mask = { width: 96, height: 96, data: new Uint8Array(96 * 96).fill(1) };
const whole = { maculaDiscDiameters: null } as const;

describe('detectLesions (FRST candidate generator)', () => {
  it('finds one dark microaneurysm and one bright exudate where they were drawn, and nothing else', () => {
    const ma = blob(30, 40, 1.5, -25), ex = blob(66, 55, 2, 30);
    const { lesions } = detectLesions(image((x, y) => ma(x, y) + ex(x, y)), mask, whole);
    const strong = lesions.filter((l) => l.score >= 0.5);
    // The fine and the coarse pass both see the microaneurysm; it is one candidate.
    expect(strong.map((l) => [l.kind, Math.round(l.x), Math.round(l.y)])).toEqual([['dark', 30, 40], ['bright', 66, 55]]);
    expect(strong.map((l) => l.class)).toEqual([expect.stringMatching(/microaneurysm|haemorrhage/), 'exudate']);
  });

  it('does not call a vessel along one of the measured axes a red lesion (oblique ones are left to the learned stage)', () => {
    const { lesions } = detectLesions(image((_x, y) => -25 * Math.exp(-((y - 48) ** 2) / 4.5)), mask, whole);
    expect(lesions.filter((l) => l.kind === 'dark' && l.score >= 0.5)).toEqual([]);
  });

  it('drops candidates inside the optic disc and beyond the macula radius', () => {
    const img = image(blob(30, 40, 1.5, -25));
    expect(detectLesions(img, mask, { ...whole, disc: { x: 32, y: 40, radius: 8 } }).lesions.filter((l) => l.score >= 0.5)).toEqual([]);
    expect(detectLesions(img, mask, { disc: { x: 90, y: 90, radius: 2 }, fovea: { x: 80, y: 80 }, maculaDiscDiameters: 2 }).lesions.filter((l) => l.score >= 0.5)).toEqual([]);
  });

  it('calls a large dark blot a haemorrhage', () => {
    const { lesions } = detectLesions(image(blob(48, 48, 6, -30)), mask, whole);
    const strong = lesions.filter((l) => l.score >= 0.5 && l.kind === 'dark');
    expect(strong.length).toBeGreaterThanOrEqual(1);
    expect(strong[0]!.class).toBe('haemorrhage');
    expect(Math.hypot(strong[0]!.x - 48, strong[0]!.y - 48)).toBeLessThan(3);
  });
});
