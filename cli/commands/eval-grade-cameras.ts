import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { photographWithCamera } from '../../shared/cameras/photographWithCamera.js';
import { fileStem, isImageFileName, readCsv } from '../../shared/datasets/readCsv.js';
import { rocAuc } from '../../shared/evaluation/rocAuc.js';
import { fitLesionGrading, stratifiedGroupFolds } from '../../shared/grading/crossValidateLesionGrading.js';
import { gradingSamplesFromCache, readCompressedCaches, readExcluded } from '../../shared/grading/gradingSamplesFromCache.js';
import { referableProbability } from '../../shared/grading/gradeTable.js';
import { lesionGradeFeatureNames, lesionGradeFeatures } from '../../shared/grading/lesionGradeFeatures.js';
import { predictMultinomialLogistic } from '../../shared/grading/multinomialLogistic.js';
import type { LandmarkModel } from '../../shared/landmarks/LandmarkModel.js';
import { landmarkModelCliOptions, pickLandmarkModels } from '../../shared/landmarks/pickLandmarkModels.js';
import { pickLesionModels } from '../../shared/lesionEval/pickLesionModels.js';
import { defaultLesionModelDir } from '../../shared/lesions/defaultLesionModel.js';
import { LesionModel } from '../../shared/lesions/LesionModel.js';
import { intOption, parseCli } from '../args.js';
import { labelledCameraSubject, selectTransforms } from './eval-cameras.js';

/** One line for the help text. */
export const summary = 'eval-grade-cameras --images <dir> --labels <csv> --cache <jsonl> [--compressed <q>=<jsonl>,…] [--exclude <json>] [--cv <dir> --aliases <json>] [--landmark-cv <dir> | --landmark-model <dir> | --no-landmark-model] [--limit n] [--transforms a,b] --json: out-of-fold referable AUC and exudate-presence AUC of the lesion-based grade under other cameras';

