/** A disc candidate on the coarse grid. */
export interface DiscCandidate {
  readonly x: number;
  readonly y: number;
  /** Its disc evidence score. */
  readonly score: number;
}

/**
 * The best `count` peaks of `score` at least `minSeparationPx` apart: each the highest score (first in raster order
 * on ties) among the pixels not yet within `minSeparationPx` of a chosen one; −∞ is never chosen.
 */
export function pickDiscCandidates(score: Float32Array, width: number, height: number, minSeparationPx: number, count: number): DiscCandidate[] {
  const n = width * height;
  const candidates: DiscCandidate[] = [];
  const excluded = new Uint8Array(n);
  const reach = Math.ceil(minSeparationPx);
  while (candidates.length < count) {
    let bestI = -1, bestScore = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = score[i]!;
      if (v > bestScore && v !== Infinity && !excluded[i]) { bestI = i; bestScore = v; }
    }
    if (bestI < 0) break;
    const px = bestI % width, py = (bestI / width) | 0;
    candidates.push({ x: px, y: py, score: bestScore });
    for (let y = Math.max(0, py - reach); y <= Math.min(height - 1, py + reach); y++) {
      for (let x = Math.max(0, px - reach); x <= Math.min(width - 1, px + reach); x++) {
        if ((px - x) ** 2 + (py - y) ** 2 < minSeparationPx ** 2) excluded[y * width + x] = 1;
      }
    }
  }
  return candidates;
}
