import type { MaskedBlur } from './MaskedBlur.js';
import { maskedZScore } from './maskedZScore.js';
import { verticalBlur } from './verticalBlur.js';

/** The disc evidence of every coarse pixel, and the local-contrast map the fovea search reuses. */
export interface DiscEvidence {
  /** z(brightness) + 0.6 z(contrast) + 1.2 z(vertical vessels); −∞ outside the search region. */
  readonly score: Float32Array;
  /** z-scored disc-sized local contrast (standard deviation of relative luminance). */
  readonly contrastZ: Float32Array;
}

/** Where on the coarse grid to look, in coarse pixels. */
export interface DiscSearchGeometry {
  readonly width: number;
  readonly height: number;
  readonly discDiameterPx: number;
  readonly fovDiameterPx: number;
}

/**
 * Scores each pixel as a disc centre: where a disc-sized bright spot, disc-sized local contrast (vessels crossing the
 * bright rim) and vessel convergence coincide. Every term is z-scored over the FOV, so the score does not depend on
 * the camera's exposure or colour balance. Vessel convergence: the main vessels run vertically through the disc, so
 * dark thin structures are dense in a tall, narrow window centred on it (after A. Hoover and M. Goldbaum, IEEE TMI
 * 22(8), 2003, in spirit). Candidates are kept off the rim: within the FOV radius less 0.3 disc diameters.
 */
export function discEvidenceMap(relative: Float32Array, mask: Uint8Array, blur: MaskedBlur, geometry: DiscSearchGeometry): DiscEvidence {
  const { width: w, height: h, discDiameterPx: discD, fovDiameterPx: fovD } = geometry;
  const n = w * h;
  const discR = discD / 2;
  const brightness = blur.blur(relative, discR / 2);
  const squares = new Float32Array(n);
  for (let i = 0; i < n; i++) squares[i] = relative[i]! * relative[i]!;
  const meanSquare = blur.blur(squares, discR / 2);
  const contrast = new Float32Array(n);
  for (let i = 0; i < n; i++) contrast[i] = Math.sqrt(Math.max(0, meanSquare[i]! - brightness[i]! * brightness[i]!));
  const darkness = new Float32Array(n);
  for (let i = 0; i < n; i++) if (mask[i]) darkness[i] = Math.max(0, brightness[i]! - relative[i]!);
  const vesselsZ = maskedZScore(verticalBlur(darkness, w, h, discR / 2, 1.5 * discD), mask);
  const brightnessZ = maskedZScore(brightness, mask), contrastZ = maskedZScore(contrast, mask);

  const cx = w / 2, cy = h / 2;
  const inner = (fovD / 2 - discR * 0.6) ** 2;
  const score = new Float32Array(n).fill(-Infinity);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = y * w + x;
    if (!mask[i] || (x - cx) ** 2 + (y - cy) ** 2 > inner) continue;
    score[i] = brightnessZ[i]! + 0.6 * contrastZ[i]! + 1.2 * vesselsZ[i]!;
  }
  return { score, contrastZ };
}
