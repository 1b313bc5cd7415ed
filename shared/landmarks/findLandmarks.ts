import type { MaskImage, RgbImage } from '../image/RgbImage.js';
import { discContrastProfile } from './discContrastProfile.js';
import { discEvidenceMap } from './discEvidenceMap.js';
import { downsampleForLandmarks, type LandmarkGrid } from './downsampleForLandmarks.js';
import { foveaEvidenceMap } from './foveaEvidenceMap.js';
import { MaskedBlur } from './MaskedBlur.js';
import { pickDiscCandidates } from './pickDiscCandidates.js';
import { refineDiscCentre } from './refineDiscCentre.js';
import { relativeLuminance } from './relativeLuminance.js';
import { weighDiscCandidates } from './weighDiscCandidates.js';
import { fuseLandmarks } from './fuseLandmarks.js';
import type { NormalisedLandmarks } from './NormalisedLandmarks.js';
import type { LearnedLandmark } from './LandmarkModel.js';
import type { LandmarkName } from './LandmarkModelManifest.js';
import type { DiscPositionPrior } from './LandmarkPriors.js';
import { shippedLandmarkPriors } from './shippedLandmarkPriors.js';
import { foveaPriorWeight, searchFoveaOnSide, type FoveaHit, type FoveaPrior, type FoveaSearchGeometry } from './searchFovea.js';

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
  /**
   * Disc diameter as a fraction of the FOV diameter (IDRiD median: 520 / 3416 px, a 50° field). When not given,
   * 0.152 is tried first, then 1.25 and 1.56 times that (narrower fields); a larger size is kept where both its
   * fovea and the disc's contrast say so. When given, exactly this size is used. @default 0.152, or larger where measured
   */
  discToFovRatio?: number;
  /**
   * Weight of the disc-position prior of macula-centred photographs (the usual DR screening field, and IDRiD's):
   * on the 413 IDRiD training photographs the disc centre lies about 0.60 ± 0.11 FOV radii left or right of the FOV
   * centre and −0.02 ± 0.105 radii above or below it (`discPosition`). Each disc candidate loses `weight` × min(8, ½ z_x²
   * + ½ z_y²).
   * On those photographs the right disc was among the four candidates in 411 of 413; the prior raised the right
   * choice from 396 to 406 (weights 0.5 to 1 all gave 406-407). 0 turns it off (e.g. disc-centred photographs).
   * The prior yields to strong evidence: its weight falls linearly to 0 as the best candidate's evidence leads the
   * second's by 3 to 5 z units (weighDiscCandidates.ts).
   * @default 0.5
   */
  discPositionPriorWeight?: number;
  /**
   * Where the disc lies in a macula-centred photograph, in FOV radii from the FOV centre.
   * @default the shipped prior, fitted on IDRiD's expert disc centres (models/landmarks/priors.json)
   */
  discPosition?: DiscPositionPrior;
  /**
   * The fovea's position relative to the disc and the prior's weight.
   * @default the shipped prior, fitted on IDRiD's expert positions (models/landmarks/priors.json), weight 1
   */
  foveaPrior?: Partial<FoveaPrior>;
  /**
   * Brightness (relative to the local background, 1 = background) at which the fovea map clips: exudates around
   * the fovea would otherwise lift the macula's darkness. On the IDRiD training photographs, clipping at 0.95
   * (with the tighter fovea prior) cut the fovea misses from 23 to 12 of 413. @default 0.95
   */
  foveaBrightClip?: number;
  /** The landmark model's disc and fovea in this image's pixels (`LandmarkModel.predict`); fused with the search ({@link fuseLandmarks}). */
  learned?: Readonly<Record<LandmarkName, LearnedLandmark>>;
}

export type { NormalisedLandmarks } from './NormalisedLandmarks.js';

/** How many disc candidates are weighed against their fovea and the position prior. */
const discCandidateCount = 4;

