import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DrgradeError } from '../errors.js';
import { LandmarkModel } from './LandmarkModel.js';

/** Which landmark model analyses a photograph: a model, `null` (the classical search alone), `undefined` (the shipped one) or 'skip'. */
export interface LandmarkModelPick {
  pick(stem: string): LandmarkModel | null | undefined | 'skip';
  /** One line for reports. */
  readonly describe: string;
}

/** The command-line options of {@link pickLandmarkModels}. */
export const landmarkModelCliOptions = {
  'landmark-cv': { type: 'string' }, 'landmark-model': { type: 'string' }, 'no-landmark-model': { type: 'boolean', default: false },
} as const;

/**
 * Which landmark model finds the disc and fovea of which photograph: with `--landmark-cv <dir>`, the fold model
 * (`<dir>/fold-*\/`, written by `train-landmarks`) whose manifest lists the photograph as held out (photographs no
 * fold holds out are skipped: no figure is in-sample); with `--landmark-model <dir>`, that model; with
 * `--no-landmark-model`, the classical search alone; otherwise the shipped model.
 */
export async function pickLandmarkModels(values: { 'landmark-cv'?: string | undefined; 'landmark-model'?: string | undefined; 'no-landmark-model'?: boolean | undefined }): Promise<LandmarkModelPick> {
  const given = [values['landmark-cv'], values['landmark-model'], values['no-landmark-model'] || undefined].filter((v) => v !== undefined);
  if (given.length > 1) throw new DrgradeError('INVALID_ARGUMENT', 'Expected at most one of --landmark-cv, --landmark-model and --no-landmark-model but received several');
  if (values['no-landmark-model']) return { pick: () => null, describe: 'none (classical search)' };
  if (values['landmark-model']) {
    const model = await LandmarkModel.load(values['landmark-model']);
    return { pick: () => model, describe: `${model.manifest.name} ${model.manifest.version}` };
  }
  const cv = values['landmark-cv'];
  if (cv) {
    const byStem = new Map<string, LandmarkModel>();
    const folds = (await readdir(cv)).filter((d) => d.startsWith('fold-')).sort();
    if (folds.length === 0) throw new DrgradeError('INVALID_ARGUMENT', `Expected fold-*/ model folders in --landmark-cv ${cv} but received none`);
    for (const d of folds) {
      const model = await LandmarkModel.load(join(cv, d));
      const heldOut = model.manifest.training.heldOut;
      if (!Array.isArray(heldOut)) throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected training.heldOut in ${join(cv, d, 'model.json')}`);
      for (const stem of heldOut) byStem.set(String(stem), model);
    }
    return { pick: (stem) => byStem.get(stem) ?? 'skip', describe: `cross-validation: ${folds.length} fold models, each finding only its held-out photographs` };
  }
  return { pick: () => undefined, describe: 'shipped (models/landmarks)' };
}
