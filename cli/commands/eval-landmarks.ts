import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName, readCsv } from '../../shared/datasets/readCsv.js';
import { isDrgradeError } from '../../shared/errors.js';
import { fitLandmarkPriors, type LandmarkPriorSample } from '../../shared/landmarks/fitLandmarkPriors.js';
import { LandmarkErrorTally, landmarkTruthOf } from '../../shared/landmarks/LandmarkErrorTally.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'eval-landmarks --images <dir> --labels <csv> [--disc-radius px] [--limit n] [--fit-priors] --json: optic disc and fovea errors (and the landmark priors re-fitted on the labels)';

/** IDRiD's disc radius as a fraction of the photograph's width (520 / 2 / 4288), the default success radius. */
export const idridDiscRadiusOfWidth = 0.0606;

/** `drgrade eval-landmarks`: prints one JSON object. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, labels: { type: 'string' }, 'disc-radius': { type: 'string' },
    json: { type: 'boolean', default: false }, limit: { type: 'string' }, help: { type: 'boolean', default: false },
    'fit-priors': { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.images || !values.labels) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const rows = readCsv(await readFile(values.labels, 'utf8'));
  const byStem = new Map(rows.map((r) => [fileStem(r.image ?? ''), r]));
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f) && byStem.has(fileStem(f))).sort();
  const limit = values.limit ? Number(values.limit) : Infinity;
  const tally = new LandmarkErrorTally();
  const priorSamples: LandmarkPriorSample[] = [];
  const started = performance.now();
  for (const f of files.slice(0, limit)) {
    const label = byStem.get(fileStem(f))!;
    try {
      const a = await analyzeFundus(await readFile(join(values.images, f)), { skipLesions: true, skipAnnotatedImage: true });
      const discRadius = values['disc-radius'] ? Number(values['disc-radius']) : idridDiscRadiusOfWidth * a.source.width;
      const truth = landmarkTruthOf(label, fileStem(f), discRadius);
      tally.add(a, truth);
      if (a.fov) priorSamples.push({ disc: truth.disc, fovea: truth.fovea, fov: a.fov });
    } catch (error) {
      if (!isDrgradeError(error) || error.code === 'INVALID_ARGUMENT') throw error;
      tally.addFailure(landmarkTruthOf(label, fileStem(f), 0));
    }
  }
  const out = { ...tally.summary(), ...(values['fit-priors'] ? { priors: fitLandmarkPriors(priorSamples) } : {}), secondsTotal: Math.round(performance.now() - started) / 1000 };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
