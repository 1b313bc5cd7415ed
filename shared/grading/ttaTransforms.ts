import { invalidArgument } from '../errors.js';
import type { ModelInputLayout, ModelTensor } from '../model/ModelTensor.js';

/**
 * The eight symmetries of the square (the dihedral group D4), as test-time augmentations of a model-ready tensor.
 * A fundus photograph has no preferred orientation once the disc side is ignored, so the grade should not change
 * under any of them. Rotations are clockwise as the image is displayed (row 0 at the top).
 */
export const dihedralTransforms = [
  'identity', 'rotate90', 'rotate180', 'rotate270', 'flipHorizontal', 'flipVertical', 'transpose', 'antiTranspose',
] as const;

/** One of {@link dihedralTransforms}. */
export type DihedralTransform = (typeof dihedralTransforms)[number];

/**
 * For each transform, where output pixel (y, x) of a size × size plane is read from: [sourceY, sourceX].
 * `m` is size − 1.
 */
const sourceOf: Record<DihedralTransform, (y: number, x: number, m: number) => readonly [number, number]> = {
  identity: (y, x) => [y, x],
  rotate90: (y, x, m) => [m - x, y],
  rotate180: (y, x, m) => [m - y, m - x],
  rotate270: (y, x, m) => [x, m - y],
  flipHorizontal: (y, x, m) => [y, m - x],
  flipVertical: (y, x, m) => [m - y, x],
  transpose: (y, x) => [x, y],
  antiTranspose: (y, x, m) => [m - x, m - y],
};

/**
 * Applies one dihedral transform to an image tensor of `channels` × size × size (each channel the same way), of
 * any model datatype (FP32 or UINT8). `layout` 'NCHW' holds channel planes, 'NHWC' interleaved pixels. Returns a
 * new tensor of the same type; the input is not changed.
 */
export function transformImageTensor<T extends ModelTensor>(tensor: T, size: number, transform: DihedralTransform, layout: ModelInputLayout = 'NCHW', channels = 3): T {
  if (!Number.isInteger(size) || size < 1) throw invalidArgument('size', 'a positive integer', size);
  const plane = size * size;
  if (tensor.length !== channels * plane) {
    throw invalidArgument('tensor', `a ${tensor.constructor.name} of ${channels} x ${size} x ${size} = ${channels * plane} values`, `${tensor.length} values`);
  }
  const source = sourceOf[transform];
  const out = new (tensor.constructor as new (length: number) => T)(tensor.length);
  const m = size - 1;
  // One index map for all channels: the transform only moves pixels.
  const from = new Int32Array(plane);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [sy, sx] = source(y, x, m);
      from[y * size + x] = sy * size + sx;
    }
  }
  if (layout === 'NCHW') {
    for (let c = 0; c < channels; c++) {
      const base = c * plane;
      for (let i = 0; i < plane; i++) out[base + i] = tensor[base + from[i]!]!;
    }
  } else {
    for (let i = 0; i < plane; i++) {
      const src = from[i]! * channels;
      for (let c = 0; c < channels; c++) out[i * channels + c] = tensor[src + c]!;
    }
  }
  return out;
}

/** {@link transformImageTensor} on a CHW tensor (channel planes). */
export function transformChw<T extends ModelTensor>(tensor: T, size: number, transform: DihedralTransform, channels = 3): T {
  return transformImageTensor(tensor, size, transform, 'NCHW', channels);
}

/** The tensor under each of `transforms` (by default all eight of {@link dihedralTransforms}), in that order. */
export function dihedralVariants<T extends ModelTensor>(tensor: T, size: number, transforms: readonly DihedralTransform[] = dihedralTransforms, layout: ModelInputLayout = 'NCHW'): T[] {
  return transforms.map((t) => (t === 'identity' ? tensor : transformImageTensor(tensor, size, t, layout)));
}
