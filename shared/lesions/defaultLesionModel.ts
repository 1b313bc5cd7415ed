import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageModelsDir } from '../model/packageModelsDir.js';
import { LesionModel } from './LesionModel.js';

/** Absolute path of the shipped lesion model folder, `models/lesions` at the package root. */
export function defaultLesionModelDir(): string {
  return join(packageModelsDir(), 'lesions');
}

let shared: Promise<LesionModel | null> | null = null;

/**
 * The shipped lesion model, loaded once per process and shared by every analysis (its session is reused; ONNX
 * Runtime sessions may run concurrently). `null` when the package has no `models/lesions` folder (then the
 * analysis falls back to the FRST scores alone). A folder that exists but fails its checks throws, loudly, on
 * every call: a corrupt shipped model must not silently downgrade the detector.
 */
export function defaultLesionModel(): Promise<LesionModel | null> {
  if (!shared) {
    const dir = defaultLesionModelDir();
    shared = existsSync(join(dir, 'model.json')) ? LesionModel.load(dir) : Promise.resolve(null);
    shared.catch(() => { shared = null; });
  }
  return shared;
}
