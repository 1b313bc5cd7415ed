import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName } from '../../shared/datasets/readCsv.js';
import { decodeMask } from '../../shared/image/decodeImage.js';
import { componentsNear, connectedComponents } from '../../shared/lesionEval/connectedComponents.js';
import { froc, type ScoredCandidate } from '../../shared/lesionEval/froc.js';
import { lesionClasses } from '../../shared/lesions/lesionClasses.js';
import { lesionMapToSource } from '../../shared/lesions/lesionMapToSource.js';
import { pickLesionModels } from '../../shared/lesionEval/pickLesionModels.js';
import { PixelPrecisionRecall } from '../../shared/lesionEval/pixelPrecisionRecall.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'eval-lesions --images <dir> --masks <dir> [--cv <dir> | --lesion-model <dir> | --no-lesion-model] --json: FROC of dark (red, MA) and bright (EX) candidates, pixel AUPR per class';

type Cls = 'MA' | 'HE' | 'EX' | 'SE';

/** `drgrade eval-lesions`: prints one JSON object. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, masks: { type: 'string' }, json: { type: 'boolean', default: false },
    limit: { type: 'string' }, 'retina-diameter': { type: 'string' }, help: { type: 'boolean', default: false },
    cv: { type: 'string' }, spacing: { type: 'string' }, 'lesion-model': { type: 'string' }, 'no-lesion-model': { type: 'boolean', default: false },
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
    const maskPath = (cls: Cls) => ['png', 'tif', 'tiff'].map((e) => join(values.masks!, cls, `${stem}_${cls}.${e}`)).find((p) => existsSync(p));
    const load = async (cls: Cls) => { const p = maskPath(cls); return p ? decodeMask(await readFile(p)) : null; };
    const [ma, he, ex, se] = await Promise.all((['MA', 'HE', 'EX', 'SE'] as const).map(load));
    if (!ma && !he && !ex) continue;
    const lesionModel = models.pick(stem);
    if (lesionModel === 'skip') continue;
    images++;
    const analysis = await analyzeFundus(await readFile(join(values.images, f)), {
      maculaDiscDiameters: null, skipAnnotatedImage: true, reportMinScore: 0, keepLesionMaps: true,
      ...(values.spacing ? { learnedSpacingPx: Number(values.spacing) } : {}),
      ...(lesionModel !== undefined ? { lesionModel } : {}),
      ...(values['retina-diameter'] ? { retinaDiameterPx: Number(values['retina-diameter']) } : {}),
    });
    const width = analysis.source.width, height = analysis.source.height;
    if (analysis.lesionMaps && analysis.transform) {
      const masks: Record<Cls, typeof ma> = { MA: ma, HE: he, EX: ex, SE: se };
      for (const cls of lesionClasses) {
        const truth = masks[cls.idridMask];
        if (truth && truth.width === width && truth.height === height) pixels.add(cls.code, lesionMapToSource(analysis.lesionMaps, cls.code, analysis.transform, width, height), truth.data);
      }
    }
    const tol = (5 * width) / 4288;
    const union = (a: typeof ma, b: typeof ma) => {
      const base = a ?? b;
      if (!base) return null;
      const data = new Uint8Array(base.width * base.height);
      for (let i = 0; i < data.length; i++) data[i] = (a?.data[i] ?? 0) || (b?.data[i] ?? 0) ? 1 : 0;
      return { width: base.width, height: base.height, data };
    };
    const label = (m: typeof ma) => (m ? connectedComponents(m) : null);
    const red = label(union(ma, he)), maL = label(ma), heL = label(he), exL = label(ex), seL = label(se);
    gt.red += red?.count ?? 0; gt.MA += maL?.count ?? 0; gt.EX += exL?.count ?? 0;
    const near = (l: ReturnType<typeof label>, x: number, y: number, r: number) => (l ? componentsNear(l.labels, width, height, x, y, r) : new Set<number>());
    for (const c of analysis.lesions) {
      // A candidate's centre must lie in a component or within the tolerance of it.
      if (c.kind === 'dark') {
        const r = near(red, c.x, c.y, tol);
        cands.red.push({ score: c.score, hits: [...r].map((l) => `${stem}:${l}`), ignored: false });
        const m = near(maL, c.x, c.y, tol);
        const onHe = near(heL, c.x, c.y, tol).size > 0;
        cands.MA.push({ score: c.score, hits: [...m].map((l) => `${stem}:${l}`), ignored: m.size === 0 && onHe });
      } else {
        const e = near(exL, c.x, c.y, tol);
        const onSe = near(seL, c.x, c.y, tol).size > 0;
        cands.EX.push({ score: c.score, hits: [...e].map((l) => `${stem}:${l}`), ignored: e.size === 0 && onSe });
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
