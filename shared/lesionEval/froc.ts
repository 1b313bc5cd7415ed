/**
 * Free-response ROC summary for lesion detection (as in the Retinopathy Online Challenge: M. Niemeijer et al.,
 * IEEE TMI 29(1):185–195, 2010): candidates from all images are swept by score; at each threshold the sensitivity
 * (ground-truth components hit at least once / all components) is paired with the mean false positives per image.
 * The score is the mean sensitivity at 1/8, 1/4, 1/2, 1, 2, 4 and 8 false positives per image.
 */

/** One scored candidate: the ground-truth components it hits (`image:label` keys), or a false positive, or ignored. */
export interface ScoredCandidate {
  readonly score: number;
  /** Keys of ground-truth components hit; empty = false positive. */
  readonly hits: readonly string[];
  /** Neither true nor false (e.g. a dark candidate on a haemorrhage when scoring microaneurysms). */
  readonly ignored: boolean;
}

/** The FP-per-image rates of the FROC score. */
export const frocRates = [0.125, 0.25, 0.5, 1, 2, 4, 8] as const;

/** Computes sensitivities at the FROC rates and their mean. */
export function froc(candidates: readonly ScoredCandidate[], groundTruthCount: number, images: number): { frocScore: number; sensitivityAt: Record<string, number> } {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const detected = new Set<string>();
  let fp = 0;
  const curve: { fpPerImage: number; sensitivity: number }[] = [{ fpPerImage: 0, sensitivity: 0 }];
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i]!;
    if (!c.ignored) {
      if (c.hits.length === 0) fp++;
      else for (const h of c.hits) detected.add(h);
    }
    const next = sorted[i + 1];
    if (next && next.score === c.score) continue;
    curve.push({ fpPerImage: images ? fp / images : 0, sensitivity: groundTruthCount ? detected.size / groundTruthCount : 0 });
  }
  const sensitivityAt: Record<string, number> = {};
  for (const rate of frocRates) {
    let best = 0;
    for (const p of curve) if (p.fpPerImage <= rate && p.sensitivity > best) best = p.sensitivity;
    sensitivityAt[String(rate)] = Math.round(best * 10000) / 10000;
  }
  const frocScore = frocRates.reduce((s, r) => s + sensitivityAt[String(r)]!, 0) / frocRates.length;
  return { frocScore: Math.round(frocScore * 10000) / 10000, sensitivityAt };
}