/**
 * Disc sizes tried besides the expected one, as multiples of it: fields of about 40° and 32° where IDRiD's are 50°
 * (the disc's angular size is the same in every eye). At 1.95 spurious foveae scored well on IDRiD photographs.
 */
const largerDiscScales = [1.25, 1.56];

/**
 * How much lower (more fovea-like) the fovea score at a larger disc size must be than at the expected size, and how
 * much brighter against its surround the disc must look at that size (or the next) than at the expected one.
 * Chosen on the 402 distinct IDRiD training photographs and 45°, 30° and re-aimed camera transforms of 40 of them
 * (docs/figures.md): neither measurement alone kept IDRiD's figures, both together do (3 of 402 switch size).
 */
const otherScaleFoveaMargin = 0.5, otherScaleContrastRatio = 1.3;

/** A disc within this many FOV radii of the centre may have its fovea on either side (disc-centred fields). */
const centralDiscOffset = 0.2;

/** Finds the optic disc and the fovea. */
export function findLandmarks(image: RgbImage, mask: MaskImage, options: FindLandmarksOptions): NormalisedLandmarks {
  const classical = searchLandmarks(image, mask, options);
  return options.learned ? fuseLandmarks(classical, options.learned, options.fovDiameterPx, options.discToFovRatio) : classical;
}

/** The classical search: disc evidence, candidates weighed with their fovea and the position prior, three disc sizes. */
function searchLandmarks(image: RgbImage, mask: MaskImage, options: FindLandmarksOptions): NormalisedLandmarks {
  const factor = Math.max(1, Math.floor(image.width / 256));
  const grid = downsampleForLandmarks(image, mask, factor);
  const { width: w, height: h } = grid.lum;
  const fovD = options.fovDiameterPx / factor;
  const relative = relativeLuminance(grid.lum.data, grid.mask, w, h, fovD / 8);
  const blur = new MaskedBlur(grid.mask, w, h);
  const expectedRatio = options.discToFovRatio ?? 0.152;
  const search = { image, mask, options, factor, grid, relative, blur, fovD };
  const priorWeight = options.discPositionPriorWeight ?? 0.5;
  const atExpected = locateAtScale(search, expectedRatio, priorWeight);
  if (!atExpected || options.discToFovRatio !== undefined) return atExpected?.landmarks ?? { disc: null, fovea: null };
  // A narrower field than IDRiD's 50° shows a larger disc, with the fovea proportionally farther from it. Search
  // again at larger disc sizes and keep one only when two measurements agree: its fovea is clearly more fovea-like
  // (dark, avascular, where the anatomy puts it) and the disc found at the expected size is clearly brighter
  // against its surround at that size than at the expected one.
  let best = atExpected, bestScale = 1;
  for (const scale of largerDiscScales) {
    const found = locateAtScale(search, expectedRatio * scale, priorWeight);
    if (found && found.foveaScore < best.foveaScore - (bestScale === 1 ? otherScaleFoveaMargin : 0)) { best = found; bestScale = scale; }
  }
  if (bestScale === 1) return best.landmarks;
  const discR = (fovD * expectedRatio) / 2;
  const profile = discContrastProfile(relative, grid.mask, w, h, atExpected.candidate.x, atExpected.candidate.y, [1, ...largerDiscScales, 1.95].map((k) => k * discR), 1.56 * discR);
  const at = largerDiscScales.indexOf(bestScale) + 1;
  const larger = Math.max(profile[at]!, profile[at + 1] ?? -Infinity);
  return larger > otherScaleContrastRatio * Math.max(0, profile[0]!) ? best.landmarks : atExpected.landmarks;
}

/** What one search at one disc size works on. */
interface LandmarkSearch {
  readonly image: RgbImage;
  readonly mask: MaskImage;
  readonly options: FindLandmarksOptions;
  readonly factor: number;
  readonly grid: LandmarkGrid;
  readonly relative: Float32Array;
  readonly blur: MaskedBlur;
  readonly fovD: number;
}

