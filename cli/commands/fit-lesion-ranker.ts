import { existsSync } from 'node:fs';
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName } from '../../shared/datasets/readCsv.js';
import { invalidArgument } from '../../shared/errors.js';
import { fitLogistic } from '../../shared/lesionEval/fitLogistic.js';
import { froc, type ScoredCandidate } from '../../shared/lesionEval/froc.js';
import { candidateHits, loadLesionTruth } from '../../shared/lesionEval/lesionTruth.js';
import { pickLesionModels } from '../../shared/lesionEval/pickLesionModels.js';
import { rankCandidate, type CandidateRanker } from '../../shared/lesions/CandidateRanker.js';
import { candidateFeatureNames } from '../../shared/lesions/candidateFeatures.js';
import { LesionModel } from '../../shared/lesions/LesionModel.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'fit-lesion-ranker --images <dir> --masks <dir> --cv <dir> [--cache <jsonl>] [--write <ranker.json>] [--write-folds] [--l2 <λ>] [--lesion-scale <s>] --json: the candidate ranker (logistic, per kind) on out-of-fold candidates, with nested cross-validated FROC before and after';

/** One candidate of one photograph as the fit reads it. */
interface Row {
  readonly kind: 'dark' | 'bright';
  readonly features: number[];
  readonly mapScore: number;
  readonly red: string[];
  readonly ma: string[];
  readonly maIgnored: boolean;
  readonly ex: string[];
  readonly exIgnored: boolean;
}

/** One photograph: its fold (the fold model that held it out), its candidates and its ground-truth counts. */
interface Photo {
  readonly stem: string;
  readonly fold: string;
  readonly sha256: string;
  /** The scale the lesion model read the image at. */
  readonly scale: number;
  readonly truth: { red: number; MA: number; EX: number };
  readonly rows: Row[];
}

