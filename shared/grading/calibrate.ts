import { invalidArgument } from '../errors.js';
import type { ModelManifest } from './ModelManifest.js';

/** Options of {@link calibrate}: the manifest's output kind and calibration. */
export interface CalibrateOptions {
  /** What the model emits. */
  readonly kind: ModelManifest['output']['kind'];
  /** 'temperature' divides log-scores by `temperature`; 'none' leaves them as they are. */
  readonly method: ModelManifest['calibration']['method'];
  /** Temperature T > 0 (ignored when `method` is 'none'). */
  readonly temperature: number;
}

/**
 * Turns one row of model output into calibrated probabilities that sum to 1.
 *
 * - `logits`: softmax(z / T), temperature scaling as in Guo et al., "On Calibration of Modern Neural Networks",
 *   ICML 2017; the maximum is subtracted first so large logits cannot overflow.
 * - `probabilities`: the same scaling on log p, i.e. p^(1/T) renormalised; with T = 1 this only renormalises
 *   (negative values from numerical noise count as 0).
 */
export function calibrate(row: ArrayLike<number>, options: CalibrateOptions): number[] {
  const n = row.length;
  if (n === 0) throw invalidArgument('row', 'at least one value', row);
  const t = options.method === 'temperature' ? options.temperature : 1;
  if (!(t > 0) || !Number.isFinite(t)) throw invalidArgument('temperature', 'a positive finite number', t);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(row[i]!)) throw invalidArgument(`row[${i}]`, 'a finite number', row[i]);
  }
  const out = new Array<number>(n);
  let sum = 0;
  if (options.kind === 'logits') {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, row[i]!);
    for (let i = 0; i < n; i++) {
      const e = Math.exp((row[i]! - max) / t);
      out[i] = e;
      sum += e;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const p = Math.max(0, row[i]!);
      const scaled = t === 1 ? p : p ** (1 / t);
      out[i] = scaled;
      sum += scaled;
    }
    if (!(sum > 0)) throw invalidArgument('row', 'probabilities with a positive sum', `sum ${sum}`);
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! / sum;
  return out;
}
