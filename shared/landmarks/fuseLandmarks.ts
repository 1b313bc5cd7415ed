import type { NormalisedLandmarks } from './findLandmarks.js';
import type { LearnedLandmark } from './LandmarkModel.js';
import type { LandmarkName } from './LandmarkModelManifest.js';
import { shippedLandmarkPriors } from './shippedLandmarkPriors.js';

/**
 * The landmark model's fovea is kept when at least this much of its probability lies around its peak; below it the
 * classical fovea search decides. Chosen on the out-of-fold predictions of folds 1–4 (docs/landmarks.md).
 */
export const learnedFoveaMinMass = 0.5;

/** A landmark the model puts outside the photographed field with at least this probability is not taken from it. */
export const learnedAbsentMax = 0.5;

/** The disc size read from the disc–fovea distance is kept within these multiples of the expected size (50° to about 25° fields). */
const discSizeRange = [0.8, 2] as const;

/**
 * The landmarks from the model and the classical search together:
 * - the disc where the model puts it (unless it says the disc is outside the field): on the out-of-fold IDRiD
 *   photographs and under every camera transform it was right more often than the search;
 * - the fovea where the model puts it when it is sure of the place ({@link learnedFoveaMinMass}), else the search's;
 * - the disc's size from the disc–fovea distance when the model is sure of both (the fovea lies
 *   `fovea.distance` disc diameters (priors.json) from the disc in every eye, so the distance measures the disc in any
 *   field), else the search's size.
 */
export function fuseLandmarks(classical: NormalisedLandmarks, learned: Readonly<Record<LandmarkName, LearnedLandmark>>, fovDiameterPx: number, expectedDiscToFov = 0.152): NormalisedLandmarks {
  const disc = learned.disc.absent < learnedAbsentMax ? learned.disc : null;
  const fovea = learned.fovea.absent < learnedAbsentMax && learned.fovea.mass >= learnedFoveaMinMass ? learned.fovea : null;
  const expectedRadius = (expectedDiscToFov * fovDiameterPx) / 2;
  let radius = classical.disc?.radius ?? expectedRadius;
  if (disc && fovea) {
    const measured = Math.hypot(fovea.x - disc.x, fovea.y - disc.y) / shippedLandmarkPriors().fovea.distance / 2;
    radius = Math.min(discSizeRange[1] * expectedRadius, Math.max(discSizeRange[0] * expectedRadius, measured));
  }
  return {
    disc: disc ? { x: round1(disc.x), y: round1(disc.y), radius, confidence: round3(disc.mass) } : classical.disc,
    fovea: fovea ? { x: round1(fovea.x), y: round1(fovea.y), confidence: round3(fovea.mass) } : classical.fovea,
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
