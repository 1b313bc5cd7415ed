import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName } from '../../shared/datasets/readCsv.js';
import { decodeMask } from '../../shared/image/decodeImage.js';
import { encodeGrey, encodePng } from '../../shared/image/encodeImage.js';
import { lesionClasses } from '../../shared/lesions/lesionClasses.js';
import { maskToNormalised } from '../../shared/lesionEval/maskToNormalised.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'prepare-lesions --images <dir> --masks <dir> --out <dir>: enhanced images and lesion masks in normalised geometry, for the lesion-model recipe';

/**
 * `drgrade prepare-lesions`: for each photograph with masks, the enhanced normalised image the lesion model reads
 * (`<stem>.enhanced.png`, the same pixels as at serving time), each class's mask resampled into that geometry as
 * coverage 0–255 (`<stem>.<CODE>.png`) and `<stem>.json` (FOV circle in normalised pixels, transform). Images whose
 * field of view is not found are listed in `skipped.json`.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, masks: { type: 'string' }, out: { type: 'string' }, limit: { type: 'string' },
    help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.images || !values.masks || !values.out) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  await mkdir(values.out, { recursive: true });
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f)).sort().slice(0, values.limit ? Number(values.limit) : undefined);
  const skipped: string[] = [];
  let written = 0;
  for (const f of files) {
    const stem = fileStem(f);
    const analysis = await analyzeFundus(await readFile(join(values.images, f)), { skipLesions: true, skipAnnotatedImage: true });
    const { transform, fov } = analysis;
    if (!transform || !fov || !analysis.images.enhanced) { skipped.push(stem); continue; }
    const side = transform.normalisedWidth;
    await writeFile(join(values.out, `${stem}.enhanced.png`), await encodePng(analysis.images.enhanced));
    for (const cls of lesionClasses) {
      const p = ['png', 'tif', 'tiff'].map((e) => join(values.masks!, cls.idridMask, `${stem}_${cls.idridMask}.${e}`)).find((q) => existsSync(q));
      const coverage = p ? maskToNormalised(await decodeMask(await readFile(p)), transform) : new Uint8Array(side * side);
      await writeFile(join(values.out, `${stem}.${cls.code}.png`), await encodeGrey({ width: side, height: side, data: coverage }));
    }
    const circle = { cx: (fov.cx - transform.offsetX) / transform.scale, cy: (fov.cy - transform.offsetY) / transform.scale, radius: fov.radius / transform.scale };
    await writeFile(join(values.out, `${stem}.json`), `${JSON.stringify({ stem, side, circle, transform, source: analysis.source })}\n`);
    written++;
    process.stderr.write(`\rprepared ${written}/${files.length}`);
  }
  await writeFile(join(values.out, 'skipped.json'), `${JSON.stringify(skipped)}\n`);
  process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify({ written, skipped: skipped.length })}\n`);
  return 0;
}
