import type { LogisticModel } from '../lesions/CandidateRanker.js';

/** Options of {@link fitLogistic}. */
export interface FitLogisticOptions {
  /** L2 penalty on the standardised weights (not the bias), in units of the summed log loss. @default 1 */
  readonly l2?: number;
  /** Newton steps at most. @default 50 */
  readonly maxIterations?: number;
}

/**
 * L2-penalised logistic regression by Newton's method on standardised features (each feature centred and scaled
 * by its standard deviation over `rows`; a constant feature gets sd 1 and, penalised, weight 0). Deterministic:
 * the same rows give the same model. Minimises Σ log-loss + l2/2 · ‖w‖².
 */
export function fitLogistic(rows: readonly (readonly number[])[], labels: readonly (0 | 1)[], options: FitLogisticOptions = {}): LogisticModel {
  if (rows.length === 0 || rows.length !== labels.length) throw new Error(`Expected rows and labels of one non-zero length but received ${rows.length} and ${labels.length}`);
  const d = rows[0]!.length;
  const l2 = options.l2 ?? 1;
  const mean = new Array<number>(d).fill(0), sd = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += r[j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) sd[j]! += (r[j]! - mean[j]!) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]! / rows.length) || 1;
  const z = rows.map((r) => r.map((v, j) => (v - mean[j]!) / sd[j]!));
  // Parameters: [bias, w_1..w_d].
  const beta = new Array<number>(d + 1).fill(0);
  const positives = labels.reduce<number>((s, y) => s + y, 0);
  const prior = Math.min(1 - 1e-6, Math.max(1e-6, positives / labels.length));
  beta[0] = Math.log(prior / (1 - prior));
  for (let iteration = 0; iteration < (options.maxIterations ?? 50); iteration++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < z.length; i++) {
      const x = z[i]!;
      let eta = beta[0]!;
      for (let j = 0; j < d; j++) eta += beta[j + 1]! * x[j]!;
      const p = 1 / (1 + Math.exp(-eta));
      const residual = p - labels[i]!;
      const weight = Math.max(1e-9, p * (1 - p));
      gradient[0]! += residual;
      hessian[0]![0]! += weight;
      for (let j = 0; j < d; j++) {
        gradient[j + 1]! += residual * x[j]!;
        hessian[0]![j + 1]! += weight * x[j]!;
        for (let k = j; k < d; k++) hessian[j + 1]![k + 1]! += weight * x[j]! * x[k]!;
      }
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) hessian[j]![k] = hessian[k]![j]!;
    for (let j = 1; j <= d; j++) {
      gradient[j]! += l2 * beta[j]!;
      hessian[j]![j]! += l2;
    }
    const step = solve(hessian, gradient);
    let largest = 0;
    for (let j = 0; j <= d; j++) {
      beta[j]! -= step[j]!;
      largest = Math.max(largest, Math.abs(step[j]!));
    }
    if (largest < 1e-8) break;
  }
  return { mean, sd, weights: beta.slice(1), bias: beta[0]! };
}

/** Solves A x = b for a symmetric positive-definite A by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const p = m[c]![c]!;
    if (Math.abs(p) < 1e-300) throw new Error('Expected a non-singular Hessian for the logistic fit but received a singular one');
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / p;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}
