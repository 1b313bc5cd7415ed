import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName, readCsv } from '../../shared/datasets/readCsv.js';
import { isDrgradeError } from '../../shared/errors.js';
import { fitLandmarkPriors, landmarkPriorsOf, type LandmarkPriorSample } from '../../shared/landmarks/fitLandmarkPriors.js';
import { LandmarkErrorTally, landmarkTruthOf } from '../../shared/landmarks/LandmarkErrorTally.js';
import { landmarkModelCliOptions, pickLandmarkModels } from '../../shared/landmarks/pickLandmarkModels.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'eval-landmarks --images <dir> --labels <csv> [--disc-radius px] [--limit n] [--landmark-cv <dir> | --landmark-model <dir> | --no-landmark-model] [--fit-priors [--write <file>] [--dataset <words>]] --json: optic disc and fovea errors (and the landmark priors fitted on the labels; --write writes them as models/landmarks/priors.json is written)';

/** IDRiD's disc radius as a fraction of the photograph's width (520 / 2 / 4288), the default success radius. */
export const idridDiscRadiusOfWidth = 0.0606;

/** `drgrade eval-landmarks`: prints one JSON object. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, labels: { type: 'string' }, 'disc-radius': { type: 'string' },
    json: { type: 'boolean', default: false }, limit: { type: 'string' }, help: { type: 'boolean', default: false },
    'fit-priors': { type: 'boolean', default: false }, write: { type: 'string' }, dataset: { type: 'string' },
    ...landmarkModelCliOptions,
  }, false);
  if (values.write && !values['fit-priors']) { process.stderr.write('drgrade eval-landmarks: --write needs --fit-priors\n'); return 1; }
  if (values.help || !values.images || !values.labels) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const rows = readCsv(await readFile(values.labels, 'utf8'));
  const byStem = new Map(rows.map((r) => [fileStem(r.image ?? ''), r]));
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f) && byStem.has(fileStem(f))).sort();
  const limit = values.limit ? Number(values.limit) : Infinity;
  const tally = new LandmarkErrorTally();
  const priorSamples: LandmarkPriorSample[] = [];
  const models = await pickLandmarkModels(values);
  const started = performance.now();
  for (const f of files.slice(0, limit)) {
    const label = byStem.get(fileStem(f))!;
    const landmarkModel = models.pick(fileStem(f));
    if (landmarkModel === 'skip') continue;
    try {
      const a = await analyzeFundus(await readFile(join(values.images, f)), { skipLesions: true, skipAnnotatedImage: true, ...(landmarkModel !== undefined ? { landmarkModel } : {}) });
      const discRadius = values['disc-radius'] ? Number(values['disc-radius']) : idridDiscRadiusOfWidth * a.source.width;
      const truth = landmarkTruthOf(label, fileStem(f), discRadius);
      tally.add(a, truth);
      const found = a.landmarks.opticDisc;
      if (a.fov) priorSamples.push({ disc: truth.disc, fovea: truth.fovea, fov: a.fov, detected: { disc: found ? { x: found.x, y: found.y } : null, discRadiusPx: discRadius } });
    } catch (error) {
      if (!isDrgradeError(error) || error.code === 'INVALID_ARGUMENT') throw error;
      tally.addFailure(landmarkTruthOf(label, fileStem(f), 0));
    }
  }
  const priors = values['fit-priors'] ? fitLandmarkPriors(priorSamples) : undefined;
  if (priors && values.write) {
    const file = landmarkPriorsOf(priors, {
      command: 'drgrade eval-landmarks --images <dir> --labels <csv> --fit-priors --write <file>',
      dataset: values.dataset ?? `${priorSamples.length} labelled photographs (expert disc and fovea centres; the fovea measured from the found disc where within one disc radius)`,
    });
    await mkdir(dirname(values.write), { recursive: true });
    await writeFile(values.write, `${JSON.stringify(file, null, 2)}\n`);
  }
  const out = { ...tally.summary(), landmarkModel: models.describe, ...(priors ? { priors } : {}), secondsTotal: Math.round(performance.now() - started) / 1000 };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
