/**
 * The element types a drgrade image model may take (model contract v2), in one table: the typed array that holds
 * a tensor of that datatype and ONNX Runtime's name for it. FP32 models take host-normalised values
 * ((pixel / 255 − mean) / std); UINT8 models take the resized RGB bytes and normalise inside the graph.
 */
export const modelInputDatatypes = Object.freeze({
  FP32: { array: Float32Array, ortType: 'float32', bytesPerElement: 4 },
  UINT8: { array: Uint8Array, ortType: 'uint8', bytesPerElement: 1 },
} as const);

/** A model input datatype of {@link modelInputDatatypes} (the Open Inference Protocol's names). */
export type ModelInputDatatype = keyof typeof modelInputDatatypes;

/** Memory layout of an image tensor: channel planes (NCHW) or interleaved pixels (NHWC). */
export type ModelInputLayout = 'NCHW' | 'NHWC';

/** The layouts of the contract. */
export const modelInputLayouts: readonly ModelInputLayout[] = Object.freeze(['NCHW', 'NHWC']);

/** One model-ready image (no batch axis): a typed array of the manifest's datatype. */
export type ModelTensor = Float32Array | Uint8Array;

/** True when `value` is a typed array of `datatype`'s kind (Float32Array for FP32, Uint8Array for UINT8). */
export function isModelTensorOf(value: unknown, datatype: ModelInputDatatype): value is ModelTensor {
  // Uint8ClampedArray and Buffer are views of bytes too; only the table's exact types count for FP32.
  return datatype === 'UINT8' ? value instanceof Uint8Array : value instanceof Float32Array;
}

/** Shape of a batch of `batch` square images of `channels` × size × size in `layout`. */
export function imageTensorShape(layout: ModelInputLayout, size: number, batch: number, channels = 3): number[] {
  return layout === 'NCHW' ? [batch, channels, size, size] : [batch, size, size, channels];
}

/** A zero-filled batch of `length` elements of `datatype` (warm-up runs, benchmarks). */
export function allocateModelTensor(datatype: ModelInputDatatype, length: number): ModelTensor {
  return new modelInputDatatypes[datatype].array(length);
}
