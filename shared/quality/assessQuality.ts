import type { Quality, QualityCategory, QualityReason } from '../analysis/AnalysisResult.js';
import { boxBlurGaussian } from '../filters/boxBlur.js';
import type { MaskImage, RgbImage } from '../image/RgbImage.js';

/**
 * Image-quality assessment of a normalised fundus image. Each measurement maps to a sub-score in 0–1; the score is
 * their product; blocking reasons make the image ungradable. Categories follow the reference scale:
 * excellent (score ≥ 0.8), good (≥ 0.6), adequate (gradable, below 0.6), ungradable.
 * Thresholds were set from the 413 IDRiD training photographs (all gradable) and degraded copies of them, and checked
 * on camera transforms of them (shared/cameras: colour balance, pigmentation, gamma, JPEG, field angle, frame, aim):
 * only ratios and relative measures decide, no absolute hue.
 */
export interface QualityInput {
  /** Normalised RGB image. */
  readonly image: RgbImage;
  /** Field-of-view mask of `image` (may be null when no FOV was found). */
  readonly mask: MaskImage | null;
  /** Source image size. */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
  /** FOV fit facts: radius in source pixels, fraction of the circle inside the frame, fit quality. */
  readonly fov: { radiusSourcePx: number; visibleFraction: number; maskInsideFraction: number; circleFilledFraction: number; residualRatio: number } | null;
  /** The JPEG quality the photograph was saved with (shared/image/jpegQuality.ts); null or absent for other formats. */
  readonly jpegQuality?: number | null;
}

/** Options of {@link assessQuality}. */
export interface QualityOptions {
  /** Minimum source FOV radius in pixels. @default 180 */
  minFovRadiusPx?: number;
  /** Minimum source image side in pixels. @default 256 */
  minImageSidePx?: number;
  /** Minimum sharpness (mean |Laplacian| of the background-normalised green channel). @default 1.1 */
  minSharpness?: number;
  /** Minimum mean luminance inside the FOV. @default 22 */
  minMeanLuminance?: number;
  /** Maximum fraction of saturated pixels inside the FOV. @default 0.2 */
  maxSaturatedFraction?: number;
  /**
   * Maximum background unevenness: 95th / 5th percentile of the smooth green background over the central 80 % of
   * the FOV. The 413 IDRiD training photographs reach 7.3 (one) and otherwise stay under 3.8. @default 10
   */
  maxUnevenness?: number;
  /**
   * Minimum warmth of a retina: max(mean R, mean G) / mean B inside the FOV. The IDRiD photographs sampled had 2.2
   * and more; their washed-out and yellow-green camera transforms (shared/cameras) 1.38 and more. @default 1.15
   */
  minWarmth?: number;
  /**
   * JPEG quality below which `heavy_compression` is reported (a warning; the score is multiplied by 0.8, never
   * blocking). At quality 50 the lesion-based grade's P(referable) moved by 0.32 on average, at 90 (IDRiD's grading
   * photographs) it is the reference (docs/lesion-grading.md, "Under other cameras"). @default 70
   */
  minJpegQuality?: number;
}

