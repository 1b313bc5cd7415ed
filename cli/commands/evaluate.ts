import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { intOption, parseCli } from '../args.js';
import { DrgradeError, invalidArgument } from '../../shared/errors.js';
import type { GradeResult, Grading } from '../../shared/grading/GradeResult.js';
import { isIcdrGrade, referableProbability } from '../../shared/grading/gradeTable.js';
import { readModelManifest } from '../../shared/grading/loadModel.js';
import { evaluate } from '../../shared/evaluation/evaluate.js';
import { parseLabelsCsv } from '../../shared/evaluation/parseLabelsCsv.js';
import { evaluationCharts } from '../../shared/evaluation/evaluationCharts.js';
import { scoreCases, type EvaluationCase } from '../../shared/evaluation/EvaluationCase.js';
import { renderChartSvg } from '../../shared/evaluation/renderChartSvg.js';
import { renderEvaluationPage } from '../../shared/evaluation/renderEvaluationPage.js';
import { hashIdentifier } from '../../shared/storage/hashIdentifier.js';

/** One line for the help text. */
export const summary = 'evaluate --labels <csv> --results <dir> [--out <dir>] [--model <dir>] --json: referable AUC, kappa, binary tasks, charts';

const usage = `Usage: drgrade evaluate --labels <csv> --results <dir> [--out <dir>] [--model <dir>] [--threshold <p>] [--resamples <n>] [--seed <s>] [--json]

Compares <results>/<stem>.result.json (from 'drgrade grade') with the labels CSV (columns image, dr_grade_icdr;
images matched by file stem). Results with status 'ungradable' or 'rejected' are excluded and counted.
  --out        also write roc, precision-recall, confusion-matrix and reliability charts (.svg, .png),
               evaluation.json and evaluation.html
  --model      report sensitivity/specificity at the operating points of <dir>/model.json
  --threshold  referable threshold (default: the one the results were decided with, else 0.5)
  --resamples  bootstrap resamples for the AUC interval (default 2000); --seed its seed (default 1)
  --json       print one JSON object (otherwise an indented summary)
Research use only; not for clinical diagnosis.`;

/** `drgrade evaluate`: prints the evaluation; exit code 0, or 2 on an input error. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    labels: { type: 'string' },
    results: { type: 'string' },
    out: { type: 'string' },
    model: { type: 'string' },
    threshold: { type: 'string' },
    resamples: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  }, false);
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.labels === undefined) throw invalidArgument('--labels', 'a labels CSV', undefined);
  if (values.results === undefined) throw invalidArgument('--results', 'a results folder', undefined);
  let referableThreshold: number | undefined;
  if (values.threshold !== undefined) {
    referableThreshold = Number(values.threshold);
    if (!(referableThreshold >= 0 && referableThreshold <= 1)) throw invalidArgument('--threshold', 'a probability 0–1', values.threshold);
  }
  const resamples = intOption('resamples', values.resamples, 2000);
  const seed = intOption('seed', values.seed, 1, 0);

  const labels = await readLabels(values.labels);
  const results = await readResults(values.results);
  const cases: EvaluationCase[] = [];
  let missing = 0;
  for (const [stem, truthGrade] of labels) {
    const result = results.get(stem);
    if (result === undefined) missing++;
    else cases.push({ image: stem, truthGrade, result });
  }
  const unlabelled = [...results.keys()].filter((stem) => !labels.has(stem)).length;
  if (missing > 0 || unlabelled > 0) {
    process.stderr.write(`drgrade evaluate: ${missing} labelled image(s) without a result and ${unlabelled} result(s) without a label were left out\n`);
  }
  if (cases.length === 0) throw new DrgradeError('NOT_FOUND', `Expected results matching the labels for ${values.results} but received none`);

  const operatingPoints = values.model === undefined ? undefined
    : (await readModelManifest(values.model)).operatingPoints.referable.map((p) => ({ name: p.name, threshold: p.threshold }));
  const report = evaluate(cases, { referableThreshold, operatingPoints, bootstrap: { resamples, seed } });

  if (values.out !== undefined) {
    await mkdir(values.out, { recursive: true });
    const charts = evaluationCharts(scoreCases(cases).scored, report);
    const svgs: Record<string, string> = {};
    for (const [name, spec] of Object.entries(charts)) {
      const svg = await renderChartSvg(spec);
      svgs[name] = svg;
      await writeFile(join(values.out, `${name}.svg`), svg);
      // Twice the SVG's nominal size, so the PNG stays sharp on high-density screens and in slides.
      await writeFile(join(values.out, `${name}.png`), await sharp(Buffer.from(svg), { density: 144 }).png().toBuffer());
    }
    await writeFile(join(values.out, 'evaluation.json'), `${JSON.stringify(report, null, 2)}\n`);
    const createdAt = new Date().toISOString();
    await writeFile(join(values.out, 'evaluation.html'), renderEvaluationPage(report, svgs, { createdAt, subtitle: `${report.images} labelled photographs` }));
  }
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

/** Label CSV → stem → grade (rows named by number in errors, never by image name). */
async function readLabels(path: string): Promise<Map<string, 0 | 1 | 2 | 3 | 4>> {
  return parseLabelsCsv(await readFile(path, 'utf8'));
}

async function readResults(dir: string): Promise<Map<string, Pick<GradeResult, 'status' | 'grading'>>> {
  const suffix = '.result.json';
  const results = new Map<string, Pick<GradeResult, 'status' | 'grading'>>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(suffix)).sort()) {
    const stem = file.slice(0, -suffix.length);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch (error) {
      throw new DrgradeError('INVALID_ARGUMENT', `Expected JSON for result ${hashIdentifier(stem)} but received text that does not parse`, { cause: error });
    }
    results.set(stem, toResult(parsed, stem));
  }
  return results;
}

/** Checks the fields the metrics read; older results without referableProbability get it from the probabilities. */
function toResult(value: unknown, stem: string): Pick<GradeResult, 'status' | 'grading'> {
  const name = `result ${hashIdentifier(stem)}`;
  const v = value as { status?: unknown; grading?: Partial<Grading> | null } | null;
  if (v === null || typeof v !== 'object' || !['graded', 'ungradable', 'rejected'].includes(v.status as string)) {
    throw invalidArgument(`status of ${name}`, "'graded', 'ungradable' or 'rejected'", v?.status);
  }
  const status = v.status as GradeResult['status'];
  if (status !== 'graded' || v.grading === null || v.grading === undefined) return { status, grading: null };
  const g = v.grading;
  if (!isIcdrGrade(g.grade)) throw invalidArgument(`grading.grade of ${name}`, 'an integer 0–4', g.grade);
  const p = g.probabilities;
  if (!Array.isArray(p) || p.length !== 5 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw invalidArgument(`grading.probabilities of ${name}`, 'five numbers', p);
  }
  const threshold = g.operatingPoint?.threshold;
  const grading: Grading = {
    grade: g.grade,
    label: g.label ?? '',
    probabilities: p,
    referable: g.referable ?? false,
    referableProbability: typeof g.referableProbability === 'number' ? g.referableProbability : referableProbability(p),
    sightThreatening: g.sightThreatening ?? false,
    sightThreateningProbability: g.sightThreateningProbability ?? 0,
    operatingPoint: { name: g.operatingPoint?.name ?? 'default', threshold: typeof threshold === 'number' ? threshold : 0.5 },
  };
  return { status, grading };
}
