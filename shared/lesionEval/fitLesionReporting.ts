import { seededShuffle } from '../evaluation/seededShuffle.js';
import { dmeRisk } from '../lesions/dmeRisk.js';
import type { LesionSummary } from '../lesions/summariseLesions.js';

/** What the fit reads of one analysed, labelled photograph (whole retina, every candidate down to score 0). */
export interface ReportingSample {
  /** Fold key: photographs with the same key are always in the same fold (duplicates). */
  readonly group: string;
  readonly grade: number;
  /** IDRiD's DME risk label (0–2), or null when unlabelled. */
  readonly dmeLabel: number | null;
  readonly fovea: { readonly x: number; readonly y: number } | null;
  readonly discDiameter: number | null;
  /** Candidates already inside the macula filter are flagged, so counts can be taken over either region. */
  /** The analysis's lesion summary (the lesion-based grade reads it; the threshold fit does not). */
  readonly summary?: LesionSummary;
  readonly candidates: readonly { readonly kind: 'dark' | 'bright'; readonly class: string; readonly x: number; readonly y: number; readonly radius: number; readonly score: number }[];
}

/** Options of {@link fitLesionReporting}. */
export interface FitReportingOptions {
  /** Goal: mean reported candidates per grade-0 photograph over the whole retina. @default { dark: 2, bright: 1 } */
  readonly healthyGoal?: { readonly dark: number; readonly bright: number };
  /**
   * The thresholds are fitted to this fraction of the goal, so that the goal still holds on photographs the fit did
   * not see (a threshold fitted exactly to the goal overshoots it out of fold; on IDRiD 0.8 left the bright count at
   * 1.015 per healthy photograph out of fold, 0.7 below 1). @default 0.7
   */
  readonly goalMargin?: number;
  /** Folds for the out-of-fold figures. @default 5 */
  readonly folds?: number;
}

/** The fitted thresholds (on all photographs) and their out-of-fold figures (thresholds fitted without the fold). */
export interface FitReportingResult {
  readonly minScore: { dark: number; bright: number };
  readonly dmeExudateMinScore: number;
  readonly outOfFold: {
    readonly healthyPhotographs: number;
    readonly darkPerHealthy: number;
    readonly brightPerHealthy: number;
    readonly dmePhotographs: number;
    readonly dmeAccuracy: number;
    /** Rows = label 0–2, columns = predicted 0–2. */
    readonly dmeConfusion: number[][];
  };
  readonly folds: number;
}

/**
 * Thresholds tried: even steps of the logit from −6 to 14 (probability 0.0025 to 0.999999), because sigmoid maps
 * saturate and the useful thresholds crowd near 1.
 */
const grid: number[] = Array.from({ length: 401 }, (_, i) => Math.round(1e6 / (1 + Math.exp(-(-6 + i * 0.05)))) / 1e6);

/**
 * Fits the lesion model's reporting thresholds: per kind, the lowest score at which grade-0 photographs have at most
 * the goal's mean count of candidates over the whole retina (every candidate on a grade-0 photograph is a false
 * finding); and the exudate score for the DME rule that maximises 3-class DME accuracy. Out-of-fold figures come from
 * k folds by `group` (seeded deal of the sorted groups), each fold scored with thresholds fitted on the others.
 */
export function fitLesionReporting(samples: readonly ReportingSample[], options: FitReportingOptions = {}): FitReportingResult {
  const goal = options.healthyGoal ?? { dark: 2, bright: 1 };
  const k = options.folds ?? 5;
  const groups = [...new Set(samples.map((s) => s.group))].sort();
  const foldOf = new Map<string, number>();
  seededShuffle(groups, 11).forEach((g, i) => foldOf.set(g, i % k));
  const margin = options.goalMargin ?? 0.7;
  const fit = (train: readonly ReportingSample[]) => ({
    dark: healthyThreshold(train, 'dark', goal.dark * margin),
    bright: healthyThreshold(train, 'bright', goal.bright * margin),
    dme: dmeThreshold(train),
  });
  let dark = 0, bright = 0, healthy = 0, dmeN = 0, dmeOk = 0;
  const confusion = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let f = 0; f < k; f++) {
    const train = samples.filter((s) => foldOf.get(s.group) !== f);
    const test = samples.filter((s) => foldOf.get(s.group) === f);
    const t = fit(train);
    for (const s of test) {
      if (s.grade === 0) {
        healthy++;
        dark += s.candidates.filter((c) => c.kind === 'dark' && c.score >= t.dark).length;
        bright += s.candidates.filter((c) => c.kind === 'bright' && c.score >= t.bright).length;
      }
      if (s.dmeLabel !== null) {
        const p = predictDme(s, t.dme);
        dmeN++;
        if (p === s.dmeLabel) dmeOk++;
        confusion[s.dmeLabel]![p]!++;
      }
    }
  }
  const all = fit(samples);
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    minScore: { dark: all.dark, bright: all.bright },
    dmeExudateMinScore: all.dme,
    outOfFold: { healthyPhotographs: healthy, darkPerHealthy: r(dark / Math.max(1, healthy)), brightPerHealthy: r(bright / Math.max(1, healthy)), dmePhotographs: dmeN, dmeAccuracy: r(dmeOk / Math.max(1, dmeN)), dmeConfusion: confusion },
    folds: k,
  };
}

/** DME risk of a sample at an exudate threshold (no fovea: exudates count as risk 1). */
export function predictDme(s: ReportingSample, threshold: number): 0 | 1 | 2 {
  const ex = s.candidates.filter((c) => c.class === 'exudate' && c.score >= threshold);
  return dmeRisk(ex, s.fovea, s.discDiameter)?.risk ?? (ex.length ? 1 : 0);
}

function healthyThreshold(samples: readonly ReportingSample[], kind: 'dark' | 'bright', goal: number): number {
  const healthy = samples.filter((s) => s.grade === 0);
  if (healthy.length === 0) return 0.5;
  for (const t of grid) {
    let n = 0;
    for (const s of healthy) for (const c of s.candidates) if (c.kind === kind && c.score >= t) n++;
    if (n / healthy.length <= goal) return t;
  }
  return 1;
}

function dmeThreshold(samples: readonly ReportingSample[]): number {
  const labelled = samples.filter((s) => s.dmeLabel !== null);
  let best = 0.5, bestOk = -1;
  for (const t of grid) {
    let ok = 0;
    for (const s of labelled) if (predictDme(s, t) === s.dmeLabel) ok++;
    if (ok > bestOk) { bestOk = ok; best = t; }
  }
  return best;
}