/** Assesses quality; never throws. */
export function assessQuality(input: QualityInput, options: QualityOptions = {}): Quality {
  const reasons: QualityReason[] = [];
  const metrics: Record<string, number> = {};
  const blocking = new Set<QualityReason>();
  const minSide = Math.min(input.sourceWidth, input.sourceHeight);
  metrics.sourceMinSidePx = minSide;
  if (input.jpegQuality != null) metrics.jpegQuality = input.jpegQuality;
  if (minSide < (options.minImageSidePx ?? 256)) { reasons.push('image_too_small'); blocking.add('image_too_small'); }
  const fov = input.fov;
  if (!fov || !input.mask) {
    if (!reasons.includes('image_too_small')) { reasons.push('not_a_fundus'); blocking.add('not_a_fundus'); }
    return finish(0, reasons, blocking, metrics);
  }
  metrics.fovRadiusPx = round(fov.radiusSourcePx);
  metrics.fovVisibleFraction = round(fov.visibleFraction);
  metrics.fovMaskInside = round(fov.maskInsideFraction);
  metrics.fovCircleFilled = round(fov.circleFilledFraction);
  metrics.fovResidualRatio = round(fov.residualRatio);

  const { image, mask } = input;
  const { width: w, height: h, data } = image;
  const n = w * h;
  const { count, sumY, sumR, sumG, sumB, saturated } = channelSums(data, mask.data, n);
  const meanY = count ? sumY / count : 0;
  const meanR = count ? sumR / count : 0, meanG = count ? sumG / count : 0, meanB = count ? sumB / count : 0;
  metrics.meanLuminance = round(meanY);
  metrics.redGreenRatio = round(meanR / Math.max(1, meanG));
  metrics.redBlueRatio = round(meanR / Math.max(1, meanB));
  const satFrac = count ? saturated / count : 0;
  metrics.saturatedFraction = round(satFrac);

  // Fundus likeness: a well-fitted circle whose inside is filled and whose outside is dark, and a warm retina.
  // Warm, not red: the red/green balance is the camera's and the population's (IDRiD's orange-red retinas have
  // R/G 1.7-2.5, fair fundi on other cameras 1.0-1.3, pseudo-colour scanning cameras below 1), but blood and
  // melanin absorb blue in every camera, so blue stays the weakest channel. Grey, blue or white discs are refused.
  let fundusScore = 1;
  const fitBad = fov.maskInsideFraction < 0.9 || fov.circleFilledFraction < 0.85 || fov.residualRatio > 0.03;
  const warmth = Math.max(meanR, meanG) / Math.max(1, meanB);
  metrics.warmth = round(warmth);
  const colourBad = warmth < (options.minWarmth ?? 1.15);
  metrics.fundusLikeness = round((fitBad ? 0 : 0.5) + (colourBad ? 0 : 0.5));
  if (fitBad || colourBad) { reasons.push('not_a_fundus'); blocking.add('not_a_fundus'); fundusScore = 0; }

  if (fov.radiusSourcePx < (options.minFovRadiusPx ?? 180)) { reasons.push('fov_too_small'); blocking.add('fov_too_small'); }
  let fovScore = 1;
  if (fov.visibleFraction < 0.6) { reasons.push('fov_cut'); blocking.add('fov_cut'); fovScore = 0; }
  else if (fov.visibleFraction < 0.85) { reasons.push('fov_cut'); fovScore = 0.8; }

  // Exposure.
  let exposureScore = 1;
  const minY = options.minMeanLuminance ?? 22;
  if (meanY < minY) { reasons.push('too_dark'); blocking.add('too_dark'); exposureScore = 0; }
  else if (meanY < 2 * minY) exposureScore = 0.6 + 0.4 * (meanY - minY) / minY;
  const maxSat = options.maxSaturatedFraction ?? 0.2;
  if (satFrac > maxSat || meanY > 200) { reasons.push('overexposed'); blocking.add('overexposed'); exposureScore = 0; }
  else if (satFrac > maxSat / 4) exposureScore *= 0.8;

  // Illumination: smooth background of the green channel over the central 80 % of the FOV.
  // The background is smooth (σ = w/16), so it is computed on a 4× smaller grid and sampled at the nearest cell.
  const f = 4;
  const sw = Math.ceil(w / f), sh = Math.ceil(h / f);
  const { gSmall, mSmall } = greenCells(data, mask.data, w, h, f, sw, sh);
  const bgSmall = boxBlurGaussian({ width: sw, height: sh, data: gSmall }, w / 16 / f).data;
  const mbSmall = boxBlurGaussian({ width: sw, height: sh, data: mSmall }, w / 16 / f).data;
  const cell = (i: number) => (((i / w) | 0) / f | 0) * sw + (((i % w) / f) | 0);
  const bg = { at: (i: number) => bgSmall[cell(i)]! };
  const mb = { at: (i: number) => mbSmall[cell(i)]! };
  // Percentiles, not extremes: the optic disc and the macula are legitimately brighter and darker than the rest.
  const samples: number[] = [];
  const cx = w / 2, cy = h / 2, r2 = (0.8 * w / 2) ** 2;
  for (let y = 0; y < h; y += 8) for (let x = 0; x < w; x += 8) {
    const i = y * w + x;
    if (!mask.data[i] || (x - cx) ** 2 + (y - cy) ** 2 > r2 || mb.at(i) < 0.5) continue;
    samples.push(bg.at(i) / mb.at(i));
  }
  samples.sort((a, b) => a - b);
  const pct = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  const unevenness = samples.length === 0 ? 1 : pct(0.95) / Math.max(1, pct(0.05));
  metrics.unevenness = round(unevenness);
  let illumScore = 1;
  const maxUneven = options.maxUnevenness ?? 10;
  if (unevenness > maxUneven) { reasons.push('uneven_illumination'); blocking.add('uneven_illumination'); illumScore = 0; }
  else if (unevenness > 4) { reasons.push('uneven_illumination'); illumScore = unevenness > 6 ? 0.6 : 0.8; }

  // Focus: mean |Laplacian| of the background-normalised green channel (scale-free across cameras because the
  // image is normalised to a fixed retina diameter first).
  const sharpness = meanNormalisedLaplacian(data, mask.data, w, h, f, sw, bgSmall, mbSmall);
  metrics.sharpness = round(sharpness);
  const minSharp = options.minSharpness ?? 1.1;
  let focusScore = 1;
  if (sharpness < minSharp) { reasons.push('out_of_focus'); blocking.add('out_of_focus'); focusScore = 0; }
  else if (sharpness < 2 * minSharp) { focusScore = 0.5 + 0.5 * (sharpness - minSharp) / minSharp; }

  // Compression: a warning, never blocking (the photograph is still gradable; its grade moves more).
  let compressionScore = 1;
  if (input.jpegQuality != null && input.jpegQuality < (options.minJpegQuality ?? 70)) { reasons.push('heavy_compression'); compressionScore = 0.8; }

  const score = fundusScore * fovScore * exposureScore * illumScore * focusScore * compressionScore;
  return finish(score, reasons, blocking, metrics);
}

