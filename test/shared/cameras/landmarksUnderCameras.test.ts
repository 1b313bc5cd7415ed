import { describe, expect, it } from 'vitest';
import { cameraTransforms } from '../../../shared/cameras/cameraTransforms.js';
import { fovMask } from '../../../shared/fov/fovMask.js';
import { findLandmarks } from '../../../shared/landmarks/findLandmarks.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';

/**
 * Seeded synthetic photographs drawn as analyzeFundus normalises them (1064 px square, FOV diameter 1024, centred),
 * then photographed with other cameras' field angle and aim. The narrower fields magnify the disc 1.1–1.7×; the
 * landmarks must still land within one (magnified) disc radius.
 */
const fov = { cx: 532, cy: 532, radius: 512 };

function landmarksUnder(seed: number, transformName: string) {
  const s = synthFundus({ seed, width: 1064, height: 1064, fovRadiusPx: 512, grade: 0 });
  const transform = cameraTransforms.find((t) => t.name === transformName)!;
  const view = transform.apply({ image: s.image, fov, disc: s.truth.opticDisc, fovea: s.truth.fovea });
  const found = findLandmarks(view.image, fovMask(view.image, fov, { erodePx: 3 }), { fovDiameterPx: 1024 });
  const discRadius = s.truth.opticDisc.radius * view.scale;
  const error = (p: { x: number; y: number } | null, truth: { x: number; y: number }) => {
    const q = view.mapPoint(truth);
    return p ? Math.hypot(p.x - q.x, p.y - q.y) / discRadius : Infinity;
  };
  return { disc: error(found.disc, s.truth.opticDisc), fovea: error(found.fovea, s.truth.fovea), discRadiusFound: found.disc?.radius ?? 0, discRadius };
}

describe('landmarks under other cameras', () => {
  it.each([
    [3, 'field-30'],
    [3, 'shifted-field'],
    [3, 'field-45'],
  ])('seed %i, %s: disc and fovea within one disc radius', (seed, name) => {
    const e = landmarksUnder(seed, name);
    expect(e.disc).toBeLessThan(1);
    expect(e.fovea).toBeLessThan(1);
  });

  it('measures the magnified disc of a 30° field as larger than IDRiD’s', () => {
    const e = landmarksUnder(3, 'field-30');
    expect(e.discRadiusFound).toBeGreaterThan(1.2 * 0.152 * 512);
  });
});
