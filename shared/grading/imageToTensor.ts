import { invalidArgument } from '../errors.js';
import type { RgbImage } from '../image/RgbImage.js';
import type { Preprocessing } from './ModelManifest.js';

/**
 * Turns a model-ready RGB image (already size × size) into a CHW float32 tensor:
 * value = (pixel / 255 - mean[c]) / std[c], channels in RGB order.
 * The training recipe's loader (training/drgrade_train/data.py) computes exactly the same from the same PNG;
 * test/shared/grading/parity.test.ts holds the two to float rounding.
 */
export function imageToTensor(image: RgbImage, preprocessing: Pick<Preprocessing, 'size' | 'mean' | 'std'>): Float32Array {
  const { size, mean, std } = preprocessing;
  if (image.width !== size || image.height !== size) {
    throw invalidArgument('image', `a ${size}x${size} model-ready image`, `${image.width}x${image.height}`);
  }
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  const src = image.data;
  for (let c = 0; c < 3; c++) {
    // Math.fround keeps every step in float32, as numpy does with float32 arrays.
    const m = Math.fround(mean[c]!);
    const s = Math.fround(std[c]!);
    const base = c * plane;
    for (let i = 0; i < plane; i++) {
      const v = Math.fround(src[i * 3 + c]! / 255);
      out[base + i] = Math.fround(v - m) / s;
    }
  }
  return out;
}