/** Pixel count and channel sums inside the mask, luminance sum and saturated (R and G ≥ 250) count. */
function channelSums(data: Uint8Array, md: Uint8Array, n: number): { count: number; sumY: number; sumR: number; sumG: number; sumB: number; saturated: number } {
  let count = 0, sumY = 0, sumR = 0, sumG = 0, sumB = 0, saturated = 0;
  for (let i = 0; i < n; i++) {
    if (!md[i]) continue;
    const r = data[i * 3]!, g = data[i * 3 + 1]!, b = data[i * 3 + 2]!;
    count++; sumR += r; sumG += g; sumB += b;
    sumY += 0.299 * r + 0.587 * g + 0.114 * b;
    if (r >= 250 && g >= 250) saturated++;
  }
  return { count, sumY, sumR, sumG, sumB, saturated };
}

/** Sums of the masked green channel and of the mask over f × f cells (float32 sums in raster order). */
function greenCells(data: Uint8Array, md: Uint8Array, w: number, h: number, f: number, sw: number, sh: number): { gSmall: Float32Array; mSmall: Float32Array } {
  const gSmall = new Float32Array(sw * sh), mSmall = new Float32Array(sw * sh);
  for (let y = 0; y < h; y++) {
    const cellRow = ((y / f) | 0) * sw;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!md[i]) continue; // adds of 0 leave a non-negative float32 sum unchanged
      const j = cellRow + ((x / f) | 0);
      gSmall[j]! += data[i * 3 + 1]!; mSmall[j]! += 1;
    }
  }
  return { gSmall, mSmall };
}

/**
 * Mean |4-neighbour Laplacian| of the masked green channel on every second pixel whose neighbours two pixels away
 * are inside, each normalised by 100 / its local background (the cell's blurred green over blurred mask, at least 8).
 */
function meanNormalisedLaplacian(data: Uint8Array, md: Uint8Array, w: number, h: number, f: number, sw: number, bgSmall: Float32Array, mbSmall: Float32Array): number {
  let lapSum = 0, lapCount = 0;
  for (let y = 2; y < h - 2; y += 2) {
    const cellRow = ((y / f) | 0) * sw;
    for (let x = 2; x < w - 2; x += 2) {
      const i = y * w + x;
      if (!md[i] || !md[i - 2] || !md[i + 2] || !md[i - 2 * w] || !md[i + 2 * w]) continue;
      const j = cellRow + ((x / f) | 0);
      const norm = 100 / Math.max(8, bgSmall[j]! / Math.max(1e-3, mbSmall[j]!));
      // The centre is inside; a neighbour one pixel away may not be, and counts as 0 there.
      const c = data[i * 3 + 1]!;
      const l = md[i - 1] ? data[(i - 1) * 3 + 1]! : 0, r = md[i + 1] ? data[(i + 1) * 3 + 1]! : 0;
      const u = md[i - w] ? data[(i - w) * 3 + 1]! : 0, d = md[i + w] ? data[(i + w) * 3 + 1]! : 0;
      const lap = 4 * c - l - r - u - d;
      lapSum += Math.abs(lap) * norm;
      lapCount++;
    }
  }
  return lapCount ? lapSum / lapCount : 0;
}

function finish(score: number, reasons: QualityReason[], blocking: Set<QualityReason>, metrics: Record<string, number>): Quality {
  const gradable = blocking.size === 0;
  const s = gradable ? Math.max(0.2, Math.min(1, score)) : Math.min(0.19, score);
  const category: QualityCategory = !gradable ? 'ungradable' : s >= 0.8 ? 'excellent' : s >= 0.6 ? 'good' : 'adequate';
  return { gradable, score: round(s), category, reasons: [...new Set(reasons)], metrics };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
