import { drawAnnotations } from '../annotate/drawAnnotations.js';
import { enhanceWithBackground } from '../enhance/enhanceContrast.js';
import { findFieldOfView } from '../fov/findFieldOfView.js';
import { fovMask } from '../fov/fovMask.js';
import type { DecodeCounter } from '../image/DecodeCounter.js';
import { decodeImage, type DecodeLimits } from '../image/decodeImage.js';
import { estimateJpegQuality } from '../image/jpegQuality.js';
import { resampleImage } from '../image/resampleImage.js';
import { createRgbImage, type FloatImage, type MaskImage, type RgbImage } from '../image/RgbImage.js';
import { findLandmarks, type FindLandmarksOptions } from '../landmarks/findLandmarks.js';
import { defaultLandmarkModel, type LandmarkModel } from '../landmarks/LandmarkModel.js';
import { defaultLesionModel } from '../lesions/defaultLesionModel.js';
import { detectLesions, type DetectLesionsOptions } from '../lesions/detectLesions.js';
import { dmeRisk, type DmeRisk } from '../lesions/dmeRisk.js';
import type { LesionMaps, LesionModel } from '../lesions/LesionModel.js';
import { insideOpticDisc, withinMacula } from '../lesions/anatomyFilter.js';
import type { CandidateRanker } from '../lesions/CandidateRanker.js';
import { rescoreWithLesionMaps } from '../lesions/rescoreWithLesionMaps.js';
import { summariseLesions, type LesionSummary } from '../lesions/summariseLesions.js';
import { assessQuality } from '../quality/assessQuality.js';
import type { AnalysisResult, Landmarks, Lesion, NormalisationTransform } from './AnalysisResult.js';

/** Version of the analysis core, recorded in provenance. */
export const analysisVersion = '0.1.0';

/** Options of {@link analyzeFundus}. */
export interface AnalyzeOptions extends DecodeLimits {
  /**
   * Retina (FOV) diameter of the normalised image in pixels. At 1024 px an IDRiD microaneurysm (≈ 10–30 px across at
   * 4288×2848) has a radius of 1.5–4.5 px, inside the FRST radii 1–8. @default 1024
   */
  retinaDiameterPx?: number;
  /** Keep lesion candidates within this many disc diameters of the fovea; `null` = whole retina. @default 2 */
  maculaDiscDiameters?: number | null;
  /** Advanced landmark options (priors; see FindLandmarksOptions). */
  landmarks?: Omit<FindLandmarksOptions, 'fovDiameterPx'>;
  /** Advanced lesion-detector options. */
  lesions?: Omit<DetectLesionsOptions, 'scale' | 'disc' | 'fovea' | 'maculaDiscDiameters'>;
  /** Skip drawing the annotated image (evaluation runs). @default false */
  skipAnnotatedImage?: boolean;
  /**
   * Lowest candidate score reported and drawn. Detection itself keeps candidates down to `lesions.minScore` (0.25)
   * so regrouping is unaffected; evaluation sweeps (FROC) lower this. At 0.5, bright candidates are at the Tsallis
   * threshold and dark ones where healthy IDRiD photographs have about two over the whole retina. @default 0.5
   */
  reportMinScore?: number;
  /** Skip lesion detection (landmark evaluation). @default false */
  skipLesions?: boolean;
  /**
   * The learned lesion stage: a loaded model, or `null` for the FRST scores alone (the reference system's
   * method without a learned stage). @default the shipped model (`models/lesions`), loaded once per process
   */
  lesionModel?: LesionModel | null;
  /**
   * The learned landmark stage: a loaded model, or `null` for the classical disc and fovea search alone.
   * @default the shipped model (`models/landmarks`), loaded once per process
   */
  landmarkModel?: LandmarkModel | null;
  /** Keep the lesion model's probability maps in the result (`lesionMaps`; `--lesion-maps`, pixel AUPR). @default false */
  keepLesionMaps?: boolean;
  /** Also return the source photograph at most this many pixels wide (the report's picture), resampled from the one full decode. @default none */
  previewMaxSide?: number;
  /** Counts the decodes of `bytes`. */
  counter?: Pick<DecodeCounter, 'decodes'>;
  /**
   * Spacing of the learned stage's findings (px at a 1024 px retina): candidates of one kind closer than this are one
   * finding. @default 6
   */
  learnedSpacingPx?: number;
  /** The candidate ranker; null keeps the map scores (fitting a ranker). @default the lesion model's `ranker.json` */
  candidateRanker?: CandidateRanker | null;
  /** The lesion model reads the enhanced image resampled by this factor (sweeps). @default the model's `preprocessing.inferenceScale` */
  lesionInputScale?: number;
  /** Keep each candidate's ranker features in `lesions[].features` (`drgrade fit-lesion-ranker`). @default false */
  keepCandidateFeatures?: boolean;
}

