import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName, readCsv } from '../../shared/datasets/readCsv.js';
import { encodePng } from '../../shared/image/encodeImage.js';
import { landmarkTruthOf } from '../../shared/landmarks/LandmarkErrorTally.js';
import { landmarkInputPx, landmarkModelInput } from '../../shared/landmarks/landmarkModelInput.js';
import { parseCli } from '../args.js';
import { idridDiscRadiusOfWidth } from './eval-landmarks.js';

/** One line for the help text. */
export const summary = 'prepare-landmarks --images <dir> --labels <csv> --out <dir> [--limit n]: landmark-model inputs (256 px) and expert disc/fovea positions in that geometry, for the landmark recipe';

/**
 * `drgrade prepare-landmarks`: for each labelled photograph (rows with `duplicate_of` skipped), the image the landmark
 * model reads (`<stem>.png`, {@link landmarkModelInput}) and one line of `landmarks.jsonl`: the expert disc and fovea
 * in those pixels, IDRiD's disc radius there (the "within one disc radius" criterion), the FOV radius, and the
 * classical detector's disc and fovea (the baseline the recipe reports against; `--no-classical` skips it and
 * runs the analysis without a landmark model). Photographs whose field of view is not found are listed in `skipped.json`.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, labels: { type: 'string' }, out: { type: 'string' }, limit: { type: 'string' },
    help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.images || !values.labels || !values.out) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const rows = readCsv(await readFile(values.labels, 'utf8')).filter((r) => !r.duplicate_of);
  const byStem = new Map(rows.map((r) => [fileStem(r.image ?? ''), r]));
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f) && byStem.has(fileStem(f))).sort().slice(0, values.limit ? Number(values.limit) : undefined);
  await mkdir(values.out, { recursive: true });
  const lines: string[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    const stem = fileStem(f);
    const a = await analyzeFundus(await readFile(join(values.images, f)), { skipLesions: true, skipAnnotatedImage: true, landmarkModel: null });
    const { transform, fov } = a;
    if (!transform || !fov) { skipped.push(stem); continue; }
    const k = landmarkInputPx / transform.normalisedWidth;
    const at = (p: { x: number; y: number } | null) => (p ? { x: round2(((p.x - transform.offsetX) / transform.scale) * k), y: round2(((p.y - transform.offsetY) / transform.scale) * k) } : null);
    const truth = landmarkTruthOf(byStem.get(stem)!, stem, idridDiscRadiusOfWidth * a.source.width);
    await writeFile(join(values.out, `${stem}.png`), await encodePng(await landmarkModelInput(a.images.original)));
    lines.push(JSON.stringify({
      stem, side: landmarkInputPx,
      disc: at(truth.disc), fovea: at(truth.fovea),
      discRadius: round2((truth.discRadiusPx / transform.scale) * k),
      fovRadius: round2((fov.radius / transform.scale) * k),
      classical: { disc: at(a.landmarks.opticDisc), fovea: at(a.landmarks.fovea) },
    }));
    process.stderr.write(`\rprepared ${lines.length}/${files.length}`);
  }
  await writeFile(join(values.out, 'landmarks.jsonl'), `${lines.join('\n')}\n`);
  await writeFile(join(values.out, 'skipped.json'), `${JSON.stringify(skipped)}\n`);
  process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify({ written: lines.length, skipped: skipped.length })}\n`);
  return 0;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
