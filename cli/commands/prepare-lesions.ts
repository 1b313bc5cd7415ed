import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName } from '../../shared/datasets/readCsv.js';
import { decodeImage, decodeMask } from '../../shared/image/decodeImage.js';
import { encodeGrey, encodeJpeg, encodePng } from '../../shared/image/encodeImage.js';
import { lesionClasses } from '../../shared/lesions/lesionClasses.js';
import { maskToNormalised } from '../../shared/lesionEval/maskToNormalised.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'prepare-lesions --images <dir> --masks <dir> --out <dir> [--jpeg q,…]: enhanced images and lesion masks in normalised geometry, for the lesion-model recipe';

/**
 * `drgrade prepare-lesions`: for each photograph with masks, the enhanced normalised image the lesion model reads
 * (`<stem>.enhanced.png`, the same pixels as at serving time), each class's mask resampled into that geometry as
 * coverage 0–255 (`<stem>.<CODE>.png`) and `<stem>.json` (FOV circle in normalised pixels, transform). Images whose
 * field of view is not found are listed in `skipped.json`.
 *
 * `--jpeg 40,70` also writes each photograph as a camera would have compressed it: the decoded photograph
 * re-encoded as JPEG at each quality (4:2:0), analysed again, and written as its own entry `<stem>@q<Q>` (enhanced
 * image, masks mapped by that entry's own transform, `variantOf` and `jpegQuality` in its JSON). The recipe keeps a
 * photograph and its variants in the same fold. Why: JPEG blocks of the photograph, shrunk to the 1024 px retina and
 * amplified by the enhancement, look like microaneurysms; P(referable) moved by 0.33 under `jpeg-50`
 * (docs/lesion-grading.md) although the recipe already compresses enhanced patches.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, masks: { type: 'string' }, out: { type: 'string' }, limit: { type: 'string' },
    jpeg: { type: 'string' }, help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.images || !values.masks || !values.out) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const qualities = parseQualities(values.jpeg);
  await mkdir(values.out, { recursive: true });
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f)).sort().slice(0, values.limit ? Number(values.limit) : undefined);
  const skipped: string[] = [];
  let written = 0;
  for (const f of files) {
    const stem = fileStem(f);
    const bytes = await readFile(join(values.images, f));
    const masks = new Map<string, { width: number; height: number; data: Uint8Array }>();
    for (const cls of lesionClasses) {
      const p = ['png', 'tif', 'tiff'].map((e) => join(values.masks!, cls.idridMask, `${stem}_${cls.idridMask}.${e}`)).find((q) => existsSync(q));
      if (p) masks.set(cls.code, await decodeMask(await readFile(p)));
    }
    if (!(await prepareOne(values.out, stem, bytes, masks, {}))) { skipped.push(stem); continue; }
    if (qualities.length > 0) {
      const { image } = await decodeImage(bytes);
      for (const q of qualities) {
        const variant = `${stem}@q${q}`;
        if (!(await prepareOne(values.out, variant, await encodeJpeg(image, { quality: q }), masks, { variantOf: stem, jpegQuality: q }))) skipped.push(variant);
      }
    }
    written++;
    process.stderr.write(`\rprepared ${written}/${files.length}`);
  }
  await writeFile(join(values.out, 'skipped.json'), `${JSON.stringify(skipped)}\n`);
  process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify({ written, variants: qualities.length, skipped: skipped.length })}\n`);
  return 0;
}

/** `--jpeg 40,70` → [40, 70]; each an integer quality 1–100; a bad list is an error, not a silent default. */
export function parseQualities(text: string | undefined): number[] {
  if (text === undefined) return [];
  const parts = text.split(',').map((t) => t.trim());
  const out = parts.map(Number);
  if (parts.some((t) => !/^\d+$/.test(t)) || out.some((q) => q < 1 || q > 100)) {
    throw new Error(`Expected --jpeg as comma-separated JPEG qualities 1-100 (e.g. 40,70) but got ${JSON.stringify(text)}`);
  }
  return [...new Set(out)];
}

/** Analyses one photograph's bytes and writes its entry; false when no field of view is found. */
async function prepareOne(out: string, stem: string, bytes: Uint8Array,
  masks: ReadonlyMap<string, { width: number; height: number; data: Uint8Array }>, extra: Record<string, unknown>): Promise<boolean> {
  const analysis = await analyzeFundus(bytes, { skipLesions: true, skipAnnotatedImage: true });
  const { transform, fov } = analysis;
  if (!transform || !fov || !analysis.images.enhanced) return false;
  const side = transform.normalisedWidth;
  await writeFile(join(out, `${stem}.enhanced.png`), await encodePng(analysis.images.enhanced));
  for (const cls of lesionClasses) {
    const mask = masks.get(cls.code);
    const coverage = mask ? maskToNormalised(mask, transform) : new Uint8Array(side * side);
    await writeFile(join(out, `${stem}.${cls.code}.png`), await encodeGrey({ width: side, height: side, data: coverage }));
  }
  const circle = { cx: (fov.cx - transform.offsetX) / transform.scale, cy: (fov.cy - transform.offsetY) / transform.scale, radius: fov.radius / transform.scale };
  await writeFile(join(out, `${stem}.json`), `${JSON.stringify({ stem, side, circle, transform, source: analysis.source, ...extra })}\n`);
  return true;
}
