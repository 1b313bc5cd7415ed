import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { parseExecutionProvider, readSettings } from '../../shared/config/settings.js';
import { invalidArgument, isDrgradeError } from '../../shared/errors.js';
import { createGrader } from '../../shared/grading/createGrader.js';
import type { GradeResult } from '../../shared/grading/GradeResult.js';
import { decodeImage } from '../../shared/image/decodeImage.js';
import { encodeJpeg, encodePng } from '../../shared/image/encodeImage.js';
import { rejectedResult } from '../../shared/grading/rejectedResult.js';
import { gradePhotograph } from '../../shared/pipeline/gradePhotograph.js';
import { forEachConcurrently } from '../../shared/service/forEachConcurrently.js';
import { renderBatchIndex, type BatchIndexEntry } from '../../shared/report/renderBatchIndex.js';
import { renderReport } from '../../shared/report/renderReport.js';
import { intOption, parseCli } from '../args.js';
import { ProgressBar } from '../progressBar.js';
import { isImageFileName } from '../../shared/datasets/readCsv.js';
import { hasDicomPreamble } from '../../shared/dicom/parseDicom.js';
import { examOutputs } from '../../shared/exams/examOutputs.js';
import { groupExams, type GroupablePhotograph } from '../../shared/exams/groupExams.js';
import { parseExamSidecar, type ExamSidecar } from '../../shared/exams/parseExamSidecar.js';
import { buildDiagnosticReportBundle } from '../../shared/fhir/buildDiagnosticReportBundle.js';

/** One line for the help text. */
export const summary = 'grade <files or dirs…> --out <dir> [--exams] [--model <dir>] [--endpoint <url>] [--concurrency n] [--resume] [--tta]: grade photographs (JPEG, PNG, TIFF, WebP, DICOM)';

