import { describe, expect, it } from 'vitest';
import { fitLandmarkPriors } from '../../../shared/landmarks/fitLandmarkPriors.js';

describe('fitLandmarkPriors', () => {
  it('measures disc offsets in FOV radii and the fovea in disc diameters, on both eyes', () => {
    const fov = { cx: 500, cy: 400, radius: 100 };
    const fitted = fitLandmarkPriors([
      // Right eye: disc 0.5 radii right, fovea 1 disc diameter (30.4 px) left at the same height.
      { disc: { x: 550, y: 400 }, fovea: { x: 519.6, y: 400 }, fov },
      // Left eye: disc 0.7 radii left and 0.1 above, fovea 3 disc diameters right and 0.2 × |dx| below.
      { disc: { x: 430, y: 390 }, fovea: { x: 430 + 91.2 / Math.hypot(1, 0.2), y: 390 + (0.2 * 91.2) / Math.hypot(1, 0.2) }, fov },
    ]);
    expect(fitted.samples).toBe(2);
    expect(fitted.discRadialOffset).toEqual({ mean: 0.6, sd: 0.1 });
    expect(fitted.discVerticalOffset).toEqual({ mean: -0.05, sd: 0.05 });
    expect(fitted.foveaDistanceDiscDiameters).toEqual({ mean: 2, sd: 1 });
    expect(fitted.foveaSlope).toEqual({ mean: 0.1, sd: 0.1 });
  });
  it('measures the fovea from the found disc where it lies within the disc radius, else from the expert disc', () => {
    const fov = { cx: 500, cy: 400, radius: 100 };
    // Expert disc at (550, 400), fovea 60.8 px left (2 disc diameters of 30.4 px).
    const sample = { disc: { x: 550, y: 400 }, fovea: { x: 489.2, y: 400 }, fov };
    // Found 10 px right of the expert disc, within a 15 px radius: the fovea is 70.8 px from it.
    const near = fitLandmarkPriors([{ ...sample, detected: { disc: { x: 560, y: 400 }, discRadiusPx: 15 } }]);
    expect(near.foveaDistanceDiscDiameters.mean).toBeCloseTo(70.8 / 30.4, 4);
    // Found 20 px away, or not at all: the expert disc.
    for (const disc of [{ x: 570, y: 400 }, null]) {
      expect(fitLandmarkPriors([{ ...sample, detected: { disc, discRadiusPx: 15 } }]).foveaDistanceDiscDiameters.mean).toBe(2);
    }
    // The disc position prior always comes from the expert disc.
    expect(near.discRadialOffset.mean).toBe(0.5);
  });
});
