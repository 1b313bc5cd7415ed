import { frocRates } from './froc.js';

/**
 * A stand-in for the FROC when lesion masks are missing but two other things are known: photographs without any
 * lesion (ICDR grade 0), and, for photographs with lesions, the experts' count of lesion components per image (as
 * in IDRiD's mask_summary.csv). Every candidate on a healthy photograph is a false positive, so the healthy
 * photographs set the score threshold for each FROC rate (the score above which they get that many candidates per
 * image). Assuming the photographs with lesions get as many false positives above that threshold as healthy ones,
 * their true positives are estimated as (candidates above the threshold − rate × images), and the estimated
 * sensitivity is that over the experts' total count.
 *
 * It is an estimate, not a measurement: diseased retinas have more structure (and so likely more false positives),
 * one candidate may cover several components or one component several candidates, and candidates are not checked
 * to lie on lesions at all. It does show whether the top of the ranking separates lesions from healthy anatomy.
 */
export interface CountProxyInput {
  /** Candidate scores of each healthy photograph. */
  readonly healthy: readonly (readonly number[])[];
  /** Candidate scores of each photograph with lesions, and the experts' component count of that photograph. */
  readonly lesioned: readonly { readonly scores: readonly number[]; readonly truth: number }[];
}

/** Result of {@link countProxy}. */
export interface CountProxyResult {
  readonly groundTruth: number;
  /** Mean estimated sensitivity over the FROC rates. */
  readonly estimatedFroc: number;
  readonly estimatedSensitivityAt: Record<string, number>;
  /** Score threshold at each rate (candidates strictly above it count). */
  readonly thresholdAt: Record<string, number>;
  /** Mean candidates per lesioned photograph above the 8-per-healthy-image threshold. */
  readonly meanCountAt8: number;
  /** Spearman rank correlation between per-photograph counts above that threshold and the experts' counts. */
  readonly spearmanAt8: number;
}

/** Computes the estimate. */
export function countProxy(input: CountProxyInput): CountProxyResult {
  const nHealthy = input.healthy.length, nLesioned = input.lesioned.length;
  const negatives = input.healthy.flat().sort((a, b) => b - a);
  const groundTruth = input.lesioned.reduce((n, l) => n + l.truth, 0);
  const estimatedSensitivityAt: Record<string, number> = {};
  const thresholdAt: Record<string, number> = {};
  let countsAt8: number[] = [];
  for (const rate of frocRates) {
    // The k-th highest healthy score: above it, the healthy photographs have k = rate × images candidates in all.
    const k = Math.floor(rate * nHealthy);
    const threshold = k < negatives.length ? negatives[k]! : -Infinity;
    const counts = input.lesioned.map((l) => l.scores.reduce((n, s) => n + (s > threshold ? 1 : 0), 0));
    const total = counts.reduce((a, b) => a + b, 0);
    estimatedSensitivityAt[String(rate)] = groundTruth > 0 ? Math.max(0, Math.min(1, (total - rate * nLesioned) / groundTruth)) : 0;
    thresholdAt[String(rate)] = threshold;
    if (rate === 8) countsAt8 = counts;
  }
  const values = Object.values(estimatedSensitivityAt);
  return {
    groundTruth,
    estimatedFroc: values.reduce((a, b) => a + b, 0) / values.length,
    estimatedSensitivityAt,
    thresholdAt,
    meanCountAt8: nLesioned ? countsAt8.reduce((a, b) => a + b, 0) / nLesioned : 0,
    spearmanAt8: spearman(countsAt8, input.lesioned.map((l) => l.truth)),
  };
}

/** Spearman's ρ with average ranks for ties; NaN when either side is constant or has fewer than two values. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 2) return Number.NaN;
  const ra = ranks(a), rb = ranks(b);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(ra), mb = mean(rb);
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < ra.length; i++) { num += (ra[i]! - ma) * (rb[i]! - mb); da += (ra[i]! - ma) ** 2; db += (rb[i]! - mb) ** 2; }
  return da === 0 || db === 0 ? Number.NaN : num / Math.sqrt(da * db);
}

function ranks(v: readonly number[]): number[] {
  const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const out = new Array<number>(v.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return out;
}