/**
 * The analysis core's one entry point: decode safely, find and normalise the field of view, assess quality,
 * enhance, find the optic disc and fovea, detect lesion candidates and draw the annotated image.
 * Decoding errors throw a typed {@link DrgradeError}; everything else is reported in the result.
 */
export async function analyzeFundus(bytes: Uint8Array, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  let mark = t0;
  const lap = (name: string) => { const now = performance.now(); timings[name] = round1(now - mark); mark = now; };

  // One decode. The 512 px image for the field-of-view search is resampled from the full-resolution pixels rather
  // than decoded again with JPEG shrink-on-load, which measured slower than resampling: IDRiD_001 (1536x1020) 12.9 ms
  // shrink-on-load decode vs 9.2 ms resample (full decode 22.7 ms); a 4288x3216 JPEG 31.7 vs 18.7 ms (full 131 ms),
  // `node scripts/decode-figure.mjs` on the shared 2-core machine. Only a photograph that is not a usable fundus would
  // have been cheaper with the shrunk decode alone. The FOV fit moves by at most 0.03 px at 512 px (IDRiD 001-005).
  const { image: full, info } = await decodeImage(bytes, { ...limits(options), ...(options.counter ? { counter: options.counter } : {}) });
  const [small, preview] = await Promise.all([
    resampleImage(full, { maxSide: 512, kernel: 'linear' }),
    options.previewMaxSide === undefined ? null : resampleImage(full, { maxSide: options.previewMaxSide }),
  ]);
  lap('decode');
  const fit = findFieldOfView(small);
  const k = info.width / small.width;
  lap('fov');
  const source = { width: info.width, height: info.height, format: info.format };
  const D = options.retinaDiameterPx ?? 1024;
  if (!fit || fit.radius * k < 16) {
    const quality = assessQuality({ image: small, mask: null, sourceWidth: info.width, sourceHeight: info.height, fov: null });
    lap('quality');
    timings.total = round1(performance.now() - t0);
    return { source, quality, fov: null, landmarks: { opticDisc: null, fovea: null, laterality: null }, lesions: [], transform: null, dme: null, lesionModel: null, landmarkModel: null, lesionSummary: null, lesionMaps: null, timingsMs: timings, images: { original: small, enhanced: null, annotated: null, preview } };
  }
  const fov = { cx: fit.cx * k, cy: fit.cy * k, radius: fit.radius * k };

  // Normalise: a square around the FOV circle, 2 % margin, rescaled so the retina is D pixels across.
  const side = Math.round(D * 1.04);
  const s = D / (2 * fov.radius);
  const left = fov.cx - side / (2 * s), top = fov.cy - side / (2 * s);
  const clipL = Math.max(0, Math.floor(left)), clipT = Math.max(0, Math.floor(top));
  const clipR = Math.min(info.width, Math.ceil(left + side / s)), clipB = Math.min(info.height, Math.ceil(top + side / s));
  const outW = Math.max(1, Math.min(side, Math.round((clipR - clipL) * s)));
  const outH = Math.max(1, Math.min(side, Math.round((clipB - clipT) * s)));
  const region = await resampleImage(full, { region: { left: clipL, top: clipT, width: clipR - clipL, height: clipB - clipT }, size: { width: outW, height: outH }, kernel: 'lanczos3' });
  const offX = Math.max(0, Math.min(side - region.width, Math.round((clipL - left) * s)));
  const offY = Math.max(0, Math.min(side - region.height, Math.round((clipT - top) * s)));
  const normalised = paste(region, side, offX, offY);
  const transform: NormalisationTransform = { scale: 1 / s, offsetX: clipL - offX / s, offsetY: clipT - offY / s, normalisedWidth: side, normalisedHeight: side };
  const toSrc = (x: number, y: number) => ({ x: round1(x * transform.scale + transform.offsetX), y: round1(y * transform.scale + transform.offsetY) });
  lap('normalise');

  const scale = D / 1024;
  const circle = { cx: fov.cx / transform.scale - transform.offsetX / transform.scale, cy: fov.cy / transform.scale - transform.offsetY / transform.scale, radius: D / 2 };
  const mask = fovMask(normalised, circle, { erodePx: Math.round(3 * scale) });
  const quality = assessQuality({
    image: normalised, mask, sourceWidth: info.width, sourceHeight: info.height, jpegQuality: estimateJpegQuality(bytes),
    fov: { radiusSourcePx: fov.radius, visibleFraction: fit.visibleFraction, maskInsideFraction: fit.maskInsideFraction, circleFilledFraction: fit.circleFilledFraction, residualRatio: fit.residualPx / fit.radius },
  });
  lap('quality');
  const fovOut = { cx: round1(fov.cx), cy: round1(fov.cy), radius: round1(fov.radius) };
  if (quality.reasons.includes('not_a_fundus')) {
    timings.total = round1(performance.now() - t0);
    return { source, quality, fov: null, landmarks: { opticDisc: null, fovea: null, laterality: null }, lesions: [], transform, dme: null, lesionModel: null, landmarkModel: null, lesionSummary: null, lesionMaps: null, timingsMs: timings, images: { original: normalised, enhanced: null, annotated: null, preview } };
  }

  const { enhanced, background } = enhanceWithBackground(normalised, mask, { sigmaPx: side / 30 });
  lap('enhance');

  const landmarkModel = options.landmarkModel === undefined ? await defaultLandmarkModel() : options.landmarkModel;
  const learned = landmarkModel ? await landmarkModel.predict(normalised) : null;
  if (landmarkModel) lap('landmarkModel');
  const found = findLandmarks(normalised, mask, { ...options.landmarks, fovDiameterPx: D, ...(learned ? { learned } : {}) });
  const disc = found.disc;
  const fovea = found.fovea;
  const landmarks: Landmarks = {
    opticDisc: disc ? { ...toSrc(disc.x, disc.y), radius: round1(disc.radius * transform.scale), confidence: disc.confidence } : null,
    fovea: fovea ? { ...toSrc(fovea.x, fovea.y), confidence: fovea.confidence } : null,
    laterality: disc && fovea ? (disc.x > fovea.x ? 'right' : 'left') : null,
  };
  lap('landmarks');

  const macula = options.maculaDiscDiameters === undefined ? 2 : options.maculaDiscDiameters;
  let lesions: Lesion[] = [];
  let normLesions: { kind: 'dark' | 'bright'; class: Lesion['class']; x: number; y: number; radius: number; score: number; features?: Record<string, number> }[] = [];
  let dme: DmeRisk | null = null;
  let lesionMaps: LesionMaps | null = null;
  let lesionSummary: LesionSummary | null = null;
  const model = options.skipLesions || !quality.gradable ? null : options.lesionModel === undefined ? await defaultLesionModel() : options.lesionModel;
  if (quality.gradable && !options.skipLesions) {
    const green = flattenedGreen(normalised, mask, background[1]!);
    const anatomy = { disc, fovea, maculaDiscDiameters: macula };
    if (model) {
      // The learned stage reads the whole retina: DME needs every exudate; the macula filter applies to `lesions` only.
      const frstCandidates = detectLesions(green, mask, { ...options.lesions, scale, disc, fovea, maculaDiscDiameters: null }).lesions;
      lap('lesions');
      lesionMaps = await model.predict(enhanced, options.lesionInputScale === undefined ? {} : { scale: options.lesionInputScale });
      lap('lesionModel');
      // Regrouping happened on the FRST candidates; the map peaks below are single findings, spaced like FRST's.
      const all = rescoreWithLesionMaps(frstCandidates, lesionMaps, mask, {
        keep: (x, y) => !insideOpticDisc(x, y, disc),
        minDistancePx: (options.learnedSpacingPx ?? 6) * scale,
        context: { green, circle, disc },
        ranker: options.candidateRanker === undefined ? model.ranker : options.candidateRanker,
        keepFeatures: options.keepCandidateFeatures ?? false,
      });
      const report = model.reporting;
      const minOf = (kind: 'dark' | 'bright') => options.reportMinScore ?? report.minScore[kind];
      const exudates = all.filter((l) => l.class === 'exudate' && l.score >= report.dmeExudateMinScore);
      dme = dmeRisk(exudates, fovea, disc ? 2 * disc.radius : null);
      normLesions = all.filter((l) => l.score >= minOf(l.kind) && withinMacula(l.x, l.y, anatomy));
      lesionSummary = summariseLesions(lesionMaps, all, circle, fovea, disc ? 2 * disc.radius : null);
      lap('lesionRescore');
    } else {
      // FRST scores alone, as before the learned stage; DME then only sees the exudates inside the macula filter.
      const minScore = options.reportMinScore ?? 0.5;
      normLesions = detectLesions(green, mask, { ...options.lesions, scale, disc, fovea, maculaDiscDiameters: macula }).lesions.filter((l) => l.score >= minScore);
      dme = dmeRisk(normLesions.filter((l) => l.class === 'exudate'), fovea, disc ? 2 * disc.radius : null);
    }
    lesions = normLesions.map((l) => ({ kind: l.kind, class: l.class, ...toSrc(l.x, l.y), radius: round1(l.radius * transform.scale), score: l.score, ...(l.features ? { features: l.features } : {}) }));
  }
  if (!timings.lesions) lap('lesions');

  let annotated: RgbImage | null = null;
  if (!options.skipAnnotatedImage) {
    annotated = drawAnnotations(normalised, {
      lesions: normLesions,
      disc,
      fovea,
      maculaRadiusPx: disc && fovea && macula !== null ? macula * 2 * disc.radius : null,
    });
  }
  lap('annotate');
  timings.total = round1(performance.now() - t0);
  const lesionModel = model ? { name: model.manifest.name, version: model.manifest.version, sha256: model.manifest.sha256 } : null;
  const landmarkModelUsed = landmarkModel ? { name: landmarkModel.manifest.name, version: landmarkModel.manifest.version, sha256: landmarkModel.manifest.sha256 } : null;
  return { source, quality, fov: fovOut, landmarks, lesions, transform, dme, lesionModel, landmarkModel: landmarkModelUsed, lesionSummary, lesionMaps: options.keepLesionMaps ? lesionMaps : null, timingsMs: timings, images: { original: normalised, enhanced, annotated, preview } };
}

function limits(options: AnalyzeOptions): DecodeLimits {
  const out: DecodeLimits = {};
  if (options.maxImageBytes !== undefined) out.maxImageBytes = options.maxImageBytes;
  if (options.maxPixels !== undefined) out.maxPixels = options.maxPixels;
  return out;
}

function paste(region: RgbImage, side: number, offX: number, offY: number): RgbImage {
  if (region.width === side && region.height === side) return region;
  const out = createRgbImage(side, side);
  for (let y = 0; y < region.height; y++) {
    const src = y * region.width * 3;
    out.data.set(region.data.subarray(src, src + region.width * 3), ((y + offY) * side + offX) * 3);
  }
  return out;
}

/** Green channel divided by its masked background (×100), flat 100 outside the mask so the rim casts no votes. */
function flattenedGreen(image: RgbImage, mask: MaskImage, greenBackground: Float32Array): FloatImage {
  const { width: w, height: h, data } = image;
  const n = w * h;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mask.data[i] ? (100 * data[i * 3 + 1]!) / Math.max(4, greenBackground[i]!) : 100;
  return { width: w, height: h, data: out };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
