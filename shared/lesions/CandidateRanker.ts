import { DrgradeError } from '../errors.js';
import { candidateFeatureNames } from './candidateFeatures.js';

/** One kind's logistic model on standardised features: p = σ(bias + Σ wᵢ (xᵢ − meanᵢ) / sdᵢ). */
export interface LogisticModel {
  readonly mean: readonly number[];
  readonly sd: readonly number[];
  readonly weights: readonly number[];
  readonly bias: number;
}

/**
 * The candidate ranker (`ranker.json` beside a lesion model's `model.json`), fitted by `drgrade fit-lesion-ranker`
 * (cli/commands/fit-lesion-ranker.ts, shared/lesionEval/fitLogistic.ts), which writes the file this reads: for each
 * kind, the probability that a candidate lies on a lesion given its features (candidateFeatures.ts). It replaces the
 * map score, which ranks a bright vessel wall or a dark vessel crossing as confidently as a lesion.
 */
export interface CandidateRanker {
  readonly schemaVersion: 1;
  readonly kind: 'lesion-candidate-ranker';
  readonly features: readonly string[];
  readonly dark: LogisticModel;
  readonly bright: LogisticModel;
  /** How and on what it was fitted, with its out-of-fold figures. */
  readonly fit?: Record<string, unknown>;
}

/** The probability a ranker gives a feature vector of `kind`. */
export function rankCandidate(ranker: CandidateRanker, kind: 'dark' | 'bright', features: readonly number[]): number {
  const m = ranker[kind];
  let z = m.bias;
  for (let i = 0; i < features.length; i++) z += m.weights[i]! * ((features[i]! - m.mean[i]!) / m.sd[i]!);
  return 1 / (1 + Math.exp(-z));
}

/** Checks a parsed `ranker.json`; problems are `MODEL_MANIFEST_INVALID` (a ranker of other features included). */
export function validateCandidateRanker(value: unknown): CandidateRanker {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected ${expected} for ranker.json ${field} but received ${JSON.stringify(got)?.slice(0, 200)}`, { details: { field } });
  };
  const r = (value ?? {}) as Record<string, unknown>;
  if (r.schemaVersion !== 1) fail('schemaVersion', '1', r.schemaVersion);
  if (r.kind !== 'lesion-candidate-ranker') fail('kind', "'lesion-candidate-ranker'", r.kind);
  const names = r.features;
  if (!Array.isArray(names) || names.length !== candidateFeatureNames.length || names.some((n, i) => n !== candidateFeatureNames[i])) {
    fail('features', `the feature names of this code version (${candidateFeatureNames.join(', ')})`, names);
  }
  const numbers = (v: unknown, field: string, positive: boolean): number[] => {
    if (!Array.isArray(v) || v.length !== candidateFeatureNames.length || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || (positive && x <= 0))) {
      return fail(field, `${candidateFeatureNames.length} finite numbers${positive ? ' > 0' : ''}`, v);
    }
    return v as number[];
  };
  const model = (kind: 'dark' | 'bright'): LogisticModel => {
    const m = (r[kind] ?? {}) as Record<string, unknown>;
    if (typeof m.bias !== 'number' || !Number.isFinite(m.bias)) fail(`${kind}.bias`, 'a finite number', m.bias);
    return { mean: numbers(m.mean, `${kind}.mean`, false), sd: numbers(m.sd, `${kind}.sd`, true), weights: numbers(m.weights, `${kind}.weights`, false), bias: m.bias as number };
  };
  return {
    schemaVersion: 1,
    kind: 'lesion-candidate-ranker',
    features: [...candidateFeatureNames],
    dark: model('dark'),
    bright: model('bright'),
    ...(r.fit && typeof r.fit === 'object' ? { fit: r.fit as Record<string, unknown> } : {}),
  };
}
