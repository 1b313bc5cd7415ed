import type { MaskImage, RgbImage } from '../image/RgbImage.js';
import { discEvidenceMap } from './discEvidenceMap.js';
import { discPositionCost } from './discPositionPrior.js';
import { downsampleForLandmarks } from './downsampleForLandmarks.js';
import { foveaEvidenceMap } from './foveaEvidenceMap.js';
import { MaskedBlur } from './MaskedBlur.js';
import { pickDiscCandidates, type DiscCandidate } from './pickDiscCandidates.js';
import { refineDiscCentre } from './refineDiscCentre.js';
import { relativeLuminance } from './relativeLuminance.js';
import { idridFoveaPrior, searchFoveaOnSide, type FoveaHit, type FoveaPrior, type FoveaSearchGeometry } from './searchFovea.js';

export { downsampleJs } from './downsampleForLandmarks.js';
export type { FoveaPrior } from './searchFovea.js';

/**
 * Optic disc and fovea in a normalised fundus image (FOV centred, diameter `fovDiameterPx`).
 * Disc: the place where a disc-sized bright spot and disc-sized local contrast (vessels crossing the bright rim)
 * coincide. Fovea: the darkest disc-sized spot 2–3.3 disc diameters from the disc, towards the FOV centre and near
 * the disc's height (anatomy: the fovea lies about 2.5 disc diameters temporal to the disc, slightly below it).
 * Work is done on a copy downsampled to about 256 px, so it is cheap and robust to small lesions.
 */
export interface FindLandmarksOptions {
  /** FOV diameter in the normalised image, in pixels. */
  fovDiameterPx: number;
  /** Disc diameter as a fraction of the FOV diameter (IDRiD median: 520 / 3416 px). @default 0.152 */
  discToFovRatio?: number;
  /**
   * Weight of the disc-position prior of macula-centred photographs (the usual DR screening field, and IDRiD's):
   * on the 413 IDRiD training photographs the disc centre lies 0.60 ± 0.11 FOV radii left or right of the FOV
   * centre and −0.02 ± 0.105 radii above or below it. Each disc candidate loses `weight` × min(8, ½ z_x² + ½ z_y²).
   * On those photographs the right disc was among the four candidates in 411 of 413; the prior raised the right
   * choice from 396 to 406 (weights 0.5 to 1 all gave 406-407). 0 turns it off (e.g. disc-centred photographs).
   * @default 0.5
   */
  discPositionPriorWeight?: number;
  /** The fovea's position relative to the disc (tuning; defaults measured on IDRiD training labels). */
  foveaPrior?: Partial<FoveaPrior>;
  /**
   * Brightness (relative to the local background, 1 = background) at which the fovea map clips: exudates around
   * the fovea would otherwise lift the macula's darkness. On the IDRiD training photographs, clipping at 0.95
   * (with the tighter fovea prior) cut the fovea misses from 23 to 12 of 413. @default 0.95
   */
  foveaBrightClip?: number;
}

/** Landmarks in normalised-image pixels. */
export interface NormalisedLandmarks {
  readonly disc: { x: number; y: number; radius: number; confidence: number } | null;
  readonly fovea: { x: number; y: number; confidence: number } | null;
}

/** How many disc candidates are weighed against their fovea and the position prior. */
const discCandidateCount = 4;

/** Finds the optic disc and the fovea. */
export function findLandmarks(image: RgbImage, mask: MaskImage, options: FindLandmarksOptions): NormalisedLandmarks {
  const factor = Math.max(1, Math.floor(image.width / 256));
  const grid = downsampleForLandmarks(image, mask, factor);
  const { width: w, height: h } = grid.lum;
  const fovD = options.fovDiameterPx / factor;
  const discD = fovD * (options.discToFovRatio ?? 0.152);
  const discR = discD / 2;
  const relative = relativeLuminance(grid.lum.data, grid.mask, w, h, fovD / 8);
  const blur = new MaskedBlur(grid.mask, w, h);

  const discEvidence = discEvidenceMap(relative, grid.mask, blur, { width: w, height: h, discDiameterPx: discD, fovDiameterPx: fovD });
  const candidates = pickDiscCandidates(discEvidence.score, w, h, 2 * discD, discCandidateCount);
  if (candidates.length === 0) return { disc: null, fovea: null };

  const foveaEvidence = foveaEvidenceMap(relative, grid.red.data, grid.mask, discEvidence.contrastZ, blur, discR, options.foveaBrightClip ?? 0.95);
  const foveaPrior: FoveaPrior = { ...idridFoveaPrior, ...options.foveaPrior };
  const foveaGeometry: FoveaSearchGeometry = { width: w, height: h, mask: grid.mask, discDiameterPx: discD, fovDiameterPx: fovD };
  // The fovea lies on the FOV centre's side of the disc in a macula-centred photograph.
  const foveaOf = (x: number, y: number): FoveaHit | null => searchFoveaOnSide(foveaEvidence, foveaGeometry, x, y, Math.sign(w / 2 - x) || 1, foveaPrior);

  // Each candidate: its disc evidence, half its fovea's score (5 without one) and the position prior.
  const priorWeight = options.discPositionPriorWeight ?? 0.5;
  const fovR = options.fovDiameterPx / 2;
  let chosen: DiscCandidate | null = null, chosenTotal = -Infinity;
  for (const c of candidates) {
    const fovea = foveaOf(c.x, c.y);
    const offsetX = ((c.x + 0.5) * factor - image.width / 2) / fovR, offsetY = ((c.y + 0.5) * factor - image.height / 2) / fovR;
    const total = c.score - (fovea ? 0.5 * fovea.score : 5) - priorWeight * discPositionCost(offsetX, offsetY);
    if (!chosen || total > chosenTotal) { chosen = c; chosenTotal = total; }
  }
  const disc = chosen!;
  const second = candidates.filter((c) => c !== disc).reduce((mx, c) => Math.max(mx, c.score), -Infinity);
  const discConfidence = clamp01((disc.score - (second === -Infinity ? 0 : second)) / 2 + 0.5);
  const refined = refineDiscCentre(image, mask, (disc.x + 0.5) * factor, (disc.y + 0.5) * factor, discR * factor);
  // Re-run the fovea search from the refined disc at the coarse scale.
  const fovea = foveaOf(refined.x / factor - 0.5, refined.y / factor - 0.5);
  return {
    disc: { x: refined.x, y: refined.y, radius: discR * factor, confidence: round(discConfidence) },
    fovea: fovea ? { x: (fovea.x + 0.5) * factor, y: (fovea.y + 0.5) * factor, confidence: round(clamp01(-fovea.score / 3)) } : null,
  };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
