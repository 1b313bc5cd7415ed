import { DrgradeError, type ErrorCode } from '../errors.js';
import { isDatatype, tensorDatatypes, type TensorArray } from './datatypes.js';
import type { Parameters, TensorJsonData } from './protocol.js';
import { elementCount, type TensorValue } from './TensorValue.js';

/** A `$request_input` or `$response_output` as it arrives. */
export interface WireTensorEntry {
  readonly name: unknown;
  readonly shape: unknown;
  readonly datatype: unknown;
  readonly parameters?: unknown;
  readonly data?: unknown;
}

/**
 * Reads one wire tensor into memory: from `data` (JSON, flat or nested) or, when `parameters.binary_data_size`
 * is present, from `binary` at `offset`. Binary data is little-endian (the protocol's order and that of every
 * platform Node.js supports in production). Returns the tensor and the offset just past its bytes. Failures throw
 * `code` with a message naming `label` (e.g. "input 'input'").
 */
export function tensorFromWire(entry: WireTensorEntry, binary: Uint8Array, offset: number, label: string, code: ErrorCode): { tensor: TensorValue; nextOffset: number } {
  const fail: (what: string, expected: string, received: unknown) => never = (what, expected, received) => {
    throw new DrgradeError(code, `Expected ${expected} for ${what} of ${label} but received ${show(received)}`);
  };
  const { datatype, shape } = entry;
  if (!isDatatype(datatype)) fail('datatype', `one of ${Object.keys(tensorDatatypes).join(', ')}`, datatype);
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    fail('shape', 'an array of non-negative integers', shape);
  }
  const dims = shape as number[];
  const count = elementCount(dims);
  const info = tensorDatatypes[datatype as keyof typeof tensorDatatypes];
  const parameters = (typeof entry.parameters === 'object' && entry.parameters !== null ? entry.parameters : {}) as Parameters;
  const size = parameters.binary_data_size;
  if (size !== undefined) {
    const expected = count * info.bytesPerElement;
    if (size !== expected) fail('binary_data_size', `${expected} (shape ${JSON.stringify(dims)} of ${datatype})`, size);
    if (offset + expected > binary.length) fail('binary data', `${expected} bytes after offset ${offset}`, `${binary.length - offset} bytes`);
    const start = binary.byteOffset + offset;
    let data: TensorArray;
    if (start % info.bytesPerElement === 0) {
      // Aligned (senders that pad the JSON head, as ours do): a view of the body, no copy.
      data = new info.array(binary.buffer as ArrayBuffer, start, count) as TensorArray;
    } else {
      // Otherwise copying aligns the elements.
      data = new info.array(count) as TensorArray;
      new Uint8Array(data.buffer).set(binary.subarray(offset, offset + expected));
    }
    return { tensor: { datatype, shape: dims, data }, nextOffset: offset + expected };
  }
  if (!Array.isArray(entry.data)) fail('data', 'a JSON array (or parameters.binary_data_size)', entry.data);
  if (datatype === 'FP16') fail('data', 'binary data (FP16 has no JSON form)', 'JSON data');
  const flat = flatten(entry.data as TensorJsonData);
  if (flat.length !== count) fail('data', `${count} elements (shape ${JSON.stringify(dims)})`, `${flat.length} elements`);
  const data = new info.array(count) as TensorArray;
  const big = datatype === 'INT64' || datatype === 'UINT64';
  for (let i = 0; i < count; i++) {
    let v = flat[i];
    if (datatype === 'BOOL' && typeof v === 'boolean') v = v ? 1 : 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || (datatype !== 'FP32' && datatype !== 'FP64' && !Number.isInteger(v))) {
      fail(`data[${i}]`, datatype === 'FP32' || datatype === 'FP64' ? 'a finite number' : 'an integer', v);
    }
    (data as unknown as (number | bigint)[])[i] = big ? BigInt(v as number) : (v as number);
    // A typed array wraps out-of-range integers (300 becomes 44 in a Uint8Array); refuse them instead.
    if (!big && datatype !== 'FP32' && datatype !== 'FP64' && data[i] !== v) fail(`data[${i}]`, `an integer in the range of ${datatype}`, v);
  }
  return { tensor: { datatype, shape: dims, data }, nextOffset: offset };
}

/** The wire form of one tensor: the entry's shape/datatype/parameters/data, and its bytes when sent binary. */
export interface WireTensor {
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: Parameters;
  readonly data?: TensorJsonData;
  /** Bytes to append to the body (binary only). */
  readonly chunk?: Uint8Array;
}

/** Writes a tensor in binary (`binary_data_size` + bytes) or as JSON `data` (FP16 is always binary). */
export function tensorToWire(tensor: TensorValue, binary: boolean): WireTensor {
  const { datatype, shape, data } = tensor;
  if (binary || datatype === 'FP16') {
    const chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { shape, datatype, parameters: { binary_data_size: chunk.length }, chunk };
  }
  const json: (number | boolean)[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    json[i] = datatype === 'BOOL' ? v !== 0 : Number(v);
  }
  return { shape, datatype, data: json };
}

function flatten(data: TensorJsonData): unknown[] {
  if (!data.some(Array.isArray)) return data as unknown[];
  const out: unknown[] = [];
  const walk = (xs: TensorJsonData): void => {
    for (const x of xs) {
      if (Array.isArray(x)) walk(x as TensorJsonData);
      else out.push(x);
    }
  };
  walk(data);
  return out;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}
