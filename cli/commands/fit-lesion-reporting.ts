import { existsSync } from 'node:fs';
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName, readCsv } from '../../shared/datasets/readCsv.js';
import { invalidArgument, isDrgradeError } from '../../shared/errors.js';
import { photographWithCamera } from '../../shared/cameras/photographWithCamera.js';
import { fitLesionReporting, type ReportingSample } from '../../shared/lesionEval/fitLesionReporting.js';
import { defaultLesionModelDir } from '../../shared/lesions/defaultLesionModel.js';
import { pickLesionModels } from '../../shared/lesionEval/pickLesionModels.js';
import { defaultLandmarkModel, LandmarkModel } from '../../shared/landmarks/LandmarkModel.js';
import { landmarkModelCliOptions, pickLandmarkModels } from '../../shared/landmarks/pickLandmarkModels.js';
import { LesionModel } from '../../shared/lesions/LesionModel.js';
import { parseCli } from '../args.js';
import { labelledCameraSubject, selectTransforms } from './eval-cameras.js';

/** One line for the help text. */
export const summary = 'fit-lesion-reporting --images <dir> --labels <csv> [--model <dir>] [--cv <dir> --aliases <json>] [--cache <jsonl>] [--camera <transform> (cache only)] [--landmark-cv <dir> | --landmark-model <dir> | --no-landmark-model] [--write] --json: reporting thresholds (healthy retinas show almost nothing) and the DME exudate threshold, with out-of-fold figures';

