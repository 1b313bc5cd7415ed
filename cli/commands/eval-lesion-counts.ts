import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { readCsv } from '../../shared/datasets/readCsv.js';
import { invalidArgument } from '../../shared/errors.js';
import { decodeImage, inspectImage } from '../../shared/image/decodeImage.js';
import { encodeJpeg } from '../../shared/image/encodeImage.js';
import { countProxy } from '../../shared/lesionEval/countProxy.js';
import { intOption, parseCli } from '../args.js';

/** One line for the help text. */
export const summary =
  'eval-lesion-counts --healthy <dir> --labels <csv> --lesions <dir> --summary <csv> --json: estimated lesion FROC from grade-0 photographs and per-image lesion counts (no masks needed)';

const usage = `Usage: drgrade eval-lesion-counts --healthy <dir> --labels <csv> --lesions <dir> --summary <csv> [--limit <n>] [--json]

Estimates how well lesion candidates are ranked when lesion masks are not available (see docs/figures.md):
  --healthy, --labels   photographs and their labels (columns image, dr_grade_icdr, optional duplicate_of); the
                        grade-0 ones that are not duplicates are the healthy set: every candidate there is false
  --lesions, --summary  photographs with lesions and their per-image expert component counts (columns image, MA_n,
                        HE_n, EX_n: IDRiD's segmentation mask_summary.csv)
The lesioned photographs are first resized (Lanczos, JPEG quality 90) to the median width of the healthy ones, so
both sets are analysed at the same resolution. Whole retina (no macula filter), as eval-lesions.
Prints, for red (dark vs MA+HE), MA (dark vs MA) and EX (bright vs EX): groundTruth, estimatedFroc,
estimatedSensitivityAt {"0.125" … "8"}, thresholdAt, meanCountAt8 and spearmanAt8.`;

/** \`drgrade eval-lesion-counts\`: prints one JSON object. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    healthy: { type: 'string' }, labels: { type: 'string' }, lesions: { type: 'string' }, summary: { type: 'string' },
    limit: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.healthy || !values.labels || !values.lesions || !values.summary) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 1;
  }
  const limit = values.limit === undefined ? Infinity : intOption('limit', values.limit, 0);
  const started = performance.now();
  const labelRows = readCsv(await readFile(values.labels, 'utf8'));
  const summaryRows = readCsv(await readFile(values.summary, 'utf8'));
  for (const [name, rows, columns] of [['--labels', labelRows, ['image', 'dr_grade_icdr']], ['--summary', summaryRows, ['image', 'MA_n', 'HE_n', 'EX_n']]] as const) {
    const missing = columns.filter((c) => rows.length === 0 || !(c in rows[0]!));
    if (missing.length > 0) throw invalidArgument(name, `a CSV with columns ${columns.join(', ')}`, `one without ${missing.join(', ')}`);
  }
  const healthyFiles = labelRows.filter((r) => r.dr_grade_icdr === '0' && !r.duplicate_of).map((r) => r.image!).slice(0, limit);
  if (healthyFiles.length === 0) throw invalidArgument('--labels', 'at least one grade-0 photograph', 'none');

  type Scores = { dark: number[]; bright: number[] };
  const scoresOf = async (bytes: Uint8Array): Promise<Scores> => {
    const a = await analyzeFundus(bytes, { maculaDiscDiameters: null, skipAnnotatedImage: true, reportMinScore: 0 });
    return { dark: a.lesions.filter((l) => l.kind === 'dark').map((l) => l.score), bright: a.lesions.filter((l) => l.kind === 'bright').map((l) => l.score) };
  };
  const healthy: Scores[] = [];
  const widths: number[] = [];
  for (const f of healthyFiles) {
    const bytes = await readFile(join(values.healthy, f));
    widths.push((await inspectImage(bytes)).width);
    healthy.push(await scoresOf(bytes));
  }
  const width = widths.sort((a, b) => a - b)[widths.length >> 1]!;
  const lesioned: (Scores & { MA: number; HE: number; EX: number })[] = [];
  for (const r of summaryRows.slice(0, limit)) {
    const original = await readFile(join(values.lesions, r.image!));
    const info = await inspectImage(original);
    let bytes: Uint8Array = original;
    if (info.width !== width) {
      const { image } = await decodeImage(original, { size: { width, height: Math.round((info.height * width) / info.width) }, kernel: 'lanczos3' });
      bytes = await encodeJpeg(image, { quality: 90 });
    }
    lesioned.push({ ...(await scoresOf(bytes)), MA: Number(r.MA_n), HE: Number(r.HE_n), EX: Number(r.EX_n) });
  }
  const classes = {
    red: countProxy({ healthy: healthy.map((h) => h.dark), lesioned: lesioned.map((l) => ({ scores: l.dark, truth: l.MA + l.HE })) }),
    MA: countProxy({ healthy: healthy.map((h) => h.dark), lesioned: lesioned.map((l) => ({ scores: l.dark, truth: l.MA })) }),
    EX: countProxy({ healthy: healthy.map((h) => h.bright), lesioned: lesioned.map((l) => ({ scores: l.bright, truth: l.EX })) }),
  };
  const out = { healthyImages: healthy.length, lesionImages: lesioned.length, width, classes, secondsTotal: Math.round((performance.now() - started) / 100) / 10 };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
