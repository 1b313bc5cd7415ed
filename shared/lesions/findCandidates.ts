import type { FloatImage, MaskImage } from '../image/RgbImage.js';
import { keepByAnatomy, nearFovea } from './anatomyFilter.js';
import type { ResolvedDetectOptions } from './DetectLesionsOptions.js';
import { measureCandidate } from './measureCandidate.js';
import { suppressClose } from './suppressClose.js';
import { symmetryMaxima, type SymmetryMaximum } from './symmetryProbability.js';

/** A candidate with its measurements, in normalised pixels. */
export interface MeasuredCandidate extends SymmetryMaximum {
  radius: number;
  contrast: number;
  lineness: number;
  /** Contrast in units of the image's noise level (×100). */
  contrastSigma: number;
  /** Tsallis symmetry probability at the maximum. */
  symmetry: number;
  /** The candidate's score: symmetry probability × the noise-relative contrast ramp. */
  score: number;
  /** Found by the coarse (blot haemorrhage) pass. */
  coarse?: boolean;
}

/**
 * Candidates of one polarity from one symmetry map: local maxima with Tsallis probability ≥ minScore, anatomy
 * filters, spacing, then a second look in the image itself: a lesion is a blob clearly darker (brighter) than its
 * surround in every direction; texture has little contrast and a vessel stays dark along one axis. Contrast is
 * measured in units of the image's own noise level, because raw contrast mostly tracks the camera (on IDRiD,
 * grade-0 photographs had more high-contrast texture than DR ones). The score is the symmetry probability times a
 * ramp of that noise-relative contrast. `factor` maps the map's pixels to the normalised image (1 for the fine
 * pass, 4 for the coarse one).
 */
export function findCandidates(img: FloatImage, mask: MaskImage, map: FloatImage, kind: 'dark' | 'bright', factor: number, maxRadius: number, noise: number, o: ResolvedDetectOptions): { candidates: MeasuredCandidate[]; threshold: number } {
  const prob = symmetryMaxima(map, mask, o.minScore, Math.max(2, maxRadius + 1));
  const toFull = (v: number) => v * factor + (factor - 1) / 2;
  const raw = prob.maxima.filter((c) => keepByAnatomy(toFull(c.x), toFull(c.y), o));
  const spaced = suppressClose(raw, o.minDistancePx / factor, o.maxCandidates);
  const [rampLo, rampHi] = o.contrastRampSigma;
  const candidates = spaced
    .map((c) => ({ ...c, ...measureCandidate(img, c.x, c.y, kind, factor === 1 ? Math.round(12 * o.scale) : 12) }))
    .filter((c) => c.contrast >= o.minContrast && (kind === 'bright' || c.lineness < (factor === 1 ? o.maxLineness : 0.7)))
    .filter((c) => factor === 1 || !nearFovea(toFull(c.x), toFull(c.y), o))
    .map((c) => {
      const contrastSigma = (c.contrast * 100) / Math.max(1e-6, noise);
      // Large blots are judged on plain relative contrast (6 % → 0, 16 % → 1): at their size noise is irrelevant.
      const ramp = factor === 1
        ? Math.max(0, Math.min(1, (contrastSigma - rampLo) / (rampHi - rampLo)))
        : Math.max(0, Math.min(1, (c.contrast - 0.06) / 0.1));
      // Many strong candidates saturate both factors at 1; a tie-break of at most 0.001 by noise-relative contrast
      // keeps the ranking continuous for score sweeps (FROC) without moving the 0.5 reporting threshold.
      const tieBreak = 0.001 * Math.exp(-contrastSigma / 32);
      const score = Math.max(0, c.score * ramp - tieBreak);
      return { ...c, x: toFull(c.x), y: toFull(c.y), radius: c.radius * factor, contrastSigma, symmetry: c.score, score };
    })
    // Faint, noise-level candidates are dropped here: below half the lowest symmetry probability kept.
    .filter((c) => c.score >= o.minScore * 0.5);
  return { candidates, threshold: prob.threshold };
}
