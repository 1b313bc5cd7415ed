import { concat, field, varint } from './protobufWire.js';
/**
 * The inverse of `python -m drgrade_train convert-uint8`, in TypeScript so that tests need no Python: from a UINT8
 * model's ONNX bytes, the FP32 graph it wraps. The nodes and initialisers named `drgrade_normalise/…` are dropped
 * and the graph input becomes the float tensor `input_normalised` the original nodes read, NCHW
 * [batch, 3, size, size]. Every other byte (nodes, weights) is copied as it is, so the result runs the FP32 model's
 * own graph on host-normalised input.
 *
 * Only the protobuf wire format is read (ModelProto.graph = 7; GraphProto.node = 1, initializer = 5, input = 11;
 * NodeProto.name = 3; TensorProto.name = 8; ValueInfoProto.name = 1), so no ONNX library is needed.
 */

/** Prefix of the nodes the converter adds (training/drgrade_train/convert_uint8.py `NODE_PREFIX`). */
export const normalisePrefix = 'drgrade_normalise/';
/** The float tensor the original graph reads after conversion (`NORMALISED_NAME`). */
export const normalisedInputName = 'input_normalised';

interface Field {
  readonly number: number;
  readonly wireType: number;
  /** The field's bytes, tag included. */
  readonly raw: Uint8Array;
  /** Payload of a length-delimited field. */
  readonly payload?: Uint8Array;
}

/** The FP32 ONNX bytes inside a converted UINT8 model, with input `input_normalised` NCHW [batch, 3, size, size]. */
export function fp32FromUint8Onnx(bytes: Uint8Array, size: number): Uint8Array {
  const model = readFields(bytes);
  const graphs = model.filter((f) => f.number === 7);
  if (graphs.length !== 1) throw new Error(`Expected one graph in the ONNX model but received ${graphs.length}`);
  let strippedNodes = 0;
  const graphFields: Uint8Array[] = [];
  for (const f of readFields(graphs[0]!.payload!)) {
    if (f.number === 1 && stringField(f.payload!, 3)?.startsWith(normalisePrefix)) {
      strippedNodes++;
      continue;
    }
    if (f.number === 5 && stringField(f.payload!, 8)?.startsWith(normalisePrefix)) continue;
    if (f.number === 11 && stringField(f.payload!, 1) === 'input') {
      graphFields.push(field(11, floatNchwInput(normalisedInputName, size)));
      continue;
    }
    graphFields.push(f.raw);
  }
  if (strippedNodes === 0) throw new Error(`Expected nodes named ${normalisePrefix}… (a converted UINT8 model) but received none`);
  const out: Uint8Array[] = [];
  for (const f of model) out.push(f.number === 7 ? field(7, concat(graphFields)) : f.raw);
  return concat(out);
}

/** ValueInfoProto { name, type: { tensor_type: { elem_type: FLOAT, shape: [batch, 3, size, size] } } }. */
function floatNchwInput(name: string, size: number): Uint8Array {
  const dim = (value: number | string): Uint8Array =>
    field(1, typeof value === 'string' ? field(2, new TextEncoder().encode(value)) : concat([varint((1 << 3) | 0), varint(value)]));
  const shape = concat(['batch', 3, size, size].map(dim));
  const tensorType = concat([varint((1 << 3) | 0), varint(1), field(2, shape)]);
  const type = field(1, tensorType);
  return concat([field(1, new TextEncoder().encode(name)), field(2, type)]);
}

function readFields(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, afterTag] = readVarint(buf, pos);
    pos = afterTag;
    const wireType = tag % 8;
    const number = Math.floor(tag / 8);
    let payload: Uint8Array | undefined;
    if (wireType === 0) pos = readVarint(buf, pos)[1];
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const [length, afterLength] = readVarint(buf, pos);
      payload = buf.subarray(afterLength, afterLength + length);
      pos = afterLength + length;
    } else throw new Error(`Expected a protobuf wire type 0, 1, 2 or 5 but received ${wireType}`);
    if (pos > buf.length) throw new Error('Expected a complete protobuf message but received a truncated one');
    fields.push({ number, wireType, raw: buf.subarray(start, pos), ...(payload ? { payload } : {}) });
  }
  return fields;
}

/** The first string field `number` of a message, or undefined. */
function stringField(message: Uint8Array, number: number): string | undefined {
  const f = readFields(message).find((x) => x.number === number && x.wireType === 2);
  return f ? new TextDecoder().decode(f.payload) : undefined;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error('Expected a complete varint but received the end of the buffer');
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}
