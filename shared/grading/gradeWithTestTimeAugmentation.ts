import { DrgradeError } from '../errors.js';
import type { ModelTensor } from '../model/ModelTensor.js';
import type { Grader } from './Grader.js';
import { dihedralTransforms, dihedralVariants, type DihedralTransform } from './ttaTransforms.js';

/** The name recorded in results for the eight-variant test-time augmentation. */
export const dihedral8 = 'dihedral8';

/** Options of {@link gradeWithTestTimeAugmentation}. */
export interface TestTimeAugmentationOptions {
  /** The variants to average. @default all eight of `dihedralTransforms` */
  readonly transforms?: readonly DihedralTransform[];
  /** Aborts grading. */
  readonly signal?: AbortSignal;
}

/**
 * Grades one model-ready tensor (3 × size × size in the manifest's datatype and layout, as `imageToTensor` makes it) under test-time
 * augmentation: the identity, both flips, the three rotations and both transposes go through the grader in one
 * batch, and their calibrated probabilities are averaged (the mean of probabilities, so it stays a distribution).
 */
export async function gradeWithTestTimeAugmentation(grader: Grader, tensor: ModelTensor, options: TestTimeAugmentationOptions = {}): Promise<number[]> {
  const variants = dihedralVariants(tensor, grader.manifest.preprocessing.size, options.transforms ?? dihedralTransforms, grader.manifest.input.layout);
  const rows = await grader.grade(variants, options.signal ? { signal: options.signal } : {});
  if (rows.length !== variants.length) {
    throw new DrgradeError('INFERENCE_BAD_RESPONSE', `Expected ${variants.length} rows of probabilities from the grader but received ${rows.length}`);
  }
  const width = rows[0]?.length ?? 0;
  const mean = new Array<number>(width).fill(0);
  for (const row of rows) {
    if (row.length !== width) throw new DrgradeError('INFERENCE_BAD_RESPONSE', `Expected ${width} probabilities per row from the grader but received ${row.length}`);
    for (let k = 0; k < width; k++) mean[k] = mean[k]! + row[k]! / rows.length;
  }
  return mean;
}
