import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LesionModel } from '../lesions/LesionModel.js';

/** Which lesion model analyses a photograph: a model, `null` (FRST alone), `undefined` (the shipped one) or 'skip'. */
export interface LesionModelPick {
  pick(stem: string): LesionModel | null | undefined | 'skip';
  /** One line for reports. */
  readonly describe: string;
}

/**
 * Which lesion model scores which photograph: with `--cv <dir>`, the fold model (`<dir>/fold-*\/`) whose manifest
 * lists the photograph as held out (photographs no fold holds out are skipped: no figure is in-sample); with
 * `--lesion-model`, that model; with `--no-lesion-model`, the FRST scores alone; otherwise the shipped model.
 * `aliases` maps a photograph's stem to the stem its fold models know it by (the same photograph in another
 * IDRiD split); with `otherwise`, photographs no fold holds out get that model instead of being skipped.
 */
export async function pickLesionModels(values: { cv?: string | undefined; 'lesion-model'?: string | undefined; 'no-lesion-model'?: boolean | undefined }, options: { aliases?: ReadonlyMap<string, string>; otherwise?: LesionModel } = {}): Promise<LesionModelPick> {
  if (values['no-lesion-model']) return { pick: () => null, describe: 'none (FRST scores)' };
  if (values['lesion-model']) {
    const model = await LesionModel.load(values['lesion-model']);
    return { pick: () => model, describe: `${model.manifest.name} ${model.manifest.version}` };
  }
  if (values.cv) {
    const byStem = new Map<string, LesionModel>();
    const folds = (await readdir(values.cv)).filter((d) => d.startsWith('fold-')).sort();
    for (const d of folds) {
      const model = await LesionModel.load(join(values.cv, d));
      const heldOut = model.manifest.training.heldOut;
      if (!Array.isArray(heldOut)) throw new Error(`Expected training.heldOut in ${join(values.cv, d, 'model.json')}`);
      for (const stem of heldOut) byStem.set(String(stem), model);
    }
    const alias = options.aliases ?? new Map<string, string>();
    const otherwise = options.otherwise;
    return {
      pick: (stem) => byStem.get(alias.get(stem) ?? stem) ?? otherwise ?? 'skip',
      describe: `cross-validation: ${folds.length} fold models, each scoring only its held-out photographs${otherwise ? `; other photographs: ${otherwise.manifest.name} ${otherwise.manifest.version}` : ''}`,
    };
  }
  return { pick: () => undefined, describe: 'shipped (models/lesions)' };
}