/**
 * `drgrade grade`: per input `<out>/<stem>.result.json`, `<stem>.annotated.png`, `<stem>.report.html`; plus
 * `<out>/summary.csv` and `<out>/index.html`. Inputs that fail never stop the batch (they are 'rejected').
 * Each result also gets `<stem>.fhir.json` (a FHIR R4 Bundle). With `--exams`, outputs mirror the input tree
 * (`<site>/<patient>/<left|right>/<file>`, or folders with a sidecar `exam.json`, or DICOM patients) and each exam
 * gets `<site>/<patient>/exam.result.json` and `exam.fhir.json`. `--tta` averages the CNN over the eight flips and
 * rotations of its input (`grading.testTimeAugmentation: 'dihedral8'`); `--resume` keeps a result only when it was
 * graded the same way.
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, {
    out: { type: 'string' }, model: { type: 'string' }, endpoint: { type: 'string' },
    'model-name': { type: 'string' }, concurrency: { type: 'string' }, resume: { type: 'boolean', default: false },
    'operating-point': { type: 'string' }, 'whole-retina': { type: 'boolean', default: false },
    'no-images': { type: 'boolean', default: false }, provider: { type: 'string' }, help: { type: 'boolean', default: false },
    exams: { type: 'boolean', default: false }, tta: { type: 'boolean', default: false },
  });
  if (values.help || positionals.length === 0 || !values.out) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const out = values.out;
  const concurrency = intOption('concurrency', values.concurrency, 2);
  const inputs = await collectInputs(positionals);
  const files = inputs.map((i) => i.file);
  if (files.length === 0) throw invalidArgument('inputs', 'at least one JPEG, PNG, TIFF, WebP or DICOM file', positionals.join(' '));
  await mkdir(out, { recursive: true });
  const env = readSettings();
  const provider = parseExecutionProvider('--provider', values.provider ?? env.executionProvider);
  const grader = await createGrader({
    inferenceUrl: values.endpoint ?? env.inferenceUrl,
    inferenceKey: env.inferenceKey,
    inferenceTimeoutMs: env.inferenceTimeoutMs,
    modelName: values['model-name'] ?? env.modelName,
    modelDir: values.model ?? env.modelDir,
    executionProvider: provider,
  });
  // With --exams the outputs mirror the input tree, so the exam path convention survives into the results.
  const stems = values.exams ? uniqueStems(inputs.map((i) => i.relativePath.replace(/\.[^./]*$/, '')), true) : uniqueStems(files);
  const entries: (BatchIndexEntry & { file: string })[] = new Array(files.length);
  const bar = new ProgressBar(files.length, 'grade');
  let failed = 0;
  const gradeAt = async (i: number) => {
    const file = files[i]!;
    const stem = stems[i]!;
    const resultPath = join(out, `${stem}.result.json`);
    let result: GradeResult | null = null;
    if (values.resume && existsSync(resultPath)) {
      try {
        const previous = JSON.parse(await readFile(resultPath, 'utf8')) as GradeResult;
        const sameTta = (previous.grading?.testTimeAugmentation !== undefined) === values.tta || previous.status !== 'graded';
        if (previous.provenance?.model?.sha256 === grader.manifest.sha256 && previous.status !== undefined && sameTta) result = previous;
      } catch { /* unreadable: grade again */ }
    }
    if (!result) result = await gradeOne(file, stem, out, grader, { ...values, identifierSalt: env.identifierSalt }, env.maxImageBytes, env.maxPixels);
    await writeFile(join(out, `${stem}.fhir.json`), `${JSON.stringify(buildDiagnosticReportBundle(result, { idSeed: stem }), null, 2)}\n`);
    if (result.status === 'rejected') failed++;
    const href = stem.split('/').map(encodeURIComponent).join('/');
    entries[i] = { file, name: basename(file), reportHref: `${href}.report.html`, resultHref: `${href}.result.json`, result };
    bar.tick();
  };
  try {
    await forEachConcurrently(files.keys(), concurrency, gradeAt);
  } finally {
    await grader.close();
  }
  let examCount: number | undefined;
  if (values.exams) {
    const photographs: GroupablePhotograph[] = inputs.map((input, i) => ({ relativePath: input.relativePath, stem: stems[i]!, result: entries[i]!.result as GradeResult }));
    const { files: examFiles, exams } = examOutputs(groupExams(photographs, { identifierSalt: env.identifierSalt, sidecars: await readSidecars(positionals) }));
    for (const f of examFiles) {
      await mkdir(dirname(join(out, f.path)), { recursive: true });
      await writeFile(join(out, f.path), f.text);
    }
    examCount = exams.length;
  }
  await writeFile(join(out, 'summary.csv'), summaryCsv(entries, stems));
  await writeFile(join(out, 'index.html'), renderBatchIndex(entries, { title: 'drgrade batch', createdAt: new Date().toISOString() }));
  const graded = entries.filter((e) => e.result.status === 'graded').length;
  const ungradable = entries.filter((e) => e.result.status === 'ungradable').length;
  process.stdout.write(`${JSON.stringify({ images: files.length, graded, ungradable, rejected: failed, ...(examCount === undefined ? {} : { exams: examCount }), out, index: join(out, 'index.html'), model: { name: grader.manifest.name, version: grader.manifest.version }, executionProvider: grader.executionProvider })}\n`);
  return 0;
}

async function gradeOne(file: string, stem: string, out: string, grader: Awaited<ReturnType<typeof createGrader>>, values: { 'operating-point'?: string | undefined; 'whole-retina'?: boolean | undefined; 'no-images'?: boolean | undefined; tta?: boolean | undefined; identifierSalt: string }, maxImageBytes: number, maxPixels: number): Promise<GradeResult> {
  await mkdir(dirname(join(out, stem)), { recursive: true });
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const result = rejectedResult(
      { code: 'NOT_FOUND', message: `Expected a readable file but reading failed (${(error as NodeJS.ErrnoException).code ?? 'error'})` },
      { provenance: { model: { name: grader.manifest.name, version: grader.manifest.version, sha256: grader.manifest.sha256 }, executionProvider: grader.executionProvider } },
    );
    await writeFile(join(out, `${stem}.result.json`), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  }
  const { result, analysis } = await gradePhotograph(bytes, {
    grader,
    analysis: { maculaDiscDiameters: values['whole-retina'] ? null : 2 },
    limits: { maxImageBytes, maxPixels },
    identifierSalt: values.identifierSalt,
    tta: values.tta ?? false,
    ...(values['operating-point'] ? { operatingPoint: values['operating-point'] } : {}),
  });
  await writeFile(join(out, `${stem}.result.json`), `${JSON.stringify(result, null, 2)}\n`);
  if (!values['no-images'] && analysis?.images.annotated) await writeFile(join(out, `${stem}.annotated.png`), await encodePng(analysis.images.annotated));
  // The report shows the source photograph (resized) with switchable layers drawn from the result's coordinates.
  let image: Parameters<typeof renderReport>[1]['image'] = null;
  let imageSize = { width: 1, height: 1 };
  if (result.status !== 'rejected') {
    try {
      const { image: small } = await decodeImage(bytes, { maxSide: 1400, maxImageBytes, maxPixels });
      image = { bytes: await encodeJpeg(small, { quality: 85 }), mimeType: 'image/jpeg' };
      imageSize = { width: small.width, height: small.height };
    } catch (error) {
      if (!isDrgradeError(error)) throw error;
    }
  }
  const sourceSize = analysis ? { width: analysis.source.width, height: analysis.source.height } : imageSize;
  const up = '../'.repeat(stem.split('/').length - 1);
  await writeFile(join(out, `${stem}.report.html`), renderReport(result, { image, imageSize, sourceSize, title: basename(file), indexHref: `${up}index.html` }));
  return result;
}