/**
 * Disc and fovea found (with the fovea's score, lower = more fovea-like, ∞ without one, and the chosen coarse disc
 * candidate before refinement) assuming a disc diameter of `discToFovRatio` × the FOV diameter; null without a candidate. */
function locateAtScale(search: LandmarkSearch, discToFovRatio: number, priorWeight: number): { landmarks: NormalisedLandmarks; foveaScore: number; candidate: { x: number; y: number } } | null {
  const { image, mask, options, factor, grid, relative, blur, fovD } = search;
  const { width: w, height: h } = grid.lum;
  const discD = fovD * discToFovRatio;
  const discR = discD / 2;
  const discEvidence = discEvidenceMap(relative, grid.mask, blur, { width: w, height: h, discDiameterPx: discD, fovDiameterPx: fovD });
  const candidates = pickDiscCandidates(discEvidence.score, w, h, 2 * discD, discCandidateCount);
  if (candidates.length === 0) return null;

  const foveaEvidence = foveaEvidenceMap(relative, grid.red.data, grid.mask, discEvidence.contrastZ, blur, discR, options.foveaBrightClip ?? 0.95);
  const foveaPrior: FoveaPrior = { ...shippedLandmarkPriors().fovea, weight: foveaPriorWeight, ...options.foveaPrior };
  const discPosition = options.discPosition ?? shippedLandmarkPriors().discPosition;
  const foveaGeometry: FoveaSearchGeometry = { width: w, height: h, mask: grid.mask, discDiameterPx: discD, fovDiameterPx: fovD };
  const fovR = options.fovDiameterPx / 2;
  const offsetOf = (x: number, y: number) => ({ x: ((x + 0.5) * factor - image.width / 2) / fovR, y: ((y + 0.5) * factor - image.height / 2) / fovR });
  // The fovea lies on the FOV centre's side of the disc in a macula-centred photograph; a central disc may have it
  // on either side.
  const foveaOf = (x: number, y: number): FoveaHit | null => {
    const towardsCentre = Math.sign(w / 2 - x) || 1;
    const hit = searchFoveaOnSide(foveaEvidence, foveaGeometry, x, y, towardsCentre, foveaPrior);
    if (Math.abs(offsetOf(x, y).x) >= centralDiscOffset) return hit;
    const other = searchFoveaOnSide(foveaEvidence, foveaGeometry, x, y, -towardsCentre, foveaPrior);
    return other && (!hit || other.score < hit.score) ? other : hit;
  };

  const weighed = candidates.map((c) => {
    const offset = offsetOf(c.x, c.y);
    return { evidence: c.score, foveaScore: foveaOf(c.x, c.y)?.score ?? null, offsetX: offset.x, offsetY: offset.y };
  });
  const disc = candidates[weighDiscCandidates(weighed, priorWeight, discPosition)]!;
  const second = candidates.filter((c) => c !== disc).reduce((mx, c) => Math.max(mx, c.score), -Infinity);
  const discConfidence = clamp01((disc.score - (second === -Infinity ? 0 : second)) / 2 + 0.5);
  const refined = refineDiscCentre(image, mask, (disc.x + 0.5) * factor, (disc.y + 0.5) * factor, discR * factor);
  // Re-run the fovea search from the refined disc at the coarse scale.
  const coarseDisc = { x: refined.x / factor - 0.5, y: refined.y / factor - 0.5 };
  const fovea = foveaOf(coarseDisc.x, coarseDisc.y);
  return {
    foveaScore: fovea ? fovea.score : Infinity,
    candidate: { x: disc.x, y: disc.y },
    landmarks: {
      disc: { x: refined.x, y: refined.y, radius: discR * factor, confidence: round(discConfidence) },
      fovea: fovea ? { x: (fovea.x + 0.5) * factor, y: (fovea.y + 0.5) * factor, confidence: round(clamp01(-fovea.score / 3)) } : null,
    },
  };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
