import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { cameraTransforms, type CameraTransform } from '../../shared/cameras/cameraTransforms.js';
import { photographWithCamera } from '../../shared/cameras/photographWithCamera.js';
import { decodeImage } from '../../shared/image/decodeImage.js';
import { invalidArgument } from '../../shared/errors.js';
import { fileStem, isImageFileName } from '../../shared/datasets/readCsv.js';
import { froc, type ScoredCandidate } from '../../shared/lesionEval/froc.js';
import { candidateHits, loadLesionTruth } from '../../shared/lesionEval/lesionTruth.js';
import { lesionClasses } from '../../shared/lesions/lesionClasses.js';
import { lesionMapToSource } from '../../shared/lesions/lesionMapToSource.js';
import { pickLesionModels } from '../../shared/lesionEval/pickLesionModels.js';
import { PixelPrecisionRecall } from '../../shared/lesionEval/pixelPrecisionRecall.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'eval-lesions --images <dir> --masks <dir> [--cv <dir> | --lesion-model <dir> | --no-lesion-model] [--no-ranker] [--lesion-scale <s>] [--camera <name>] --json: FROC of dark (red, MA) and bright (EX) candidates, pixel AUPR per class';

/**
 * The camera transforms that keep a photograph's geometry (colour, pigmentation, gamma, JPEG quality), so that the
 * masks still lie on their lesions: `eval-lesions --camera` takes one of these.
 */
export const maskPreservingCameras: readonly CameraTransform[] = cameraTransforms.filter((t) => {
  const probe = { width: 4, height: 4, data: new Uint8Array(48).fill(100) };
  const v = t.apply({ image: probe, fov: { cx: 2, cy: 2, radius: 2 }, disc: { x: 1, y: 2 }, fovea: { x: 3, y: 2 } });
  const p = v.mapPoint({ x: 1.5, y: 3 });
  return v.scale === 1 && v.image.width === 4 && v.image.height === 4 && p.x === 1.5 && p.y === 3;
});

/** `drgrade eval-lesions`: prints one JSON object. With `--camera <name>` every photograph is first made as that camera would have made it (shared/cameras; JPEG at its quality), the masks unchanged. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, masks: { type: 'string' }, json: { type: 'boolean', default: false },
    limit: { type: 'string' }, 'retina-diameter': { type: 'string' }, help: { type: 'boolean', default: false },
    cv: { type: 'string' }, spacing: { type: 'string' }, 'no-ranker': { type: 'boolean', default: false }, 'lesion-scale': { type: 'string' }, 'lesion-model': { type: 'string' }, 'no-lesion-model': { type: 'boolean', default: false },
    camera: { type: 'string' },
  }, false);
  if (values.help || !values.images || !values.masks) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const camera = values.camera === undefined ? null : maskPreservingCameras.find((t) => t.name === values.camera);
  if (camera === undefined) throw invalidArgument('--camera', `one of ${maskPreservingCameras.map((t) => t.name).join(', ')} (transforms that keep the masks in place)`, values.camera);
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
    const original = await readFile(join(values.images, f));
    const photo = camera ? (await photographWithCamera(await colourSubject(original), camera)).bytes : original;
    const analysis = await analyzeFundus(photo, {
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
  const out = { images, lesionModel: models.describe, camera: camera ? camera.name : 'none', classes, secondsTotal: Math.round((performance.now() - started) / 100) / 10 };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

/** The decoded photograph as a camera subject; colour transforms read only its pixels (the circle and landmarks are placeholders). */
async function colourSubject(bytes: Uint8Array) {
  const { image } = await decodeImage(bytes);
  const c = { x: image.width / 2, y: image.height / 2 };
  return { image, fov: { cx: c.x, cy: c.y, radius: Math.min(c.x, c.y) }, disc: c, fovea: c };
}
