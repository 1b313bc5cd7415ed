import type { Datatype, TensorArray } from './datatypes.js';

/** A tensor in memory: datatype, row-major shape and elements (`data.length` is the product of `shape`). */
export interface TensorValue {
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly data: TensorArray;
}

/** Number of elements of a shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}
