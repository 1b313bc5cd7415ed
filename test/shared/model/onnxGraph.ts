import { concat, field, stringField, varintField } from '../../helpers/protobufWire.js';
/**
 * Writes small ONNX models (ModelProto protobuf bytes) for tests, without Python: enough of the format for graphs
 * of attribute-free nodes (MatMul, Reshape, Identity) with typed inputs, outputs and raw-data initializers.
 * Field numbers are those of onnx/onnx.proto.
 */

/** ONNX TensorProto.DataType numbers of the element types the tests use. */
export const onnxElementType = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, string: 8, bool: 9, float64: 11 } as const;

/** An element type the writer knows. */
export type OnnxElementType = keyof typeof onnxElementType;

/** A graph input or output: name, element type and shape (a string is a symbolic dimension such as 'N'). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly shape: readonly (number | string)[];
}

/** A constant tensor of the graph, its values as little-endian raw bytes. */
export interface OnnxInitializer {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly dims: readonly number[];
  readonly raw: Uint8Array;
}

/** One node, with no attributes. */
export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** A whole graph. */
export interface OnnxGraph {
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly initializers?: readonly OnnxInitializer[];
}

/** Serialises `graph` as an ONNX model (IR version 8, default opset 17). */
export function onnxModelBytes(graph: OnnxGraph): Uint8Array {
  const graphBytes = concat([
    ...graph.nodes.map((n, i) =>
      field(1, concat([...n.inputs.map((s) => stringField(1, s)), ...n.outputs.map((s) => stringField(2, s)), stringField(3, `n${i}`), stringField(4, n.opType)])),
    ),
    stringField(2, 'test-graph'),
    ...(graph.initializers ?? []).map((t) =>
      field(5, concat([...t.dims.map((d) => varintField(1, d)), varintField(2, onnxElementType[t.type]), stringField(8, t.name), field(9, t.raw)])),
    ),
    ...graph.inputs.map((v) => field(11, valueInfo(v))),
    ...graph.outputs.map((v) => field(12, valueInfo(v))),
  ]);
  return concat([varintField(1, 8), stringField(2, 'drgrade-tests'), field(7, graphBytes), field(8, varintField(2, 17))]);
}

function valueInfo(v: OnnxValueInfo): Uint8Array {
  const dims = v.shape.map((d) => field(1, typeof d === 'number' ? varintField(1, d) : stringField(2, d)));
  const tensorType = concat([varintField(1, onnxElementType[v.type]), field(2, concat(dims))]);
  return concat([stringField(1, v.name), field(2, field(1, tensorType))]);
}
