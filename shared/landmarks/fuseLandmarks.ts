import type { NormalisedLandmarks } from './NormalisedLandmarks.js';
import type { LearnedLandmark } from './LandmarkModel.js';
import type { LandmarkName } from './LandmarkModelManifest.js';
import { shippedLandmarkPriors } from './shippedLandmarkPriors.js';

/**
 * Below this much probability around its peak, the model's fovea gives way to the classical search's in a field
 * like IDRiD's ({@link fuseLandmarks}). Chosen on the out-of-fold predictions of folds 1–4 (docs/landmarks.md).
 */
export const learnedFoveaMinMass = 0.6;

/**
 * A field counts as like IDRiD's 50° when the disc size that the model's disc–fovea distance implies is within this
 * fraction of the expected size (a 32.5° field magnifies it by about 1.5).
 */
export const standardFieldTolerance = 0.3;

/** The disc size read from the disc–fovea distance is kept within these multiples of the expected size (50° to about 25° fields). */
const discSizeRange = [0.8, 2] as const;

/**
 * The landmarks from the model and the classical search together:
 * - the disc where the model puts it: on the held-out IDRiD photographs and under every camera transform it was
 *   within one disc radius more often than the search (docs/landmarks.md). The model's "absent" output is not used
 *   to drop it: it said 0.97 for a disc it had placed 0.04 disc radii from the expert's (a dark tone curve);
 * - the fovea where the model puts it, unless the model is unsure of it (mass below {@link learnedFoveaMinMass}) in
 *   a field like IDRiD's ({@link standardFieldTolerance}) where the search found the same disc: there the search,
 *   fitted to such fields, was right more often. In narrower or re-aimed fields the search's fovea was wrong more
 *   often than the unsure model's;
 * - the disc's size from the disc–fovea distance (the fovea lies `fovea.distance` disc diameters from the disc in
 *   every eye, priors.json), so the size follows the field; the search's size when the fovea is the search's.
 */
export function fuseLandmarks(classical: NormalisedLandmarks, learned: Readonly<Record<LandmarkName, LearnedLandmark>>, fovDiameterPx: number, expectedDiscToFov = 0.152): NormalisedLandmarks {
  const { disc, fovea } = learned;
  const expectedRadius = (expectedDiscToFov * fovDiameterPx) / 2;
  const impliedRadius = Math.hypot(fovea.x - disc.x, fovea.y - disc.y) / shippedLandmarkPriors().fovea.distance / 2;
  const standardField = Math.abs(impliedRadius / expectedRadius - 1) <= standardFieldTolerance;
  const sameDisc = classical.disc !== null && Math.hypot(classical.disc.x - disc.x, classical.disc.y - disc.y) <= classical.disc.radius;
  const useSearchFovea = fovea.mass < learnedFoveaMinMass && standardField && sameDisc && classical.fovea !== null;
  const radius = useSearchFovea ? classical.disc!.radius : Math.min(discSizeRange[1] * expectedRadius, Math.max(discSizeRange[0] * expectedRadius, impliedRadius));
  return {
    disc: { x: round1(disc.x), y: round1(disc.y), radius, confidence: round3(disc.mass) },
    fovea: useSearchFovea ? classical.fovea : { x: round1(fovea.x), y: round1(fovea.y), confidence: round3(fovea.mass) },
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
