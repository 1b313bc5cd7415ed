import type { AnalysisResult } from '../analysis/AnalysisResult.js';
import { DrgradeError } from '../errors.js';
import { resizeRgb } from '../image/encodeImage.js';
import type { RgbImage } from '../image/RgbImage.js';
import type { Preprocessing } from './ModelManifest.js';

/**
 * The model-ready image: the analysis image of the manifest's kind (original, enhanced or annotated; all are the
 * FOV-centred normalised square) resized to size × size with the manifest's kernel. Serving (`gradePhotograph`) and
 * training data preparation (`drgrade prepare`) both call this function, so what the model learns from is what it
 * is served, by construction.
 */
export async function prepareModelInput(analysis: AnalysisResult, preprocessing: Pick<Preprocessing, 'imageKind' | 'size' | 'resizeKernel'>): Promise<RgbImage> {
  const source = analysis.images[preprocessing.imageKind];
  if (!source) {
    throw new DrgradeError('INVALID_ARGUMENT', `Expected a ${preprocessing.imageKind} image for model input but the analysis produced none (quality: ${analysis.quality.reasons.join(', ') || 'unknown'})`);
  }
  return resizeRgb(source, preprocessing.size, preprocessing.size, preprocessing.resizeKernel);
}
