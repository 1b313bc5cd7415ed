import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { encodeJpeg } from '../../shared/image/encodeImage.js';
import { synthDicom } from '../../shared/synth/synthDicom.js';
import { synthFundus } from '../../shared/synth/synthFundus.js';
import { parseCli } from '../args.js';
import { run as grade } from './grade.js';

/** One line for the help text. */
export const summary = 'demo [--out <dir>]: the main job on embedded defaults (sample photographs, shipped model, CPU)';

/**
 * `drgrade demo`: writes a few seeded synthetic sample photographs (grades 0–4, one IDRiD-like framing), grades
 * them with the shipped default model on CPU in-process, and writes results, annotated images, reports and the
 * batch index. Real photographs are graded the same way with `drgrade grade <dir> --out <dir>`. It also grades a
 * small exam (`demo-site/demo-patient/<left|right>/`, two fields per eye, one of them a DICOM file) with `--exams`,
 * which writes the exam result and FHIR Bundles beside the rest.
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
  // A small exam in the path convention <site>/<patient>/<eye>/<file>: two fields per eye, the second left one DICOM.
  const exam = [
    { eye: 'left', file: 'field1.jpg', seed: 111, grade: 1 as const }, { eye: 'left', file: 'field2.dcm', seed: 112, grade: 1 as const },
    { eye: 'right', file: 'field1.jpg', seed: 113, grade: 2 as const }, { eye: 'right', file: 'field2.jpg', seed: 114, grade: 2 as const },
  ];
  for (const f of exam) {
    const dir = join(samples, 'demo-site', 'demo-patient', f.eye);
    await mkdir(dir, { recursive: true });
    const { image } = synthFundus({ seed: f.seed, grade: f.grade, width: 1024 });
    const bytes = f.file.endsWith('.dcm')
      ? await synthDicom(image, { syntax: 'jpeg', imageLaterality: f.eye === 'left' ? 'L' : 'R', patientId: 'DEMO-0001', patientName: 'Demo^Synthetic' })
      : await encodeJpeg(image, { quality: 92 });
    await writeFile(join(dir, f.file), bytes);
  }
  process.stdout.write(`drgrade demo: ${specs.length + exam.length} synthetic sample photographs in ${samples} (one exam: two eyes, two fields each, one DICOM)\n`);
  process.stdout.write('Research use only: not for clinical diagnosis. Synthetic samples are drawings, not patients; grades on them only show the pipeline working.\n');
  const code = await grade([samples, '--out', join(out, 'results'), '--exams']);
  if (code === 0) {
    process.stdout.write(`\nOpen the batch index:  ${join(out, 'results', 'index.html')}\n`);
    process.stdout.write(`Per image: <stem>.result.json, <stem>.fhir.json, <stem>.annotated.png, <stem>.report.html in ${join(out, 'results')}\n`);
    process.stdout.write(`The exam: ${join(out, 'results', 'demo-site', 'demo-patient', 'exam.result.json')} and exam.fhir.json\n`);
  }
  return code;
}
