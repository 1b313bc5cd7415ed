import type { GradeResult } from '../grading/GradeResult.js';
import { binCounts } from './binProportions.js';
import { chiSquareHomogeneity } from './chiSquareHomogeneity.js';
import { cameraOf, categoricalFeatures, continuousFeatures, type CategoricalFeature, type ContinuousFeature } from './driftFeatures.js';
import type { DriftReference } from './DriftReference.js';
import { kolmogorovSmirnov } from './kolmogorovSmirnov.js';
import { populationStabilityIndex } from './populationStabilityIndex.js';

/** Options of {@link computeDrift}. */
export interface DriftOptions {
  /** Group by site (first path segment of a result) or by camera (DICOM manufacturer and model). @default 'site' */
  by?: 'site' | 'camera';
  /** Fewest results a group needs before it can alarm. @default 30 */
  minResults?: number;
  /** PSI at or above which a feature has shifted (the conventional "significant shift"). @default 0.25 */
  psiThreshold?: number;
  /** Largest p-value of the two-sample test (KS, or χ² for categories) that confirms a shift. @default 0.01 */
  pThreshold?: number;
}

/** A feature of one group against the reference. */
export interface FeatureDrift {
  readonly psi: number;
  readonly test: 'kolmogorov-smirnov' | 'chi-square';
  readonly statistic: number;
  readonly pValue: number;
  /** Mean (continuous) of the group; `null` without values. */
  readonly mean: number | null;
  readonly referenceMean: number | null;
}

/** Statistics of one group (site or camera). */
export interface DriftGroup {
  readonly key: string;
  readonly n: number;
  readonly ungradableRate: number;
  readonly rejectedRate: number;
  /** Among graded results. */
  readonly referableRate: number;
  /** Proportions of grades 0–4 among graded results. */
  readonly gradeDistribution: readonly number[];
  /** Share of ungradable results naming each quality reason. */
  readonly ungradableReasons: Readonly<Record<string, number>>;
  /** Largest feature PSI. */
  readonly psi: number;
  readonly features: Readonly<Record<ContinuousFeature | CategoricalFeature, FeatureDrift>>;
  /** True when n ≥ minResults and some feature has PSI ≥ psiThreshold with p < pThreshold. */
  readonly alarm: boolean;
  readonly alarmFeatures: readonly string[];
}

/** What `drgrade drift --json` prints and the daily function writes. */
export interface DriftReport {
  readonly by: 'site' | 'camera';
  readonly createdAt: string;
  readonly reference: { readonly description: string; readonly n: number; readonly model: DriftReference['model'] };
  readonly thresholds: { readonly minResults: number; readonly psi: number; readonly pValue: number };
  readonly groups: readonly DriftGroup[];
}

/** A result and where it sits (its path relative to the results root, POSIX separators). */
export interface DriftInput {
  readonly relativePath: string;
  readonly result: GradeResult;
}

/**
 * Compares each group's results with the reference: per feature the PSI over the reference's quintile bins (or
 * categories) and a two-sample test (Kolmogorov–Smirnov against the reference values; χ² for categories); the
 * group alarms when a feature shifts by both measures (PSI alone is noisy for small groups, a test alone flags
 * trivial shifts in large ones).
 */
export function computeDrift(inputs: readonly DriftInput[], reference: DriftReference, options: DriftOptions = {}, now = new Date()): DriftReport {
  const by = options.by ?? 'site';
  const minResults = options.minResults ?? 30;
  const psiThreshold = options.psiThreshold ?? 0.25;
  const pThreshold = options.pThreshold ?? 0.01;
  const groups = new Map<string, GradeResult[]>();
  for (const input of inputs) {
    const key = by === 'camera' ? cameraOf(input.result) : input.relativePath.includes('/') ? input.relativePath.split('/')[0]! : '(root)';
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(input.result);
  }
  const out: DriftGroup[] = [];
  for (const [key, results] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const features = {} as Record<ContinuousFeature | CategoricalFeature, FeatureDrift>;
    for (const [name, feature] of Object.entries(continuousFeatures) as [ContinuousFeature, (typeof continuousFeatures)[ContinuousFeature]][]) {
      const ref = reference.continuous[name];
      const values = results.map((r) => feature.of(r)).filter((v): v is number => v !== null);
      const ks = kolmogorovSmirnov(values, ref.values);
      features[name] = {
        psi: values.length === 0 ? 0 : round(populationStabilityIndex(binCounts(ref.values, ref.binEdges), binCounts(values, ref.binEdges))),
        test: 'kolmogorov-smirnov', statistic: round(ks.statistic), pValue: roundP(ks.pValue), mean: mean(values), referenceMean: mean(ref.values),
      };
    }
    for (const [name, feature] of Object.entries(categoricalFeatures) as [CategoricalFeature, (typeof categoricalFeatures)[CategoricalFeature]][]) {
      const refCounts = feature.categories.map((c) => reference.categorical[name].counts[c] ?? 0);
      const counts = feature.categories.map((c) => results.filter((r) => feature.of(r) === c).length);
      const chi = chiSquareHomogeneity(counts, refCounts);
      const any = counts.some((c) => c > 0);
      features[name] = { psi: any ? round(populationStabilityIndex(refCounts, counts)) : 0, test: 'chi-square', statistic: round(chi.statistic), pValue: roundP(chi.pValue), mean: null, referenceMean: null };
    }
    const graded = results.filter((r) => r.status === 'graded' && r.grading);
    const ungradable = results.filter((r) => r.status === 'ungradable');
    const reasons: Record<string, number> = {};
    for (const r of ungradable) for (const reason of r.quality?.reasons ?? []) reasons[reason] = (reasons[reason] ?? 0) + 1;
    const alarmFeatures = results.length >= minResults
      ? Object.entries(features).filter(([, f]) => f.psi >= psiThreshold && f.pValue < pThreshold).map(([name]) => name)
      : [];
    out.push({
      key,
      n: results.length,
      ungradableRate: round(ungradable.length / results.length),
      rejectedRate: round(results.filter((r) => r.status === 'rejected').length / results.length),
      referableRate: graded.length === 0 ? 0 : round(graded.filter((r) => r.grading!.referable).length / graded.length),
      gradeDistribution: [0, 1, 2, 3, 4].map((g) => (graded.length === 0 ? 0 : round(graded.filter((r) => r.grading!.grade === g).length / graded.length))),
      ungradableReasons: Object.fromEntries(Object.entries(reasons).sort().map(([k, v]) => [k, round(v / Math.max(1, ungradable.length))])),
      psi: Math.max(0, ...Object.values(features).map((f) => f.psi)),
      features,
      alarm: alarmFeatures.length > 0,
      alarmFeatures,
    });
  }
  return {
    by,
    createdAt: now.toISOString(),
    reference: { description: reference.description, n: reference.n, model: reference.model },
    thresholds: { minResults, psi: psiThreshold, pValue: pThreshold },
    groups: out,
  };
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : round(values.reduce((s, v) => s + v, 0) / values.length);
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

function roundP(p: number): number {
  return p < 1e-4 ? Number(p.toPrecision(3)) : round(p);
}
