import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileStem, readCsv } from '../../shared/datasets/readCsv.js';
import { binaryMetrics } from '../../shared/evaluation/binaryMetrics.js';
import { evaluate } from '../../shared/evaluation/evaluate.js';
import { rocAuc } from '../../shared/evaluation/rocAuc.js';
import { chooseOperatingPoints, crossValidateLesionGrading, fitLesionGrading, operatingPointTargets, type GradingSample } from '../../shared/grading/crossValidateLesionGrading.js';
import { gradingSamplesFromCache, readCompressedCaches, readExcluded } from '../../shared/grading/gradingSamplesFromCache.js';
import { decide } from '../../shared/pipeline/gradePhotograph.js';
import { referableProbability } from '../../shared/grading/gradeTable.js';
import { lesionGradeFeatureNames } from '../../shared/grading/lesionGradeFeatures.js';
import { defaultModelDir } from '../../shared/grading/defaultModelDir.js';
import { readModelManifest } from '../../shared/grading/loadModel.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'fit-lesion-grading --cache <jsonl> --labels <csv> [--compressed <q>=<jsonl>,…] [--exclude <json>] [--cnn-results <dir>] [--default-point <name>] [--write <file>] --json: the lesion-based grade, 5-fold cross-validated (stratified, duplicates together, nested operating points)';

/**
 * `drgrade fit-lesion-grading`: reads the per-photograph lesion analyses that `drgrade fit-lesion-reporting --cache`
 * wrote, cross-validates the lesion-based grade (shared/grading/crossValidateLesionGrading.ts) and prints its
 * out-of-fold figures; `--write` stores the model fitted on every photograph, with operating points chosen on its
 * out-of-fold predictions, as the JSON the grader reads. `--cnn-results` (a folder of `<stem>.result.json`) adds
 * the same figures for those results and for the mean of both referable probabilities, on the photographs they share.
 * `--compressed 50=<jsonl>,70=<jsonl>` (caches of `fit-lesion-reporting --camera jpeg-50` and `jpeg-70`: the same
 * photographs recompressed) fits and cross-validates, the same way, one grade per JPEG quality band (bands end
 * midway between the fitted qualities, the last midway to the main photographs' 90); they are written as
 * `compressed` (docs/lesion-grading.md). `--exclude <json>` leaves out the
 * photographs named by the object's keys (the `match-splits` output: photographs the shipped lesion model trained
 * on, when their fold models are not at hand).
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    cache: { type: 'string' }, labels: { type: 'string' }, write: { type: 'string' }, 'cnn-results': { type: 'string' },
    compressed: { type: 'string' }, exclude: { type: 'string' },
    l2: { type: 'string' }, combine: { type: 'string' }, 'export-features': { type: 'string' }, 'default-point': { type: 'string', default: 'sensitivity_0.95' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.cache || !values.labels) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const defaultPoint = values['default-point'];
  if (!operatingPointTargets.some((t) => t.name === defaultPoint)) { process.stderr.write(`INVALID_ARGUMENT: expected one of ${operatingPointTargets.map((t) => t.name).join(', ')} for --default-point but received ${defaultPoint}\n`); return 1; }
  if (values.combine !== undefined && values.combine !== 'lesion' && values.combine !== 'mean') { process.stderr.write(`INVALID_ARGUMENT: expected lesion or mean for --combine but received ${values.combine}\n`); return 1; }
  const rows = readCsv(await readFile(values.labels, 'utf8'));
  const labelOf = new Map(rows.map((r) => [fileStem(r.image ?? ''), r]));
  const excluded = await readExcluded(values.exclude);
  if (typeof excluded === 'string') { process.stderr.write(`${excluded}\n`); return 1; }
  const read = async (path: string) => gradingSamplesFromCache(await readFile(path, 'utf8'), labelOf).filter((s) => !excluded.has(s.id));
  const samples = await read(values.cache);
  const bands = await readCompressedCaches(values.compressed, labelOf, (s) => !excluded.has(s.id));
  if (typeof bands === 'string') { process.stderr.write(`${bands}\n`); return 1; }
  for (const [option, set] of [['--cache', samples] as const, ...bands.map((b) => [`--compressed ${b.fittedJpegQuality}`, b.samples] as const)]) {
    if (set.length < 25) {
      process.stderr.write(`INVALID_ARGUMENT: expected at least 25 labelled photographs with a lesion summary in ${option} (written by drgrade fit-lesion-reporting --cache) but received ${set.length}\n`);
      return 1;
    }
  }
  const l2 = values.l2 ? Number(values.l2) : 0.05;
  const main = crossValidatedFigures(samples, l2, defaultPoint);
  if (values['export-features']) {
    // One row per photograph with its outer fold: what the learning-curve study (python -m drgrade_train learning-curve) reads.
    const header = ['image', 'group', 'grade', 'fold', ...lesionGradeFeatureNames].join(',');
    const lines = samples.map((s, i) => [s.id, s.group, s.grade, main.fold[i], ...s.features.map((v) => Number(v.toFixed(6)))].join(','));
    await writeFile(values['export-features'], `${header}\n${lines.join('\n')}\n`);
  }
  const compressed = bands.map((b) => ({ band: b, fit: crossValidatedFigures(b.samples, l2, defaultPoint) }));
  const out: Record<string, unknown> = {
    ...main.figures, ...(excluded.size ? { excluded: excluded.size } : {}),
    ...(compressed.length ? { compressed: compressed.map((c) => ({ fittedJpegQuality: c.band.fittedJpegQuality, maxJpegQuality: c.band.maxJpegQuality, ...c.fit.figures })) } : {}),
  };
  if (values['cnn-results']) out.comparison = await compareWithResults(values['cnn-results'], samples, main.scores);
  if (values.write) {
    const options = `${compressed.length ? ` --compressed ${compressed.map((c) => `${c.band.fittedJpegQuality}=<fit-lesion-reporting --camera jpeg-${c.band.fittedJpegQuality} cache>`).join(',')}` : ''}${excluded.size ? ' --exclude <match-splits output>' : ''}`;
    await writeFile(values.write, `${JSON.stringify({
      schemaVersion: 1, kind: 'lesion-grading', model: main.model, combine: values.combine ?? 'lesion', cnnSha256: (await readModelManifest(defaultModelDir())).sha256,
      operatingPoints: main.operatingPoints,
      ...(compressed.length ? { compressed: compressed.map((c) => ({ fittedJpegQuality: c.band.fittedJpegQuality, maxJpegQuality: c.band.maxJpegQuality, model: c.fit.model, operatingPoints: c.fit.operatingPoints })) } : {}),
      fit: { command: `drgrade fit-lesion-grading --cache <cache> --labels <IDRiD grading-train labels.csv>${options} --write <file>`, photographs: samples.length, outOfFold: out },
    }, null, 2)}\n`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

/**
 * Out-of-fold figures of the lesion-based grade on `samples` (each photograph decided with its own fold's nested
 * thresholds), and the model and operating points fitted on all of them.
 */
