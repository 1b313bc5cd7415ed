import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { fitLandmarkPriors, landmarkPriorsOf, type LandmarkPriorSample } from '../../../shared/landmarks/fitLandmarkPriors.js';
import { validateLandmarkPriors, type LandmarkPriors } from '../../../shared/landmarks/LandmarkPriors.js';
import { shippedLandmarkPriors, shippedLandmarkPriorsPath } from '../../../shared/landmarks/shippedLandmarkPriors.js';
import { weighDiscCandidates } from '../../../shared/landmarks/weighDiscCandidates.js';

const committed = JSON.parse(readFileSync(new URL('../../../models/landmarks/priors.json', import.meta.url), 'utf8')) as LandmarkPriors;

/**
 * Two photographs (both eyes) whose disc offsets, fovea distances and slopes lie at mean − sd and mean + sd of
 * `p`, so that the fit (population sd) gives `p` back.
 */
function samplesAt(p: LandmarkPriors, discToFovRatio: number): LandmarkPriorSample[] {
  const fov = { cx: 1000, cy: 700, radius: 600 };
  return [-1, 1].map((k) => {
    const side = k < 0 ? 1 : -1;
    const disc = { x: fov.cx + side * (p.discPosition.radialOffset + k * p.discPosition.radialOffsetSd) * fov.radius, y: fov.cy + (p.discPosition.verticalOffset + k * p.discPosition.verticalOffsetSd) * fov.radius };
    const distancePx = (p.fovea.distance + k * p.fovea.distanceSd) * discToFovRatio * 2 * fov.radius;
    const slope = p.fovea.slope + k * p.fovea.slopeSd;
    const dx = distancePx / Math.hypot(1, slope);
    return { disc, fovea: { x: disc.x - side * dx, y: disc.y + slope * dx }, fov };
  });
}

const writerInfo = { command: 'drgrade eval-landmarks --images <dir> --labels <csv> --fit-priors --write <file>', dataset: 'inline' };

describe('landmark priors file', () => {
  it('is written deterministically by the fit code, in the shape the reader accepts', () => {
    const fov = { cx: 500, cy: 400, radius: 100 };
    const samples = [
      { disc: { x: 550, y: 400 }, fovea: { x: 519.6, y: 400 }, fov },
      { disc: { x: 430, y: 390 }, fovea: { x: 430 + 91.2 / Math.hypot(1, 0.2), y: 390 + (0.2 * 91.2) / Math.hypot(1, 0.2) }, fov },
    ];
    const file = landmarkPriorsOf(fitLandmarkPriors(samples), writerInfo);
    expect(file).toEqual({
      discPosition: { radialOffset: 0.6, radialOffsetSd: 0.1, verticalOffset: -0.05, verticalOffsetSd: 0.05 },
      fovea: { distance: 2, distanceSd: 1, slope: 0.1, slopeSd: 0.1 },
      fit: { ...writerInfo, samples: 2, discToFovRatio: 0.152 },
    });
    expect(landmarkPriorsOf(fitLandmarkPriors(samples), writerInfo)).toEqual(file);
    expect(validateLandmarkPriors(JSON.parse(JSON.stringify(file)), 'x')).toEqual(file);
  });

  it('the committed file is what the fit code writes: its fields, its command, and numbers the fit reproduces', () => {
    const fit = committed.fit as { command: string; samples: number; dataset: string; discToFovRatio: number };
    expect(fit.command).toBe(writerInfo.command);
    expect(fit.samples).toBe(413);
    expect(fit.dataset).toMatch(/IDRiD/);
    const refit = landmarkPriorsOf(fitLandmarkPriors(samplesAt(committed, fit.discToFovRatio)), { command: fit.command, dataset: fit.dataset, discToFovRatio: fit.discToFovRatio });
    expect(refit).toEqual({ ...committed, fit: { ...fit, samples: 2 } });
  });

  it('is what the landmark code reads by default', () => {
    expect(shippedLandmarkPriorsPath()).toMatch(/models[\\/]landmarks[\\/]priors\.json$/);
    expect(shippedLandmarkPriors()).toEqual(validateLandmarkPriors(committed, 'committed'));
    // A centre candidate against one 0.3 radii off the fitted position: the default weighs with the file's prior.
    const candidates = [{ evidence: 6, foveaScore: -1, offsetX: 0.3, offsetY: 0 }, { evidence: 5.8, foveaScore: -1, offsetX: committed.discPosition.radialOffset, offsetY: committed.discPosition.verticalOffset }];
    expect(weighDiscCandidates(candidates, 0.5)).toBe(weighDiscCandidates(candidates, 0.5, committed.discPosition));
    expect(weighDiscCandidates(candidates, 0.5)).toBe(1);
    expect(weighDiscCandidates(candidates, 0.5, { ...committed.discPosition, radialOffset: 0.3 })).toBe(0);
  });

  it('refuses a malformed file with the field named', () => {
    const bad = { ...committed, fovea: { ...committed.fovea, distanceSd: 0 } };
    try {
      validateLandmarkPriors(bad, 'priors.json');
      expect.unreachable();
    } catch (error) {
      expect(isDrgradeError(error) && error.code).toBe('MODEL_MANIFEST_INVALID');
      expect((error as Error).message).toBe('Expected a positive finite number for priors.json fovea.distanceSd but received 0');
    }
    expect(() => validateLandmarkPriors({ discPosition: committed.discPosition }, 'priors.json')).toThrow('Expected an object for priors.json fovea but received undefined');
    expect(() => validateLandmarkPriors([], 'priors.json')).toThrow('Expected an object for priors.json (root) but received []');
  });
});
