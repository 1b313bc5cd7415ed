import type { CategoricalFeature, ContinuousFeature } from './driftFeatures.js';

/**
 * Reference statistics of the shipped model's training photographs (`models/default/drift-reference.json`), made by
 * `drgrade drift-reference` from their result JSONs: every continuous feature's sorted values (for the
 * two-sample test) with its quintile bin edges (for the PSI), and every categorical feature's counts.
 */
export interface DriftReference {
  readonly schemaVersion: 1;
  /** Where the statistics come from (data set, selection, model). */
  readonly description: string;
  readonly model: { readonly name: string; readonly version: string; readonly sha256: string } | null;
  readonly createdAt: string;
  /** Results the statistics were computed from. */
  readonly n: number;
  readonly continuous: Readonly<Record<ContinuousFeature, { readonly values: readonly number[]; readonly binEdges: readonly number[] }>>;
  readonly categorical: Readonly<Record<CategoricalFeature, { readonly counts: Readonly<Record<string, number>> }>>;
}
