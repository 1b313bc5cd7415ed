import { join } from 'node:path';
import { packageModelsDir } from '../model/packageModelsDir.js';

/** Absolute path of the shipped default grading model folder, `models/default` at the package root (may not exist). */
export function defaultModelDir(): string {
  return join(packageModelsDir(), 'default');
}
