import { invalidArgument } from '../errors.js';
import type { RgbImage } from '../image/RgbImage.js';
import type { ModelTensor } from '../model/ModelTensor.js';
import type { ModelManifest, Preprocessing } from './ModelManifest.js';

/** What {@link imageToTensor} reads of a manifest. */
export interface TensorContract {
  readonly input: Pick<ModelManifest['input'], 'datatype' | 'layout'>;
  readonly preprocessing: Pick<Preprocessing, 'size' | 'mean' | 'std'>;
}

/**
 * Turns a model-ready RGB image (already size × size) into the model's input tensor, in the manifest's datatype
 * and layout (model contract v2):
 * - UINT8: the RGB bytes themselves, reordered to the layout (NHWC is the image's own order); no arithmetic, the
 *   graph normalises.
 * - FP32: value = (pixel / 255 - mean[c]) / std[c]. The training recipe's loader (training/drgrade_train/data.py)
 *   computes exactly the same from the same PNG; test/shared/grading/parity.test.ts holds the two to float rounding.
 */
export function imageToTensor(image: RgbImage, contract: TensorContract): ModelTensor {
  const { size, mean, std } = contract.preprocessing;
  const { datatype, layout } = contract.input;
  if (image.width !== size || image.height !== size) {
    throw invalidArgument('image', `a ${size}x${size} model-ready image`, `${image.width}x${image.height}`);
  }
  const plane = size * size;
  const src = image.data;
  if (datatype === 'UINT8') {
    if (layout === 'NHWC') return Uint8Array.from(src.subarray(0, 3 * plane));
    const out = new Uint8Array(3 * plane);
    for (let c = 0; c < 3; c++) {
      const base = c * plane;
      for (let i = 0; i < plane; i++) out[base + i] = src[i * 3 + c]!;
    }
    return out;
  }
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    // Math.fround keeps every step in float32, as numpy does with float32 arrays (and the UINT8 graph's Div/Sub/Div).
    const m = Math.fround(mean[c]!);
    const s = Math.fround(std[c]!);
    const base = layout === 'NCHW' ? c * plane : c;
    const step = layout === 'NCHW' ? 1 : 3;
    for (let i = 0; i < plane; i++) {
      const v = Math.fround(src[i * 3 + c]! / 255);
      out[base + i * step] = Math.fround(v - m) / s;
    }
  }
  return out;
}
