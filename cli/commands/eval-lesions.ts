import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName } from '../../shared/datasets/readCsv.js';
import { froc, type ScoredCandidate } from '../../shared/lesionEval/froc.js';
import { candidateHits, loadLesionTruth } from '../../shared/lesionEval/lesionTruth.js';
import { lesionClasses } from '../../shared/lesions/lesionClasses.js';
import { lesionMapToSource } from '../../shared/lesions/lesionMapToSource.js';
import { pickLesionModels } from '../../shared/lesionEval/pickLesionModels.js';
import { PixelPrecisionRecall } from '../../shared/lesionEval/pixelPrecisionRecall.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'eval-lesions --images <dir> --masks <dir> [--cv <dir> | --lesion-model <dir> | --no-lesion-model] [--no-ranker] [--lesion-scale <s>] --json: FROC of dark (red, MA) and bright (EX) candidates, pixel AUPR per class';

/** `drgrade eval-lesions`: prints one JSON object. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, masks: { type: 'string' }, json: { type: 'boolean', default: false },
    limit: { type: 'string' }, 'retina-diameter': { type: 'string' }, help: { type: 'boolean', default: false },
    cv: { type: 'string' }, spacing: { type: 'string' }, 'no-ranker': { type: 'boolean', default: false }, 'lesion-scale': { type: 'string' }, 'lesion-model': { type: 'string' }, 'no-lesion-model': { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.images || !values.masks) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f)).sort();
  const limit = values.limit ? Number(values.limit) : Infinity;
  const cands: Record<'red' | 'MA' | 'EX', ScoredCandidate[]> = { red: [], MA: [], EX: [] };
  const gt: Record<'red' | 'MA' | 'EX', number> = { red: 0, MA: 0, EX: 0 };
  let images = 0;
  const started = performance.now();
  const models = await pickLesionModels(values);
  const pixels = new PixelPrecisionRecall(lesionClasses.map((c) => c.code));
  for (const f of files.slice(0, limit)) {
    const stem = fileStem(f);
    const truth = await loadLesionTruth(values.masks, stem);
    if (!truth) continue;
    const lesionModel = models.pick(stem);
    if (lesionModel === 'skip') continue;
    images++;
    const analysis = await analyzeFundus(await readFile(join(values.images, f)), {
      maculaDiscDiameters: null, skipAnnotatedImage: true, reportMinScore: 0, keepLesionMaps: true,
      ...(values.spacing ? { learnedSpacingPx: Number(values.spacing) } : {}),
      ...(values['no-ranker'] ? { candidateRanker: null } : {}),
      ...(values['lesion-scale'] ? { lesionInputScale: Number(values['lesion-scale']) } : {}),
      ...(lesionModel !== undefined ? { lesionModel } : {}),
      ...(values['retina-diameter'] ? { retinaDiameterPx: Number(values['retina-diameter']) } : {}),
    });
    const width = analysis.source.width, height = analysis.source.height;
    if (analysis.lesionMaps && analysis.transform) {
      for (const cls of lesionClasses) {
        const mask = truth.masks[cls.idridMask];
        if (mask && mask.width === width && mask.height === height) pixels.add(cls.code, lesionMapToSource(analysis.lesionMaps, cls.code, analysis.transform, width, height), mask.data);
      }
    }
    gt.red += truth.components.red?.count ?? 0; gt.MA += truth.components.MA?.count ?? 0; gt.EX += truth.components.EX?.count ?? 0;
    for (const c of analysis.lesions) {
      // A candidate's centre must lie in a component or within the tolerance of it (lesionTruth.ts).
      const hits = candidateHits(truth, c);
      if (c.kind === 'dark') {
        cands.red.push({ score: c.score, hits: hits.red, ignored: false });
        cands.MA.push({ score: c.score, hits: hits.MA, ignored: hits.maIgnored });
      } else {
        cands.EX.push({ score: c.score, hits: hits.EX, ignored: hits.exIgnored });
      }
    }
  }
  const classes: Record<string, unknown> = {};
  for (const c of ['red', 'MA', 'EX'] as const) {
    const r = froc(cands[c], gt[c], images);
    classes[c] = { groundTruth: gt[c], candidates: cands[c].length, frocScore: r.frocScore, sensitivityAt: r.sensitivityAt };
  }
  // Pixel-level area under the precision–recall curve of each class map, as in the IDRiD 2018 challenge.
  for (const cls of lesionClasses) {
    const aupr = pixels.aupr(cls.code);
    if (aupr === null) continue;
    const entry = (classes[cls.code] ?? {}) as Record<string, unknown>;
    classes[cls.code] = { ...entry, aupr: Math.round(aupr * 10000) / 10000, positivePixels: pixels.positives(cls.code) };
  }
  const out = { images, lesionModel: models.describe, classes, secondsTotal: Math.round((performance.now() - started) / 100) / 10 };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
