import type { MaskImage } from '../image/RgbImage.js';
import { lesionClassByLabel, lesionClasses, type LesionClassInfo } from '../lesions/lesionClasses.js';
import type { SyntheticFundusTruth } from './synthFundus.js';

/**
 * Ground-truth masks of a synthetic photograph, keyed like the IDRiD segmentation folders: one per row of the
 * lesion-class table (MA, HE, EX, SE) and the optic disc (OD).
 */
export type SynthLesionMasks = Readonly<Record<LesionClassInfo['idridMask'] | 'OD', MaskImage>>;

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
  const masks = Object.fromEntries([...lesionClasses.map((c) => c.idridMask), 'OD'].map((k) => [k, make()])) as Record<LesionClassInfo['idridMask'] | 'OD', MaskImage>;
  const fill = (mask: MaskImage, cx: number, cy: number, radius: number): void => {
    for (let y = Math.max(0, Math.floor(cy - radius)); y <= Math.min(height - 1, Math.ceil(cy + radius)); y++) {
      for (let x = Math.max(0, Math.floor(cx - radius)); x <= Math.min(width - 1, Math.ceil(cx + radius)); x++) {
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) mask.data[y * width + x] = 255;
      }
    }
  };
  for (const lesion of truth.lesions) fill(masks[lesionClassByLabel(lesion.class).idridMask], lesion.x, lesion.y, lesion.radius);
  fill(masks.OD, truth.opticDisc.x, truth.opticDisc.y, truth.opticDisc.radius);
  return masks;
}