/**
 * `drgrade eval-grade-cameras`: the lesion-based grade under the camera transforms of shared/cameras. The grade's
 * five fold models are refitted from the cache exactly as `fit-lesion-grading` folds them (stratified by grade,
 * same seed); each selected photograph, as it is and as each transform would have made it, is analysed by the
 * lesion model that never saw it (`--cv`/`--aliases`, else the shipped one) and graded by the fold model that never
 * saw it; with `--landmark-cv`, its disc and fovea come from the landmark fold model that never saw it (the shipped
 * landmark model trained on every grading photograph). Prints per transform: ungradable rate, referable AUC, exudate-presence AUC (the highest bright-candidate
 * score against IDRiD's DME risk > 0) and the mean absolute change of P(referable) from the untransformed photograph.
 * `--limit` takes every k-th photograph of the sorted list, so the selection keeps the grade mix.
 * `--compressed` as in `fit-lesion-grading`: a photograph saved in a compressed band is graded by that band's fold
 * model that never saw it (the folds of the main cache);
 * `compressedModelRate` says how many were. `--exclude` leaves out the photographs its JSON object names.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, labels: { type: 'string' }, cache: { type: 'string' }, cv: { type: 'string' }, aliases: { type: 'string' },
    compressed: { type: 'string' }, exclude: { type: 'string' },
    limit: { type: 'string' }, transforms: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    ...landmarkModelCliOptions,
  }, false);
  if (values.help || !values.images || !values.labels || !values.cache) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const transforms = selectTransforms(values.transforms);
  const rows = readCsv(await readFile(values.labels, 'utf8')).filter((r) => !r.duplicate_of);
  const label = new Map(rows.map((r) => [fileStem(r.image ?? ''), r]));
  const excluded = await readExcluded(values.exclude);
  if (typeof excluded === 'string') { process.stderr.write(`${excluded}\n`); return 1; }
  const samples = gradingSamplesFromCache(await readFile(values.cache, 'utf8'), label).filter((s) => !excluded.has(s.id));
  const folds = stratifiedGroupFolds(samples, 5);
  const foldModels = [0, 1, 2, 3, 4].map((f) => fitLesionGrading(samples.filter((s) => folds.get(s.group) !== f), lesionGradeFeatureNames));
  // Each compressed band's fold models on the main folds, so no photograph is graded by a model that saw any copy of it.
  const bands = await readCompressedCaches(values.compressed, label, (s) => folds.has(s.group));
  if (typeof bands === 'string') { process.stderr.write(`${bands}\n`); return 1; }
  const bandModels = bands.map((b) => ({ ...b, models: [0, 1, 2, 3, 4].map((f) => fitLesionGrading(b.samples.filter((s) => folds.get(s.group) !== f), lesionGradeFeatureNames)) }));
  const shipped = await LesionModel.load(defaultLesionModelDir());
  const aliases = values.aliases ? new Map(Object.entries(JSON.parse(await readFile(values.aliases, 'utf8')) as Record<string, string>)) : new Map<string, string>();
  const picker = values.cv ? await pickLesionModels({ cv: values.cv }, { aliases, otherwise: shipped }) : null;
  const modelFor = (stem: string): LesionModel => { const p = picker?.pick(stem); return p instanceof LesionModel ? p : shipped; };
  const landmarks = await pickLandmarkModels(values);
  const landmarkModelFor = (stem: string): { landmarkModel?: LandmarkModel | null } => { const p = landmarks.pick(stem); return p === undefined ? {} : { landmarkModel: p === 'skip' ? null : p }; };
  const known = new Set(samples.map((s) => s.id));
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f) && known.has(fileStem(f))).sort();
  const limit = intOption('limit', values.limit, files.length);
  const step = Math.max(1, Math.floor(files.length / limit));
  const chosen = files.filter((_, i) => i % step === 0).slice(0, limit);
  const names = ['original', ...transforms.map((t) => t.name)];
  const results = new Map(names.map((n) => [n, [] as { stem: string; referable: number | null; exudate: number | null; compressed: boolean }[]]));
  const started = performance.now();
  for (const f of chosen) {
    const stem = fileStem(f);
    const bytes = await readFile(join(values.images, f));
    const grade = async (photo: Uint8Array) => {
      const a = await analyzeFundus(photo, { maculaDiscDiameters: null, reportMinScore: 0, skipAnnotatedImage: true, lesionModel: modelFor(stem), ...landmarkModelFor(stem) });
      if (!a.quality.gradable || !a.lesionSummary) return { stem, referable: null, exudate: null, compressed: false };
      const q = a.quality.metrics.jpegQuality;
      const band = q === undefined ? undefined : bandModels.find((b) => q < b.maxJpegQuality);
      const compressed = band !== undefined;
      const p = predictMultinomialLogistic((band?.models ?? foldModels)[folds.get(stem)!]!, lesionGradeFeatures(a.lesionSummary));
      const bright = a.lesions.filter((l) => l.kind === 'bright').map((l) => l.score);
      return { stem, referable: referableProbability(p), exudate: bright.length ? Math.max(...bright) : 0, compressed };
    };
    results.get('original')!.push(await grade(bytes));
    const subject = await labelledCameraSubject(bytes, label.get(stem)!);
    for (const t of transforms) {
      if (!subject) { results.get(t.name)!.push({ stem, referable: null, exudate: null, compressed: false }); continue; }
      results.get(t.name)!.push(await grade((await photographWithCamera(subject, t)).bytes));
    }
    process.stderr.write(`\rgraded ${results.get('original')!.length}/${chosen.length}`);
  }
  process.stderr.write('\n');
  const original = new Map(results.get('original')!.map((x) => [x.stem, x.referable]));
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const report = names.map((name) => {
    const rs = results.get(name)!;
    const graded = rs.filter((x) => x.referable !== null);
    const ref = graded.map((x) => Number(label.get(x.stem)!.dr_grade_icdr) >= 2);
    const dme = graded.map((x) => Number(label.get(x.stem)!.dme_risk) > 0);
    const shifts = graded.filter((x) => original.get(x.stem) != null).map((x) => Math.abs(x.referable! - original.get(x.stem)!));
    return {
      transform: name, n: rs.length, ungradableRate: round((rs.length - graded.length) / Math.max(1, rs.length)),
      referableAuc: round(rocAuc(graded.map((x) => x.referable!), ref)), exudatePresenceAuc: round(rocAuc(graded.map((x) => x.exudate!), dme)),
      meanAbsReferableShift: round(shifts.reduce((s, v) => s + v, 0) / Math.max(1, shifts.length)),
      compressedModelRate: round(graded.filter((x) => x.compressed).length / Math.max(1, graded.length)),
    };
  });
  const out = { photographs: chosen.length, landmarkModel: landmarks.describe, transforms: report, secondsTotal: Math.round(performance.now() - started) / 1000 };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
