import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { encodeJpeg } from '../../shared/image/encodeImage.js';
import { synthFundus } from '../../shared/synth/synthFundus.js';
import { parseCli } from '../args.js';
import { run as grade } from './grade.js';

/** One line for the help text. */
export const summary = 'demo [--out <dir>]: the main job on embedded defaults (sample photographs, shipped model, CPU)';

/**
 * `drgrade demo`: writes a few seeded synthetic sample photographs (grades 0–4, one IDRiD-like framing), grades
 * them with the shipped default model on CPU in-process, and writes results, annotated images, reports and the
 * batch index. Real photographs are graded the same way with `drgrade grade <dir> --out <dir>`.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, { out: { type: 'string', default: 'demo-output' }, help: { type: 'boolean', default: false } }, false);
  if (values.help) { process.stdout.write(`drgrade ${summary}\n`); return 0; }
  const out = resolve(values.out!);
  const samples = join(out, 'samples');
  await mkdir(samples, { recursive: true });
  const specs = [
    { seed: 101, grade: 0 as const }, { seed: 102, grade: 1 as const }, { seed: 103, grade: 2 as const },
    { seed: 104, grade: 3 as const }, { seed: 105, grade: 4 as const }, { seed: 106, grade: 2 as const, cutTopBottom: true, width: 1600 },
  ];
  for (const s of specs) {
    const { image } = synthFundus({ seed: s.seed, grade: s.grade, width: s.width ?? 1024, cutTopBottom: s.cutTopBottom ?? false });
    await writeFile(join(samples, `synthetic_${s.seed}_grade${s.grade}.jpg`), await encodeJpeg(image, { quality: 92 }));
  }
  process.stdout.write(`drgrade demo: ${specs.length} synthetic sample photographs in ${samples}\n`);
  process.stdout.write('Research use only: not for clinical diagnosis. Synthetic samples are drawings, not patients; grades on them only show the pipeline working.\n');
  const code = await grade([samples, '--out', join(out, 'results')]);
  if (code === 0) {
    process.stdout.write(`\nOpen the batch index:  ${join(out, 'results', 'index.html')}\n`);
    process.stdout.write(`Per image: <stem>.result.json, <stem>.annotated.png, <stem>.report.html in ${join(out, 'results')}\n`);
  }
  return code;
}
