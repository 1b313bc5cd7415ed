import type { MaskImage } from '../image/RgbImage.js';
import type { SyntheticFundusTruth } from './synthFundus.js';

/** Ground-truth masks of a synthetic photograph, keyed like the IDRiD segmentation folders (MA, HE, EX, OD). */
export interface SynthLesionMasks {
  readonly MA: MaskImage;
  readonly HE: MaskImage;
  readonly EX: MaskImage;
  readonly OD: MaskImage;
}

/**
 * Rasterises a synthetic photograph's truth as filled discs (255 = lesion), so the lesion evaluation can run on
 * synthetic data with the same mask layout as IDRiD (`<masks>/<CLS>/<stem>_<CLS>.png`).
 *
 * @param truth The `truth` returned by {@link import('./synthFundus.js').synthFundus}.
 * @param width Width of the synthetic image.
 * @param height Height of the synthetic image.
 */
export function synthLesionMasks(truth: SyntheticFundusTruth, width: number, height: number): SynthLesionMasks {
  const make = (): MaskImage => ({ width, height, data: new Uint8Array(width * height) });
  const masks = { MA: make(), HE: make(), EX: make(), OD: make() };
  const fill = (mask: MaskImage, cx: number, cy: number, radius: number): void => {
    for (let y = Math.max(0, Math.floor(cy - radius)); y <= Math.min(height - 1, Math.ceil(cy + radius)); y++) {
      for (let x = Math.max(0, Math.floor(cx - radius)); x <= Math.min(width - 1, Math.ceil(cx + radius)); x++) {
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) mask.data[y * width + x] = 255;
      }
    }
  };
  const maskOf = { microaneurysm: masks.MA, haemorrhage: masks.HE, exudate: masks.EX } as const;
  for (const lesion of truth.lesions) fill(maskOf[lesion.class], lesion.x, lesion.y, lesion.radius);
  fill(masks.OD, truth.opticDisc.x, truth.opticDisc.y, truth.opticDisc.radius);
  return masks;
}
