/**
 * The Open Inference Protocol's tensor datatypes in one table: element size, the typed array that holds a tensor
 * in memory, and ONNX Runtime's name for it. Inverses are derived from the table, not written twice.
 * BYTES (variable-length) is not in the table: drgrade's models take and give numeric tensors only.
 */
export const tensorDatatypes = Object.freeze({
  BOOL: { bytesPerElement: 1, array: Uint8Array, ortType: 'bool' },
  UINT8: { bytesPerElement: 1, array: Uint8Array, ortType: 'uint8' },
  UINT16: { bytesPerElement: 2, array: Uint16Array, ortType: 'uint16' },
  UINT32: { bytesPerElement: 4, array: Uint32Array, ortType: 'uint32' },
  UINT64: { bytesPerElement: 8, array: BigUint64Array, ortType: 'uint64' },
  INT8: { bytesPerElement: 1, array: Int8Array, ortType: 'int8' },
  INT16: { bytesPerElement: 2, array: Int16Array, ortType: 'int16' },
  INT32: { bytesPerElement: 4, array: Int32Array, ortType: 'int32' },
  INT64: { bytesPerElement: 8, array: BigInt64Array, ortType: 'int64' },
  // FP16 has no JSON form and no JS number type: it travels as raw 16-bit words.
  FP16: { bytesPerElement: 2, array: Uint16Array, ortType: 'float16' },
  FP32: { bytesPerElement: 4, array: Float32Array, ortType: 'float32' },
  FP64: { bytesPerElement: 8, array: Float64Array, ortType: 'float64' },
} as const);

/** A numeric Open Inference Protocol datatype. */
export type Datatype = keyof typeof tensorDatatypes;

/** A typed array holding tensor elements (any of the table's array types, over any buffer). */
export type TensorArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

/** ONNX Runtime type name → protocol datatype, derived from {@link tensorDatatypes}. */
export const datatypeByOrtType: Readonly<Record<string, Datatype>> = Object.freeze(
  Object.fromEntries(Object.entries(tensorDatatypes).map(([datatype, info]) => [info.ortType, datatype as Datatype])),
);

/** True for a datatype in {@link tensorDatatypes}. */
export function isDatatype(value: unknown): value is Datatype {
  return typeof value === 'string' && Object.hasOwn(tensorDatatypes, value);
}
