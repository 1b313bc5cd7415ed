import type { RgbImage } from '../image/RgbImage.js';
import { resampleImage } from '../image/resampleImage.js';

/**
 * Side in pixels of the square image the landmark model reads: the normalised image (FOV centred, 2 % margin)
 * resampled as a whole. At 256 px IDRiD's disc (0.152 of the FOV) is about 37 px across and the fovea's dark
 * spot about as wide, while the whole retina fits one small network's receptive field.
 */
export const landmarkInputPx = 256;

/**
 * What the landmark model reads: the normalised RGB image resampled to {@link landmarkInputPx} square (sharp,
 * linear kernel). `drgrade prepare-landmarks` writes exactly these pixels for the training recipe, so the model
 * is trained on what it is served.
 */
export function landmarkModelInput(normalised: RgbImage): Promise<RgbImage> {
  return resampleImage(normalised, { size: { width: landmarkInputPx, height: landmarkInputPx }, kernel: 'linear' });
}
