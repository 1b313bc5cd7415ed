import type { FoveaPositionPrior } from './LandmarkPriors.js';

/**
 * The fovea's position relative to the disc (distance in disc diameters and slope dy / |dx|, image y down, with
 * spreads; the shipped values are fitted, `models/landmarks/priors.json`) and the prior's weight.
 */
export interface FoveaPrior extends FoveaPositionPrior {
  /** Weight of ½ z_d² + ½ z_s² in the fovea score. */
  readonly weight: number;
}

/** The fovea prior's weight in the fovea score (a tuning, not fitted). */
export const foveaPriorWeight = 1;

/** The coarse grid the fovea is searched on. */
export interface FoveaSearchGeometry {
  readonly width: number;
  readonly height: number;
  readonly mask: Uint8Array;
  readonly discDiameterPx: number;
  readonly fovDiameterPx: number;
}

/** The best fovea position and its score (lower is better). */
export interface FoveaHit {
  readonly x: number;
  readonly y: number;
  readonly score: number;
}

/**
 * Searches the fovea on one side of a disc at (discX, discY): 1.7–3.4 disc diameters away, slope −0.6 to 0.8, on
 * the side given by `side` (+1 right, −1 left). Score = evidence + prior + 1.5 × (squared distance from the FOV
 * centre in FOV radii); the lowest wins, the first in raster order on ties. Null when no pixel qualifies.
 */
export function searchFoveaOnSide(evidence: Float64Array, geometry: FoveaSearchGeometry, discX: number, discY: number, side: number, prior: FoveaPrior): FoveaHit | null {
  const { width: w, height: h, mask, discDiameterPx: discD, fovDiameterPx: fovD } = geometry;
  const cx = w / 2, cy = h / 2;
  let best: FoveaHit | null = null;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = y * w + x;
    if (!mask[i]) continue;
    const dx = x - discX, dy = y - discY;
    if (Math.sign(dx) !== side) continue;
    const slope = dy / Math.abs(dx);
    if (slope < -0.6 || slope > 0.8) continue;
    const d = Math.hypot(dx, dy) / discD;
    if (d < 1.7 || d > 3.4) continue;
    const anatomy = 0.5 * ((d - prior.distance) / prior.distanceSd) ** 2 + 0.5 * ((slope - prior.slope) / prior.slopeSd) ** 2;
    const centre = ((x - cx) ** 2 + (y - cy) ** 2) / (fovD / 2) ** 2;
    const score = evidence[i]! + prior.weight * anatomy + 1.5 * centre;
    if (!best || score < best.score) best = { x, y, score };
  }
  return best;
}
