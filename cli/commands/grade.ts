import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { parseExecutionProvider, readSettings } from '../../shared/config/settings.js';
import { invalidArgument, isDrgradeError } from '../../shared/errors.js';
import { createGrader } from '../../shared/grading/createGrader.js';
import { researchDisclaimer, type GradeResult } from '../../shared/grading/GradeResult.js';
import { decodeImage } from '../../shared/image/decodeImage.js';
import { encodeJpeg, encodePng } from '../../shared/image/encodeImage.js';
import { gradePhotograph } from '../../shared/pipeline/gradePhotograph.js';
import { analysisVersion } from '../../shared/analysis/analyzeFundus.js';
import { renderBatchIndex, type BatchIndexEntry } from '../../shared/report/renderBatchIndex.js';
import { renderReport } from '../../shared/report/renderReport.js';
import { intOption, parseCli } from '../args.js';
import { ProgressBar } from '../progressBar.js';
import { isImageFileName } from '../../shared/datasets/readCsv.js';

/** One line for the help text. */
export const summary = 'grade <files or dirs…> --out <dir> [--model <dir>] [--endpoint <url>] [--concurrency n] [--resume]: grade photographs';

/**
 * `drgrade grade`: per input `<out>/<stem>.result.json`, `<stem>.annotated.png`, `<stem>.report.html`; plus
 * `<out>/summary.csv` and `<out>/index.html`. Inputs that fail never stop the batch (they are 'rejected').
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, {
    out: { type: 'string' }, model: { type: 'string' }, endpoint: { type: 'string' },
    'model-name': { type: 'string' }, concurrency: { type: 'string' }, resume: { type: 'boolean', default: false },
    'operating-point': { type: 'string' }, 'whole-retina': { type: 'boolean', default: false },
    'no-images': { type: 'boolean', default: false }, provider: { type: 'string' }, help: { type: 'boolean', default: false },
  });
  if (values.help || positionals.length === 0 || !values.out) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const out = values.out;
  const concurrency = intOption('concurrency', values.concurrency, 2);
  const files = await collectInputs(positionals);
  if (files.length === 0) throw invalidArgument('inputs', 'at least one JPEG, PNG, TIFF or WebP file', positionals.join(' '));
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
  const stems = uniqueStems(files);
  const entries: (BatchIndexEntry & { file: string })[] = new Array(files.length);
  const bar = new ProgressBar(files.length, 'grade');
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      const stem = stems[i]!;
      const resultPath = join(out, `${stem}.result.json`);
      let result: GradeResult | null = null;
      if (values.resume && existsSync(resultPath)) {
        try {
          const previous = JSON.parse(await readFile(resultPath, 'utf8')) as GradeResult;
          if (previous.provenance?.model?.sha256 === grader.manifest.sha256 && previous.status !== undefined) result = previous;
        } catch { /* unreadable: grade again */ }
      }
      if (!result) result = await gradeOne(file, stem, out, grader, values, env.maxImageBytes, env.maxPixels);
      if (result.status === 'rejected') failed++;
      entries[i] = { file, name: basename(file), reportHref: `${encodeURIComponent(stem)}.report.html`, resultHref: `${encodeURIComponent(stem)}.result.json`, result };
      bar.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  } finally {
    await grader.close();
  }
  await writeFile(join(out, 'summary.csv'), summaryCsv(entries, stems));
  await writeFile(join(out, 'index.html'), renderBatchIndex(entries, { title: 'drgrade batch', createdAt: new Date().toISOString() }));
  const graded = entries.filter((e) => e.result.status === 'graded').length;
  const ungradable = entries.filter((e) => e.result.status === 'ungradable').length;
  process.stdout.write(`${JSON.stringify({ images: files.length, graded, ungradable, rejected: failed, out, index: join(out, 'index.html'), model: { name: grader.manifest.name, version: grader.manifest.version }, executionProvider: grader.executionProvider })}\n`);
  return 0;
}

async function gradeOne(file: string, stem: string, out: string, grader: Awaited<ReturnType<typeof createGrader>>, values: { 'operating-point'?: string | undefined; 'whole-retina'?: boolean | undefined; 'no-images'?: boolean | undefined }, maxImageBytes: number, maxPixels: number): Promise<GradeResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const result: GradeResult = { status: 'rejected', disclaimer: researchDisclaimer, grading: null, quality: null, fov: null, landmarks: null, lesions: [], provenance: { model: { name: grader.manifest.name, version: grader.manifest.version, sha256: grader.manifest.sha256 }, executionProvider: grader.executionProvider, analysisVersion, createdAt: new Date().toISOString() }, timingsMs: {}, error: { code: 'NOT_FOUND', message: `Expected a readable file but reading failed (${(error as NodeJS.ErrnoException).code ?? 'error'})` } };
    await writeFile(join(out, `${stem}.result.json`), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  }
  const { result, analysis } = await gradePhotograph(bytes, {
    grader,
    analysis: { maculaDiscDiameters: values['whole-retina'] ? null : 2 },
    limits: { maxImageBytes, maxPixels },
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
  await writeFile(join(out, `${stem}.report.html`), renderReport(result, { image, imageSize, sourceSize, title: basename(file), indexHref: 'index.html' }));
  return result;
}

async function collectInputs(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (!s) { out.push(p); continue; } // reported as rejected (NOT_FOUND) without stopping the batch
    if (s.isDirectory()) {
      const walk = async (dir: string): Promise<void> => {
        for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
          const full = join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else if (isImageFileName(entry.name)) out.push(full);
        }
      };
      await walk(p);
    } else out.push(p);
  }
  return out;
}

/** File stems, made unique with a numeric suffix when two inputs share one. */
function uniqueStems(files: string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const stem = basename(f, extname(f)).replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'image';
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
