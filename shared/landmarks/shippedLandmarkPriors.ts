import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DrgradeError } from '../errors.js';
import { packageModelsDir } from '../model/packageModelsDir.js';
import { validateLandmarkPriors, type LandmarkPriors } from './LandmarkPriors.js';

/** Path of the committed landmark priors inside the package (packaged with the Functions app like the models). */
export function shippedLandmarkPriorsPath(): string {
  return join(packageModelsDir(), 'landmarks', 'priors.json');
}

let cached: LandmarkPriors | undefined;

/**
 * The landmark priors the package ships (`models/landmarks/priors.json`, fitted by
 * `drgrade eval-landmarks --fit-priors --write`), read and validated once per process; the one place the landmark
 * code's defaults come from. A missing file is `MODEL_NOT_FOUND`, a malformed one `MODEL_MANIFEST_INVALID`.
 */
export function shippedLandmarkPriors(): LandmarkPriors {
  if (cached) return cached;
  const path = shippedLandmarkPriorsPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DrgradeError('MODEL_NOT_FOUND', `Expected the landmark priors file at models/landmarks/priors.json but received no readable file`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected JSON for models/landmarks/priors.json but received text that does not parse`, { cause });
  }
  cached = validateLandmarkPriors(parsed, 'models/landmarks/priors.json');
  return cached;
}