/**
 * `drgrade fit-lesion-ranker`: every IDRiD segmentation photograph is analysed by the lesion fold model that held it
 * out (`--cv`, the recipe's fold models), with map scores and each candidate's features (candidateFeatures.ts).
 * Labels: a dark candidate is positive when it hits a red lesion (MA ∪ HE), a bright one when it hits a hard or soft
 * exudate (the evaluator's rule, lesionTruth.ts). Nested figures: for each fold, the ranker is fitted on the other
 * folds' photographs and scores this fold's, so the FROC printed "after" is out of fold twice (neither the lesion
 * model nor the ranker saw the photograph). `--write-folds` stores each fold's ranker in its fold folder (so
 * `eval-lesions --cv` and `fit-lesion-reporting --cv` read nested rankers); `--write` stores the ranker fitted on
 * every photograph (what ships, beside the final lesion model).
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, masks: { type: 'string' }, cv: { type: 'string' }, cache: { type: 'string' },
    write: { type: 'string' }, 'write-folds': { type: 'boolean', default: false }, l2: { type: 'string' }, 'lesion-scale': { type: 'string' },
    limit: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.images || !values.masks || !values.cv) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const l2 = values.l2 === undefined ? 1 : Number(values.l2);
  if (!Number.isFinite(l2) || l2 < 0) throw invalidArgument('--l2', 'a number >= 0', values.l2);
  const lesionScale = values['lesion-scale'] === undefined ? undefined : Number(values['lesion-scale']);
  const picker = await pickLesionModels({ cv: values.cv });
  const cached = new Map<string, Photo>();
  if (values.cache && existsSync(values.cache)) {
    for (const line of (await readFile(values.cache, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      const photo = JSON.parse(line) as Photo;
      cached.set(photo.stem, photo);
    }
  }
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f)).sort().slice(0, values.limit ? Number(values.limit) : undefined);
  const photos: Photo[] = [];
  const started = performance.now();
  for (const f of files) {
    const stem = fileStem(f);
    const model = picker.pick(stem);
    if (!(model instanceof LesionModel)) continue;
    const fold = basename(model.dir);
    const hit = cached.get(stem);
    const scale = lesionScale ?? model.manifest.preprocessing.inferenceScale ?? 1;
    if (hit && hit.sha256 === model.manifest.sha256 && hit.fold === fold && hit.scale === scale) { photos.push(hit); continue; }
    const truth = await loadLesionTruth(values.masks, stem);
    if (!truth) continue;
    const analysis = await analyzeFundus(await readFile(join(values.images, f)), {
      maculaDiscDiameters: null, skipAnnotatedImage: true, reportMinScore: 0, lesionModel: model, candidateRanker: null, keepCandidateFeatures: true, lesionInputScale: scale,
    });
    const rows: Row[] = [];
    for (const c of analysis.lesions) {
      if (!c.features) continue;
      const h = candidateHits(truth, c);
      rows.push({ kind: c.kind, features: candidateFeatureNames.map((n) => c.features![n]!), mapScore: c.score, red: h.red, ma: h.MA, maIgnored: h.maIgnored, ex: h.EX, exIgnored: h.exIgnored });
    }
    const photo: Photo = { stem, fold, sha256: model.manifest.sha256, scale, truth: { red: truth.components.red?.count ?? 0, MA: truth.components.MA?.count ?? 0, EX: truth.components.EX?.count ?? 0 }, rows };
    photos.push(photo);
    if (values.cache) await appendFile(values.cache, `${JSON.stringify(photo)}\n`);
  }
  if (photos.length === 0) throw new Error(`Expected photographs held out by the fold models in ${values.cv} with masks in ${values.masks} but received none`);
  const folds = [...new Set(photos.map((p) => p.fold))].sort();

  const fitOn = (subset: readonly Photo[]): CandidateRanker => {
    const model = (kind: 'dark' | 'bright') => {
      const rows = subset.flatMap((p) => p.rows.filter((r) => r.kind === kind));
      const label = (r: Row): 0 | 1 => (kind === 'dark' ? r.red.length > 0 : r.ex.length > 0 || r.exIgnored) ? 1 : 0;
      return fitLogistic(rows.map((r) => r.features), rows.map(label), { l2 });
    };
    return { schemaVersion: 1, kind: 'lesion-candidate-ranker', features: [...candidateFeatureNames], dark: model('dark'), bright: model('bright') };
  };
  // Nested: each fold's candidates scored by the ranker of the other folds.
  const rankedScore = new Map<Row, number>();
  const perFold: Record<string, CandidateRanker> = {};
  for (const fold of folds) {
    const ranker = fitOn(photos.filter((p) => p.fold !== fold));
    perFold[fold] = ranker;
    for (const p of photos.filter((q) => q.fold === fold)) for (const r of p.rows) rankedScore.set(r, rankCandidate(ranker, r.kind, r.features));
  }
  const figures = (score: (r: Row) => number) => {
    const sets: Record<'red' | 'MA' | 'EX', ScoredCandidate[]> = { red: [], MA: [], EX: [] };
    for (const p of photos) for (const r of p.rows) {
      if (r.kind === 'dark') {
        sets.red.push({ score: score(r), hits: r.red, ignored: false });
        sets.MA.push({ score: score(r), hits: r.ma, ignored: r.maIgnored });
      } else sets.EX.push({ score: score(r), hits: r.ex, ignored: r.exIgnored });
    }
    const out: Record<string, { frocScore: number; sensitivityAt8: number }> = {};
    for (const k of ['red', 'MA', 'EX'] as const) {
      const r = froc(sets[k], photos.reduce((s, p) => s + p.truth[k], 0), photos.length);
      out[k] = { frocScore: r.frocScore, sensitivityAt8: r.sensitivityAt['8']! };
    }
    return out;
  };
  const before = figures((r) => r.mapScore);
  const after = figures((r) => rankedScore.get(r)!);
  const final = fitOn(photos);
  const fit = {
    recipe: 'drgrade fit-lesion-ranker (cli/commands/fit-lesion-ranker.ts): L2-penalised logistic regression per kind (shared/lesionEval/fitLogistic.ts) on the out-of-fold candidates of the lesion fold models',
    photographs: photos.length,
    folds: folds.length,
    l2,
    candidates: { dark: photos.reduce((s, p) => s + p.rows.filter((r) => r.kind === 'dark').length, 0), bright: photos.reduce((s, p) => s + p.rows.filter((r) => r.kind === 'bright').length, 0) },
    nestedFigures: { mapScores: before, ranked: after },
  };
  if (values.write) await writeFile(values.write, `${JSON.stringify({ ...final, fit }, null, 2)}\n`);
  if (values['write-folds']) {
    for (const fold of folds) await writeFile(join(values.cv, fold, 'ranker.json'), `${JSON.stringify({ ...perFold[fold]!, fit: { ...fit, heldOutFold: fold, note: 'fitted on the other folds only' } }, null, 2)}\n`);
  }
  const out = { ...fit, weights: { dark: Object.fromEntries(candidateFeatureNames.map((n, i) => [n, round(final.dark.weights[i]!)])), bright: Object.fromEntries(candidateFeatureNames.map((n, i) => [n, round(final.bright.weights[i]!)])) }, written: values.write ?? null, secondsTotal: Math.round((performance.now() - started) / 100) / 10 };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
