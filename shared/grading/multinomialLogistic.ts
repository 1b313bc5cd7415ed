/** A fitted multinomial logistic regression on standardised features. */
export interface MultinomialLogistic {
  /** Feature names, in column order. */
  readonly features: readonly string[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** weights[k][j]: class k, feature j; the last entry of each row is the intercept. */
  readonly weights: readonly (readonly number[])[];
  /** L2 penalty it was fitted with. */
  readonly l2: number;
}

/** Options of {@link fitMultinomialLogistic}. */
export interface FitLogisticOptions {
  /** L2 penalty on the weights (not the intercepts), per sample. @default 0.01 */
  readonly l2?: number;
  /** Full-batch gradient steps (Nesterov momentum). @default 3000 */
  readonly iterations?: number;
  /** Per-sample weights (e.g. class balancing). @default all 1 */
  readonly sampleWeights?: readonly number[];
}

/**
 * Fits P(class k | x) = softmax(W·z + b), z the standardised x, by minimising the weighted mean cross-entropy plus
 * l2/2·‖W‖², with accelerated gradient descent (the objective is convex, so the optimum does not depend on the
 * start). Deterministic.
 */
export function fitMultinomialLogistic(x: readonly (readonly number[])[], y: readonly number[], classes: number, features: readonly string[], options: FitLogisticOptions = {}): MultinomialLogistic {
  const n = x.length, d = features.length;
  if (n === 0 || y.length !== n || x.some((r) => r.length !== d)) throw new Error(`Expected ${y.length} rows of ${d} features but received ${n} rows`);
  const l2 = options.l2 ?? 0.01;
  const sw = options.sampleWeights ?? new Array<number>(n).fill(1);
  const wsum = sw.reduce((s, v) => s + v, 0);
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j]!, 0) / n);
  const std = Array.from({ length: d }, (_, j) => Math.sqrt(x.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / n) || 1);
  const z = x.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));
  const size = classes * (d + 1);
  let w = new Float64Array(size), v = new Float64Array(size);
  const grad = new Float64Array(size);
  const p = new Float64Array(classes);
  const lr = 0.5;
  for (let it = 0; it < (options.iterations ?? 3000); it++) {
    const look = new Float64Array(size);
    for (let i = 0; i < size; i++) look[i] = w[i]! + 0.9 * v[i]!;
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      softmaxInto(look, z[i]!, classes, d, p);
      const yi = y[i]!;
      for (let k = 0; k < classes; k++) {
        const g = (sw[i]! * (p[k]! - (k === yi ? 1 : 0))) / wsum;
        const row = k * (d + 1);
        for (let j = 0; j < d; j++) grad[row + j] = grad[row + j]! + g * z[i]![j]!;
        grad[row + d] = grad[row + d]! + g;
      }
    }
    for (let k = 0; k < classes; k++) for (let j = 0; j < d; j++) grad[k * (d + 1) + j] = grad[k * (d + 1) + j]! + l2 * look[k * (d + 1) + j]!;
    const nv = new Float64Array(size);
    for (let i = 0; i < size; i++) nv[i] = 0.9 * v[i]! - lr * grad[i]!;
    v = nv;
    const nw = new Float64Array(size);
    for (let i = 0; i < size; i++) nw[i] = w[i]! + v[i]!;
    w = nw;
  }
  const weights = Array.from({ length: classes }, (_, k) => Array.from(w.subarray(k * (d + 1), (k + 1) * (d + 1))));
  return { features: [...features], mean, std, weights, l2 };
}

/** Class probabilities for one feature row. */
export function predictMultinomialLogistic(model: MultinomialLogistic, row: readonly number[]): number[] {
  const d = model.features.length;
  if (row.length !== d) throw new Error(`Expected ${d} features (${model.features.join(', ')}) but received ${row.length}`);
  const z = row.map((v, j) => (v - model.mean[j]!) / model.std[j]!);
  const flat = new Float64Array(model.weights.length * (d + 1));
  model.weights.forEach((r, k) => flat.set(r, k * (d + 1)));
  const p = new Float64Array(model.weights.length);
  softmaxInto(flat, z, model.weights.length, d, p);
  return Array.from(p);
}

function softmaxInto(w: Float64Array, z: readonly number[], classes: number, d: number, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < classes; k++) {
    let s = w[k * (d + 1) + d]!;
    for (let j = 0; j < d; j++) s += w[k * (d + 1) + j]! * z[j]!;
    out[k] = s;
    if (s > max) max = s;
  }
  let total = 0;
  for (let k = 0; k < classes; k++) { out[k] = Math.exp(out[k]! - max); total += out[k]!; }
  for (let k = 0; k < classes; k++) out[k] = out[k]! / total;
}
