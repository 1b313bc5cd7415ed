import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { cameraTransforms, type CameraSubject, type CameraTransform } from '../../shared/cameras/cameraTransforms.js';
import { photographWithCamera } from '../../shared/cameras/photographWithCamera.js';
import { fileStem, isImageFileName, readCsv } from '../../shared/datasets/readCsv.js';
import { invalidArgument, isDrgradeError } from '../../shared/errors.js';
import { findFieldOfView } from '../../shared/fov/findFieldOfView.js';
import { decodeImage } from '../../shared/image/decodeImage.js';
import { LandmarkErrorTally, landmarkTruthOf, type LandmarkErrorSummary, type LandmarkTruth } from '../../shared/landmarks/LandmarkErrorTally.js';
import { landmarkModelCliOptions, pickLandmarkModels, type LandmarkModelPick } from '../../shared/landmarks/pickLandmarkModels.js';
import { intOption, parseCli } from '../args.js';
import { idridDiscRadiusOfWidth } from './eval-landmarks.js';

/** One line for the help text. */
export const summary = 'eval-cameras --images <dir> --labels <csv> [--limit n] [--transforms a,b] [--landmark-cv <dir> | --landmark-model <dir> | --no-landmark-model] --json: quality and landmarks under other cameras\' colour and framing';

/** One row of the report: a transform's landmark figures plus its rates. */
interface CameraRow extends LandmarkErrorSummary {
  readonly transform: string;
  readonly ungradableRate: number;
  readonly notAFundusRate: number;
  /** Quality reasons of the ungradable photographs, with counts. */
  readonly ungradableReasons: Record<string, number>;
}

/**
 * `drgrade eval-cameras`: analyses each labelled photograph as it is and as each camera transform
 * (shared/cameras) would have made it, with the expert disc and fovea positions moved along, and prints per
 * transform the ungradable and not-a-fundus rates and the landmark errors. Rows of the labels whose
 * `duplicate_of` is set are skipped. The success radius is IDRiD's disc radius (0.0606 of the width) scaled with
 * the photograph.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, labels: { type: 'string' }, limit: { type: 'string' }, transforms: { type: 'string' },
    json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    ...landmarkModelCliOptions,
  }, false);
  if (values.help || !values.images || !values.labels) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const transforms = selectTransforms(values.transforms);
  const rows = readCsv(await readFile(values.labels, 'utf8')).filter((r) => !r.duplicate_of);
  const byStem = new Map(rows.map((r) => [fileStem(r.image ?? ''), r]));
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f) && byStem.has(fileStem(f))).sort();
  const limit = intOption('limit', values.limit, files.length);
  const names = ['original', ...transforms.map((t) => t.name)];
  const tallies = new Map(names.map((n) => [n, { tally: new LandmarkErrorTally(), reasons: new Map<string, number>() }]));
  const models = await pickLandmarkModels(values);
  const started = performance.now();
  let images = 0;
  for (const f of files.slice(0, limit)) {
    const stem = fileStem(f);
    const landmarkModel = models.pick(stem);
    if (landmarkModel === 'skip') continue;
    images++;
    const bytes = await readFile(join(values.images, f));
    const { image, info } = await decodeImage(bytes);
    const truth = landmarkTruthOf(byStem.get(stem)!, stem, idridDiscRadiusOfWidth * info.width);
    await analyseInto(tallies.get('original')!, bytes, truth, landmarkModel);
    const fov = await sourceFov(bytes, info.width);
    if (!fov) throw invalidArgument(`the field of view of ${stem}`, 'a circle the transforms can aim by', 'none found');
    for (const t of transforms) {
      const view = await photographWithCamera({ image, fov, disc: truth.disc, fovea: truth.fovea }, t);
      const fovea = view.mapPoint(truth.fovea);
      const moved: LandmarkTruth = {
        disc: view.mapPoint(truth.disc),
        fovea,
        discRadiusPx: truth.discRadiusPx * view.scale,
        foveaInField: Math.hypot(fovea.x - view.fov.cx, fovea.y - view.fov.cy) < view.fov.radius,
      };
      await analyseInto(tallies.get(t.name)!, view.bytes, moved, landmarkModel);
    }
  }
  const report: CameraRow[] = names.map((name) => {
    const { tally, reasons } = tallies.get(name)!;
    const s = tally.summary();
    return { transform: name, ...s, ungradableRate: rate(s.ungradable, s.images), notAFundusRate: rate(s.notAFundus, s.images), ungradableReasons: Object.fromEntries(reasons) };
  });
  const out = { images, landmarkModel: models.describe, transforms: report, secondsTotal: Math.round(performance.now() - started) / 1000 };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : markdownTable(report));
  return 0;
}

async function analyseInto(into: { tally: LandmarkErrorTally; reasons: Map<string, number> }, bytes: Uint8Array, truth: LandmarkTruth, landmarkModel: Exclude<ReturnType<LandmarkModelPick['pick']>, 'skip'>): Promise<void> {
  try {
    const a = await analyzeFundus(bytes, { skipLesions: true, skipAnnotatedImage: true, ...(landmarkModel !== undefined ? { landmarkModel } : {}) });
    into.tally.add(a, truth);
    if (!a.quality.gradable) for (const r of a.quality.reasons) into.reasons.set(r, (into.reasons.get(r) ?? 0) + 1);
  } catch (error) {
    if (!isDrgradeError(error)) throw error;
    into.tally.addFailure(truth);
  }
}

/**
 * What the camera transforms act on for a labelled IDRiD grading photograph (eval-grade-cameras,
 * fit-lesion-reporting --camera): its decoded pixels, the field of view found on them, and the expert disc and fovea
 * of its label row (given at 4288 px width); null without a field of view.
 */
