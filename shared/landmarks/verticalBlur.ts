import { boxBlurGaussian } from '../filters/boxBlur.js';

/**
 * An anisotropic blur, narrow across (`sigmaX`) and long down (`sigmaY`): rows are blurred with σx, then the
 * transposed image is blurred in 2-D with σy, an approximation of a column-only blur that holds because σx ≪ σy.
 */
export function verticalBlur(values: Float32Array, width: number, height: number, sigmaX: number, sigmaY: number): Float32Array {
  const rows = boxBlurGaussian({ width, height, data: values }, sigmaX).data;
  const transposed = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) transposed[x * height + y] = rows[y * width + x]!;
  const blurred = boxBlurGaussian({ width: height, height: width, data: transposed }, sigmaY).data;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = blurred[x * height + y]!;
  return out;
}
