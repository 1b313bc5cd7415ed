import type { MaskedBlur } from './MaskedBlur.js';
import { maskedZScore } from './maskedZScore.js';

/**
 * How fovea-like each coarse pixel is, lower = more: z(darkness) + 0.5 z(red) + 0.4 z(local contrast). Darkness is
 * the relative luminance clipped at `brightClip` (exudates around the fovea would otherwise lift the macula's
 * darkness) and smoothed at 0.3 disc diameters; red is smoothed the same way; contrast is penalised because the
 * fovea is avascular (haemorrhages and vessels are dark but contrasted). Every term is z-scored over the FOV.
 */
export function foveaEvidenceMap(
  relative: Float32Array, red: Float32Array, mask: Uint8Array, contrastZ: Float32Array, blur: MaskedBlur,
  discRadiusPx: number, brightClip: number,
): Float64Array {
  const n = relative.length;
  const clipped = new Float32Array(n);
  for (let i = 0; i < n; i++) clipped[i] = Math.min(brightClip, relative[i]!);
  const darknessZ = maskedZScore(blur.blur(clipped, discRadiusPx * 0.6), mask);
  const maskedRed = new Float32Array(n);
  for (let i = 0; i < n; i++) if (mask[i]) maskedRed[i] = red[i]!;
  const redZ = maskedZScore(blur.blur(maskedRed, discRadiusPx * 0.6), mask);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = darknessZ[i]! + 0.5 * redZ[i]! + 0.4 * contrastZ[i]!;
  return out;
}