export async function labelledCameraSubject(bytes: Uint8Array, label: Readonly<Record<string, string | undefined>>): Promise<CameraSubject | null> {
  const { image, info } = await decodeImage(bytes);
  const fov = await sourceFov(bytes, info.width);
  if (!fov) return null;
  const scale = info.width / 4288;
  return {
    image, fov,
    disc: { x: Number(label.od_x_original) * scale, y: Number(label.od_y_original) * scale },
    fovea: { x: Number(label.fovea_x_original) * scale, y: Number(label.fovea_y_original) * scale },
  };
}

/** The FOV circle in file pixels (also used by eval-grade-cameras), found as analyzeFundus finds it (on a copy at most 512 px on its larger side). */
export async function sourceFov(bytes: Uint8Array, width: number): Promise<{ cx: number; cy: number; radius: number } | null> {
  const { image } = await decodeImage(bytes, { maxSide: 512, kernel: 'linear' });
  const fit = findFieldOfView(image);
  const k = width / image.width;
  return fit ? { cx: fit.cx * k, cy: fit.cy * k, radius: fit.radius * k } : null;
}

export function selectTransforms(list: string | undefined): readonly CameraTransform[] {
  if (!list) return cameraTransforms;
  return list.split(',').map((name) => {
    const t = cameraTransforms.find((c) => c.name === name.trim());
    if (!t) throw invalidArgument('--transforms', `names among ${cameraTransforms.map((c) => c.name).join(', ')}`, name);
    return t;
  });
}

function rate(count: number, n: number): number {
  return n ? Math.round((count / n) * 1000) / 1000 : 0;
}

function markdownTable(rows: CameraRow[]): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const px = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(1));
  const lines = [
    '| transform | n | ungradable | not a fundus | disc within 1 DR | fovea within 1 DR (n) | disc median px | fovea median px |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.transform} | ${r.images} | ${pct(r.ungradableRate)} | ${pct(r.notAFundusRate)} | ${pct(r.opticDisc.withinDiscRadius)} | ${pct(r.fovea.withinDiscRadius)} (${r.fovea.images}) | ${px(r.opticDisc.medianErrorPx)} | ${px(r.fovea.medianErrorPx)} |`),
  ];
  return `${lines.join('\n')}\n`;
}
