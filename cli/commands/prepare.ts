import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName } from '../../shared/datasets/readCsv.js';
import { invalidArgument, isDrgradeError } from '../../shared/errors.js';
import { prepareModelInput } from '../../shared/grading/prepareModelInput.js';
import type { ImageKind } from '../../shared/grading/ModelManifest.js';
import { encodePng } from '../../shared/image/encodeImage.js';
import { intOption, parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'prepare --images <dir> --kind original|enhanced|annotated|all --size <px> --out <dir>: model-ready PNGs for training';

const kinds: readonly ImageKind[] = ['original', 'enhanced', 'annotated'];

/**
 * `drgrade prepare`: writes `<out>/<stem>.png` and `<out>/prepared.csv` (stem,file,status,quality) for one kind, or
 * `<out>/<kind>/…` for every kind with `--kind all` (one analysis per photograph).
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, kind: { type: 'string', default: 'annotated' }, size: { type: 'string' },
    out: { type: 'string' }, 'resize-kernel': { type: 'string', default: 'lanczos3' }, limit: { type: 'string' },
    shard: { type: 'string' },
    help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.images || !values.out) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const kind = values.kind!;
  if (kind !== 'all' && !kinds.includes(kind as ImageKind)) throw invalidArgument('--kind', "'original', 'enhanced', 'annotated' or 'all'", kind);
  const size = intOption('size', values.size, 384, 16);
  const kernel = values['resize-kernel'] as 'lanczos3';
  const selected: ImageKind[] = kind === 'all' ? [...kinds] : [kind as ImageKind];
  const dirs = new Map(selected.map((k) => [k, kind === 'all' ? join(values.out!, k) : values.out!]));
  for (const d of dirs.values()) await mkdir(d, { recursive: true });
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f)).sort().slice(0, values.limit ? Number(values.limit) : undefined);
  // `--shard i/n` prepares every n-th photograph starting at i (run shards in parallel processes) and writes
  // prepared.<i>.csv; concatenate them (one header) into prepared.csv afterwards.
  let csvName = 'prepared.csv';
  if (values.shard) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m || Number(m[1]) >= Number(m[2])) throw invalidArgument('--shard', 'i/n with 0 <= i < n', values.shard);
    const [i, n] = [Number(m[1]), Number(m[2])];
    files.splice(0, files.length, ...files.filter((_, k) => k % n === i));
    csvName = `prepared.${i}.csv`;
  }
  const rows = new Map(selected.map((k) => [k, ['stem,file,status,quality'] as string[]]));
  let done = 0;
  const started = performance.now();
  for (const f of files) {
    const stem = fileStem(f);
    try {
      const analysis = await analyzeFundus(await readFile(join(values.images, f)));
      for (const k of selected) {
        try {
          const img = await prepareModelInput(analysis, { imageKind: k, size, resizeKernel: kernel });
          await writeFile(join(dirs.get(k)!, `${stem}.png`), await encodePng(img, { compressionLevel: 3 }));
          rows.get(k)!.push(`${stem},${stem}.png,${analysis.quality.gradable ? 'ok' : 'ungradable'},${analysis.quality.score}`);
        } catch (error) {
          rows.get(k)!.push(`${stem},,${isDrgradeError(error) ? error.code : 'error'},${analysis.quality.score}`);
        }
      }
    } catch (error) {
      if (!isDrgradeError(error)) throw error;
      for (const k of selected) rows.get(k)!.push(`${stem},,${error.code},`);
    }
    done++;
    if (process.stderr.isTTY || done % 20 === 0) {
      const rate = done / ((performance.now() - started) / 1000);
      process.stderr.write(`prepare: ${done}/${files.length} (${rate.toFixed(2)} images/s)\n`);
    }
  }
  for (const [k, r] of rows) await writeFile(join(dirs.get(k)!, csvName), `${r.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ images: files.length, kinds: selected, size, out: values.out })}\n`);
  return 0;
}
