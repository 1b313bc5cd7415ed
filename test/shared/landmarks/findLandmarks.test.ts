import { describe, expect, it } from 'vitest';
import type { MaskImage, RgbImage } from '../../../shared/image/RgbImage.js';
import { findLandmarks } from '../../../shared/landmarks/findLandmarks.js';
import { shippedLandmarkPriors } from '../../../shared/landmarks/shippedLandmarkPriors.js';

const size = 256, fovRadius = 120;

/**
 * A 256 × 256 drawn retina (FOV radius 120 px, centred): orange-red background, a pale disc of radius 18 px
 * (0.15 of the FOV diameter, as in IDRiD) with three dark vertical vessels through it, and a dark fovea of
 * radius 12 px whose darkness fades linearly to its rim.
 */
function drawnRetina(disc: { x: number; y: number }, fovea: { x: number; y: number }): { image: RgbImage; mask: MaskImage } {
  const data = new Uint8Array(size * size * 3), mask = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const i = y * size + x;
    if ((x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 > fovRadius * fovRadius) continue;
    mask[i] = 1;
    let rgb = [150, 75, 20];
    if (Math.hypot(x - disc.x, y - disc.y) <= 18) rgb = [235, 185, 95];
    const f = Math.hypot(x - fovea.x, y - fovea.y);
    if (f < 12) rgb = rgb.map((v) => v * (0.7 + (0.3 * f) / 12));
    const vessel = [-9, 0, 9].some((dx) => Math.abs(x - (disc.x + dx + 0.05 * (y - disc.y))) < 1.5) && Math.abs(y - disc.y) < 70;
    if (vessel) rgb = rgb.map((v) => v * 0.6);
    data.set(rgb.map(Math.round), i * 3);
  }
  return { image: { width: size, height: size, data }, mask: { width: size, height: size, data: mask } };
}

const within = (p: { x: number; y: number } | null, q: { x: number; y: number }) => (p ? Math.hypot(p.x - q.x, p.y - q.y) : Infinity);

describe('findLandmarks on drawn retinas', () => {
  it.each([
    ['right eye, macula-centred', { x: 200, y: 126 }, { x: 108, y: 138 }],
    ['left eye, macula-centred', { x: 56, y: 126 }, { x: 148, y: 138 }],
  ])('finds disc and fovea of a %s photograph', (_name, disc, fovea) => {
    const { image, mask } = drawnRetina(disc, fovea);
    const found = findLandmarks(image, mask, { fovDiameterPx: 2 * fovRadius });
    expect(within(found.disc, disc)).toBeLessThanOrEqual(3);
    expect(found.disc!.radius).toBeCloseTo(0.152 * fovRadius, 6);
    expect(within(found.fovea, fovea)).toBeLessThanOrEqual(4);
  });

  it('finds the disc of a disc-centred photograph, and its fovea on whichever side it is', () => {
    for (const side of [1, -1]) {
      const disc = { x: 130, y: 126 }, fovea = { x: 130 + side * 92, y: 138 };
      const { image, mask } = drawnRetina(disc, fovea);
      const found = findLandmarks(image, mask, { fovDiameterPx: 2 * fovRadius });
      expect(within(found.disc, disc), `side ${side}`).toBeLessThanOrEqual(3);
      expect(within(found.fovea, fovea), `side ${side}`).toBeLessThanOrEqual(4);
    }
  });

  it('finds nothing in an empty mask', () => {
    const { image } = drawnRetina({ x: 200, y: 126 }, { x: 108, y: 138 });
    expect(findLandmarks(image, { width: size, height: size, data: new Uint8Array(size * size) }, { fovDiameterPx: 240 })).toEqual({ disc: null, fovea: null });
  });

  it('defaults to the shipped priors file, and its priors are what it uses', () => {
    const { image, mask } = drawnRetina({ x: 200, y: 126 }, { x: 108, y: 138 });
    const shipped = shippedLandmarkPriors();
    const byDefault = findLandmarks(image, mask, { fovDiameterPx: 2 * fovRadius });
    expect(findLandmarks(image, mask, { fovDiameterPx: 2 * fovRadius, discPosition: shipped.discPosition, foveaPrior: shipped.fovea })).toEqual(byDefault);
    // A fovea prior that puts it 1.8 disc diameters from the disc moves the fovea: the prior is read, not ignored.
    const nearer = findLandmarks(image, mask, { fovDiameterPx: 2 * fovRadius, foveaPrior: { distance: 1.8, distanceSd: 0.05, weight: 20 } });
    expect(nearer.fovea).not.toEqual(byDefault.fovea);
  });
});
