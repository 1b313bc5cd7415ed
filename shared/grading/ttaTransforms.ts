import { invalidArgument } from '../errors.js';

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
 * Applies one dihedral transform to a CHW float32 tensor of `channels` × size × size (each channel plane the
 * same way). Returns a new tensor; the input is not changed.
 */
export function transformChw(tensor: Float32Array, size: number, transform: DihedralTransform, channels = 3): Float32Array {
  if (!Number.isInteger(size) || size < 1) throw invalidArgument('size', 'a positive integer', size);
  const plane = size * size;
  if (tensor.length !== channels * plane) throw invalidArgument('tensor', `a Float32Array of ${channels} x ${size} x ${size} = ${channels * plane} values`, `${tensor.length} values`);
  const source = sourceOf[transform];
  const out = new Float32Array(tensor.length);
  const m = size - 1;
  // One index map for all channels: the transform only moves pixels.
  const from = new Int32Array(plane);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [sy, sx] = source(y, x, m);
      from[y * size + x] = sy * size + sx;
    }
  }
  for (let c = 0; c < channels; c++) {
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = tensor[base + from[i]!]!;
  }
  return out;
}

/** The tensor under each of `transforms` (by default all eight of {@link dihedralTransforms}), in that order. */
export function dihedralVariants(tensor: Float32Array, size: number, transforms: readonly DihedralTransform[] = dihedralTransforms, channels = 3): Float32Array[] {
  return transforms.map((t) => (t === 'identity' ? tensor : transformChw(tensor, size, t, channels)));
}
