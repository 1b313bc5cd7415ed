import type { MaskImage } from '../image/RgbImage.js';
import type { ResolvedDetectOptions } from './DetectLesionsOptions.js';
import type { MeasuredCandidate } from './findCandidates.js';
import type { LesionLabel } from './lesionClasses.js';
import { sampleLocalEntropy, type LocalEntropyImage } from './localEntropy.js';

/** A candidate in normalised pixels, as the FRST stage returns it. */
export interface NormalisedLesion {
  readonly kind: 'dark' | 'bright';
  readonly class: LesionLabel;
  readonly x: number;
  readonly y: number;
  readonly radius: number;
  readonly score: number;
  /** Measurements behind the score (only with `collectFeatures`). */
  readonly features?: Record<string, number>;
}

/** High-entropy (textured) neighbourhoods: above the 75th percentile of the local entropy inside the FOV. */
export function highEntropyLevel(entropy: LocalEntropyImage, mask: MaskImage): number {
  const all = new Float32Array(entropy.width * entropy.height);
  let count = 0;
  for (let gy = 0; gy < entropy.height; gy++) for (let gx = 0; gx < entropy.width; gx++) {
    const x = gx * entropy.step, y = gy * entropy.step;
    if (mask.data[Math.min(mask.height - 1, y) * mask.width + Math.min(mask.width - 1, x)]) all[count++] = entropy.data[gy * entropy.width + gx]!;
  }
  const values = all.subarray(0, count).sort();
  return count ? values[Math.floor(count * 0.75)]! : Infinity;
}

/**
 * Regroups neighbouring candidates of one kind that lie in textured (high local entropy) regions into one finding
 * (union–find over pairs closer than `groupDistancePx` plus their radii): the score-weighted centre, the enclosing
 * radius and the best score. A group of several dark candidates, a large one or a coarse one is a haemorrhage.
 */
export function regroupByEntropy(cands: readonly MeasuredCandidate[], kind: 'dark' | 'bright', entropy: LocalEntropyImage, highEntropy: number, o: ResolvedDetectOptions): NormalisedLesion[] {
  const parent = cands.map((_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) { parent[i] = parent[parent[i]!]!; i = parent[i]!; } return i; };
  const textured = cands.map((c) => sampleLocalEntropy(entropy, c.x, c.y) >= highEntropy);
  for (let i = 0; i < cands.length; i++) {
    if (!textured[i]) continue;
    for (let j = i + 1; j < cands.length; j++) {
      if (!textured[j]) continue;
      const a = cands[i]!, b = cands[j]!;
      if (Math.hypot(a.x - b.x, a.y - b.y) <= o.groupDistancePx + a.radius + b.radius) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, MeasuredCandidate[]>();
  cands.forEach((c, i) => { const r = find(i); const g = groups.get(r); if (g) g.push(c); else groups.set(r, [c]); });
  const out: NormalisedLesion[] = [];
  for (const members of groups.values()) {
    let sw = 0, sx = 0, sy = 0, best = 0;
    for (const m of members) { sw += m.score; sx += m.x * m.score; sy += m.y * m.score; best = Math.max(best, m.score); }
    const x = sx / sw, y = sy / sw;
    let radius = 0;
    for (const m of members) radius = Math.max(radius, Math.hypot(m.x - x, m.y - y) + m.radius);
    const cls: LesionLabel = kind === 'bright' ? 'exudate' : members.length > 1 || radius > o.maxMicroaneurysmRadiusPx || members.some((m) => m.coarse) ? 'haemorrhage' : 'microaneurysm';
    out.push({ kind, class: cls, x, y, radius, score: Math.round(best * 1e6) / 1e6 });
  }
  out.sort((a, b) => b.score - a.score);
  return out;
}