/**
 * `drgrade fit-lesion-reporting`: analyses every labelled photograph (whole retina, every candidate) with a lesion
 * model, fits the thresholds of `reporting.json` (shared/lesionEval/fitLesionReporting.ts) and prints them with their
 * out-of-fold figures; `--write` stores them in `<model>/reporting.json`, the file the analysis reads. Duplicate
 * photographs (`duplicate_of`) are dropped. `--cache` keeps each photograph's candidates (JSON lines, keyed by the
 * model's sha256 and its ranker's), so a re-fit does not re-analyse. With `--cv <dir>` (the lesion recipe's fold models) and
 * `--aliases <json>` ({ "<stem here>": "<stem in the segmentation set>" }: the same photograph in both IDRiD
 * splits), a photograph the lesion model was trained on is analysed by the fold model that held it out, so no
 * figure downstream (DME, the lesion-based grade) is in-sample for the lesion model. `--camera <transform>` analyses
 * each photograph as that camera transform would have made it and only fills the cache (for `fit-lesion-grading
 * --compressed`); with it `--write` is refused.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, labels: { type: 'string' }, model: { type: 'string' }, cache: { type: 'string' }, cv: { type: 'string' }, aliases: { type: 'string' },
    limit: { type: 'string' }, camera: { type: 'string' }, write: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
    ...landmarkModelCliOptions,
  }, false);
  if (values.help || !values.images || !values.labels) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  // --camera: each photograph as that camera transform (shared/cameras) would have made it, for a cache that
  // `fit-lesion-grading --compressed` reads; the thresholds are fitted on photographs as they are, so no --write.
  const camera = values.camera === undefined ? null : selectTransforms(values.camera);
  if (camera && camera.length !== 1) throw invalidArgument('--camera', 'one camera transform name', values.camera);
  if (camera && values.write) throw invalidArgument('--write', 'no --write with --camera (the thresholds are fitted on the photographs as they are; --camera writes a --cache for fit-lesion-grading --compressed)', '--write');
  const transform = camera?.[0] ?? null;
  const modelDir = values.model ?? defaultLesionModelDir();
  const model = await LesionModel.load(modelDir);
  const aliases = values.aliases ? new Map(Object.entries(JSON.parse(await readFile(values.aliases, 'utf8')) as Record<string, string>)) : new Map<string, string>();
  const picker = values.cv ? await pickLesionModels({ cv: values.cv }, { aliases, otherwise: model }) : null;
  const modelFor = (stem: string): LesionModel => { const p = picker?.pick(stem); return p instanceof LesionModel ? p : model; };
  // The disc and fovea decide DME and which candidates lie in the disc: the cache key carries the landmark model too.
  const landmarks = await pickLandmarkModels(values);
  const shippedLandmarks = await defaultLandmarkModel();
  const landmarkModelFor = (stem: string): LandmarkModel | null => { const p = landmarks.pick(stem); return p === 'skip' ? null : p === undefined ? shippedLandmarks : p; };
  const identity = (stem: string) => `${modelFor(stem).scoringIdentity}+landmarks:${landmarkModelFor(stem)?.manifest.sha256 ?? 'classical'}${transform ? `+camera:${transform.name}` : ''}`;
  const rows = readCsv(await readFile(values.labels, 'utf8')).filter((r) => !r.duplicate_of);
  const byStem = new Map(rows.map((r) => [fileStem(r.image ?? ''), r]));
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f) && byStem.has(fileStem(f))).sort().slice(0, values.limit ? Number(values.limit) : undefined);
  const cached = new Map<string, ReportingSample>();
  if (values.cache && existsSync(values.cache)) {
    for (const line of (await readFile(values.cache, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      const entry = JSON.parse(line) as { sha256: string; stem: string; sample: ReportingSample };
      if (entry.sha256 === identity(entry.stem)) cached.set(entry.stem, entry.sample);
    }
  }
  const samples: ReportingSample[] = [];
  let failed = 0;
  const started = performance.now();
  for (const [i, f] of files.entries()) {
    const stem = fileStem(f);
    const label = byStem.get(stem)!;
    let sample = cached.get(stem);
    if (!sample) {
      try {
        const bytes = await readFile(join(values.images, f));
        const subject = transform ? await labelledCameraSubject(bytes, label) : null;
        if (transform && !subject) { failed++; continue; }
        const photo = transform ? (await photographWithCamera(subject!, transform)).bytes : bytes;
        const a = await analyzeFundus(photo, { maculaDiscDiameters: null, reportMinScore: 0, skipAnnotatedImage: true, lesionModel: modelFor(stem), landmarkModel: landmarkModelFor(stem) });
        if (!a.quality.gradable || !a.lesionSummary) { failed++; continue; }
        const disc = a.landmarks.opticDisc;
        sample = {
          summary: a.lesionSummary,
          group: stem, grade: Number(label.dr_grade_icdr), dmeLabel: label.dme_risk === undefined || label.dme_risk === '' ? null : Number(label.dme_risk),
          fovea: a.landmarks.fovea ? { x: a.landmarks.fovea.x, y: a.landmarks.fovea.y } : null, discDiameter: disc ? 2 * disc.radius : null,
          candidates: a.lesions.map((l) => ({ kind: l.kind, class: l.class, x: l.x, y: l.y, radius: l.radius, score: l.score })),
        };
        if (values.cache) await appendFile(values.cache, `${JSON.stringify({ sha256: identity(stem), stem, sample })}\n`);
      } catch (error) {
        if (!isDrgradeError(error)) throw error;
        failed++;
        continue;
      }
    }
    samples.push(sample);
    process.stderr.write(`\ranalysed ${i + 1}/${files.length}`);
  }
  process.stderr.write('\n');
  const fit = fitLesionReporting(samples);
  const reporting = {
    minScore: fit.minScore,
    dmeExudateMinScore: fit.dmeExudateMinScore,
    fit: {
      command: `drgrade fit-lesion-reporting --images <IDRiD grading-train> --labels <labels.csv>${values.cv ? ' --cv <fold models> --aliases <match-splits output>' : ''}${transform ? ` --camera ${transform.name} --cache <file>` : ' --write'}`,
      model: { name: model.manifest.name, version: model.manifest.version, sha256: model.manifest.sha256, rankerSha256: model.rankerSha256 },
      landmarkModel: landmarks.describe, photographs: samples.length, notGradable: failed, goalMargin: 0.7, heldOutByFoldModels: picker ? [...byStem.keys()].filter((st) => modelFor(st) !== model).length : 0, healthyGoal: { dark: 2, bright: 1 }, outOfFold: fit.outOfFold, folds: fit.folds,
    },
  };
  if (values.write) await writeFile(join(modelDir, 'reporting.json'), `${JSON.stringify(reporting, null, 2)}\n`);
  const out = { ...reporting, secondsTotal: Math.round((performance.now() - started) / 100) / 10 };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