function crossValidatedFigures(samples: readonly GradingSample[], l2: number, defaultPoint: string) {
  const cv = crossValidateLesionGrading(samples, lesionGradeFeatureNames, { l2 });
  const referable = samples.map((s) => s.grade >= 2);
  const scores = cv.probabilities.map((p) => referableProbability(p));
  const cases = samples.map((s, i) => {
    const points = cv.thresholds[cv.fold[i]!]!;
    const grading = decide(cv.probabilities[i]!, { operatingPoints: { default: defaultPoint, referable: points.map((p) => ({ ...p, sensitivity: 0, specificity: 0 })) } });
    return { image: s.id, truthGrade: s.grade, result: { status: 'graded' as const, grading } };
  });
  const report = evaluate(cases);
  // Sensitivity and specificity at each named point, each photograph decided with its own fold's threshold.
  const operatingPoints = cv.thresholds[0]!.map((p, j) => {
    let tp = 0, fn = 0, tn = 0, fp = 0;
    samples.forEach((_, i) => {
      const t = cv.thresholds[cv.fold[i]!]![j]!.threshold;
      const yes = scores[i]! >= t;
      if (referable[i]) { if (yes) tp++; else fn++; } else if (yes) fp++; else tn++;
    });
    return { name: p.name, sensitivity: round(tp / Math.max(1, tp + fn)), specificity: round(tn / Math.max(1, tn + fp)), thresholdsByFold: cv.thresholds.map((f) => round(f[j]!.threshold)) };
  });
  return {
    fold: cv.fold, scores,
    figures: {
      photographs: samples.length, folds: cv.thresholds.length, features: lesionGradeFeatureNames.length, l2,
      referable: { auc: report.referable.auc, aucCi95: report.referable.aucCi95 }, operatingPoints,
      fiveClass: report.fiveClass, tasks: report.tasks,
    },
    model: fitLesionGrading(samples, lesionGradeFeatureNames, { l2 }),
    operatingPoints: { default: defaultPoint, referable: chooseOperatingPoints(scores, referable) },
  };
}

/** Referable AUC and sensitivity/specificity at 0.5 of other results, the lesion grade and their mean, on shared photographs. */
async function compareWithResults(dir: string, samples: readonly GradingSample[], lesionScores: readonly number[]): Promise<Record<string, unknown>> {
  const cnn: number[] = [], lesion: number[] = [], truth: boolean[] = [];
  for (const [i, s] of samples.entries()) {
    const path = join(dir, `${s.id}.result.json`);
    if (!existsSync(path)) continue;
    const result = JSON.parse(await readFile(path, 'utf8')) as { grading?: { referableProbability?: number } | null };
    const p = result.grading?.referableProbability;
    if (typeof p !== 'number') continue;
    cnn.push(p);
    lesion.push(lesionScores[i]!);
    truth.push(s.grade >= 2);
  }
  const mean = cnn.map((c, i) => (c + lesion[i]!) / 2);
  const figures = (s: number[]) => ({ auc: round(rocAuc(s, truth)), atHalf: binaryMetrics(s, truth, 0.5) });
  return { photographs: truth.length, cnn: figures(cnn), lesion: figures(lesion), mean: figures(mean) };
}

function round(v: number): number {
  return Math.round(v * 10000) / 10000;
}
