import { describe, expect, it } from 'vitest';
import { applyGamma, desaturate, mixChannels } from '../../../shared/cameras/colourTransforms.js';
import type { MaskImage, RgbImage } from '../../../shared/image/RgbImage.js';
import { assessQuality, type QualityInput } from '../../../shared/quality/assessQuality.js';

const size = 96, radius = 44;

/** A 96 × 96 retina: a disc of `colour` whose channels vary by ±`texture` (a fixed pseudo-random pattern), black around. */
function retina(colour: [number, number, number], texture: number): { image: RgbImage; mask: MaskImage } {
  const data = new Uint8Array(size * size * 3), mask = new Uint8Array(size * size);
  let state = 12345;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    state = (state * 1103515245 + 12345) >>> 0;
    const t = ((state >>> 16) / 65535) * 2 - 1;
    if ((x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 > radius * radius) continue;
    mask[y * size + x] = 1;
    for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(colour[c]! * (1 + texture * t))));
  }
  return { image: { width: size, height: size, data }, mask: { width: size, height: size, data: mask } };
}

function input(image: RgbImage, mask: MaskImage): QualityInput {
  return { image, mask, sourceWidth: 1000, sourceHeight: 1000, fov: { radiusSourcePx: 480, visibleFraction: 1, maskInsideFraction: 0.99, circleFilledFraction: 0.99, residualRatio: 0.005 } };
}

/** IDRiD's typical retina colour (mean R, G, B inside the field of view). */
const idridColour: [number, number, number] = [150, 80, 20];

describe('assessQuality', () => {
  it('calls a sharp, well-exposed IDRiD-coloured retina excellent, with no reason', () => {
    const { image, mask } = retina(idridColour, 0.15);
    const q = assessQuality(input(image, mask));
    expect([q.gradable, q.category, q.reasons]).toEqual([true, 'excellent', []]);
  });

  it.each([
    ['yellow-green', (i: RgbImage) => mixChannels(i, [0.85, 0.1, 0, 0.3, 1, 0, 0.05, 0.1, 1.2])],
    ['pale', (i: RgbImage) => desaturate(i, 0.5, 1.3)],
    ['darker pigment', (i: RgbImage) => mixChannels(i, [0.55, 0, 0, 0, 0.45, 0, 0, 0, 0.45])],
    ['lighter pigment', (i: RgbImage) => mixChannels(i, [1.15, 0, 0, 0, 1.35, 0, 0, 0, 1.6])],
    ['gamma 0.7', (i: RgbImage) => applyGamma(i, 0.7)],
    ['gamma 1.5', (i: RgbImage) => applyGamma(i, 1.5)],
  ])('calls the same retina gradable with no reason under a %s camera', (_name, camera) => {
    const { image, mask } = retina(idridColour, 0.15);
    const q = assessQuality(input(camera(image), mask));
    expect([q.gradable, q.reasons]).toEqual([true, []]);
  });

  it('warns of heavy JPEG compression below quality 70, keeps the photograph gradable and lowers its score', () => {
    const { image, mask } = retina(idridColour, 0.15);
    const at = (jpegQuality: number | null) => assessQuality({ ...input(image, mask), jpegQuality });
    expect([at(90).reasons, at(70).reasons, at(null).reasons]).toEqual([[], [], []]);
    expect(at(90).metrics.jpegQuality).toBe(90);
    expect(at(null).metrics.jpegQuality).toBeUndefined();
    const q50 = at(50);
    expect([q50.gradable, q50.reasons, q50.metrics.jpegQuality]).toEqual([true, ['heavy_compression'], 50]);
    expect(q50.score).toBeCloseTo(at(90).score * 0.8, 2);
  });

  it('refuses a grey or a blue disc as not a fundus', () => {
    for (const colour of [[120, 120, 120], [40, 80, 160]] as [number, number, number][]) {
      const { image, mask } = retina(colour, 0.15);
      const q = assessQuality(input(image, mask));
      expect([q.gradable, q.reasons]).toEqual([false, ['not_a_fundus']]);
    }
  });

  it('calls a flat retina out of focus, and only that', () => {
    const { image, mask } = retina(idridColour, 0);
    const q = assessQuality(input(image, mask));
    expect([q.gradable, q.category, q.reasons, q.metrics.sharpness]).toEqual([false, 'ungradable', ['out_of_focus'], 0]);
  });

  it('calls a retina at a tenth of the exposure too dark', () => {
    const { image, mask } = retina([15, 8, 2], 0.15);
    const q = assessQuality(input(image, mask));
    expect(q.gradable).toBe(false);
    expect(q.reasons).toContain('too_dark');
  });

  it('refuses a photograph without a field of view as not a fundus', () => {
    const { image } = retina(idridColour, 0.15);
    const q = assessQuality({ image, mask: null, sourceWidth: 1000, sourceHeight: 1000, fov: null });
    expect([q.gradable, q.category, q.reasons, q.score]).toEqual([false, 'ungradable', ['not_a_fundus'], 0]);
  });

  it('calls a field of view under 180 source pixels in radius too small', () => {
    const { image, mask } = retina(idridColour, 0.15);
    const q = assessQuality({ ...input(image, mask), fov: { ...input(image, mask).fov!, radiusSourcePx: 150 } });
    expect([q.gradable, q.reasons]).toEqual([false, ['fov_too_small']]);
  });
});