/** An input file and its path relative to the folder it was found in (POSIX separators; the name for files). */
interface Input {
  readonly file: string;
  readonly relativePath: string;
}

async function collectInputs(paths: string[]): Promise<Input[]> {
  const out: Input[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (!s) { out.push({ file: p, relativePath: basename(p) }); continue; } // reported as rejected (NOT_FOUND) without stopping the batch
    if (s.isDirectory()) {
      const walk = async (dir: string): Promise<void> => {
        for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
          const full = join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else if (isImageFileName(entry.name) || await isDicomFile(full, entry.name)) out.push({ file: full, relativePath: relative(p, full).split(sep).join('/') });
        }
      };
      await walk(p);
    } else out.push({ file: p, relativePath: basename(p) });
  }
  return out;
}

/** DICOM is recognised by content: `.dcm`/`.dicom` names, and names without an extension that start like DICOM. */
async function isDicomFile(path: string, name: string): Promise<boolean> {
  if (/\.(dcm|dicom)$/i.test(name)) return true;
  if (extname(name) !== '' || name.startsWith('.')) return false;
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = new Uint8Array(132);
    const { bytesRead } = await handle.read(head, 0, 132, 0);
    return bytesRead === 132 && hasDicomPreamble(head);
  } finally {
    await handle.close();
  }
}

/** Sidecar `exam.json` files under the input folders, by folder relative to its input root. */
async function readSidecars(paths: string[]): Promise<Map<string, ExamSidecar>> {
  const sidecars = new Map<string, ExamSidecar>();
  for (const p of paths) {
    if (!(await stat(p).catch(() => null))?.isDirectory()) continue;
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.name === 'exam.json') sidecars.set(relative(p, dir).split(sep).join('/'), parseExamSidecar(await readFile(full, 'utf8')));
      }
    };
    await walk(p);
  }
  return sidecars;
}

/** File stems (with `keepFolders`, relative paths keeping their folders), made unique with a numeric suffix. */
function uniqueStems(files: string[], keepFolders = false): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    // Relative paths (--exams) keep their folders; each segment is sanitised like a file stem.
    const stem = (keepFolders ? f.split('/') : [basename(f, extname(f))])
      .map((part) => part.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^\.+$/, '_') || 'image').join('/');
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    return n === 1 ? stem : `${stem}_${n}`;
  });
}

function summaryCsv(entries: (BatchIndexEntry & { file: string })[], stems: string[]): string {
  const q = (v: unknown) => { const s = v === null || v === undefined ? '' : String(v); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
  const header = ['image', 'file', 'status', 'grade', 'label', 'referable', 'referable_probability', 'p0', 'p1', 'p2', 'p3', 'p4', 'operating_point', 'gradable', 'quality_score', 'quality_category', 'quality_reasons', 'dark_lesions', 'bright_lesions', 'error_code'];
  const rows = entries.map((e, i) => {
    const r = e.result as GradeResult;
    const g = r.grading;
    return [stems[i], relative(process.cwd(), e.file), r.status, g?.grade, g?.label, g?.referable, g?.referableProbability, ...(g ? g.probabilities : ['', '', '', '', '']), g?.operatingPoint.name, r.quality?.gradable, r.quality?.score, r.quality?.category, r.quality?.reasons.join(';'), r.lesions.filter((l) => l.kind === 'dark').length, r.lesions.filter((l) => l.kind === 'bright').length, r.error?.code].map(q).join(',');
  });
  return `${header.join(',')}\n${rows.join('\n')}\n`;
}
