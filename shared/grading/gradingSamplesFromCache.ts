import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { LesionSummary } from '../lesions/summariseLesions.js';
import type { GradingSample } from './crossValidateLesionGrading.js';
import { isIcdrGrade } from './gradeTable.js';
import { jpegQualityBands, mainJpegQuality } from './LesionGrading.js';
import { lesionGradeFeatures } from './lesionGradeFeatures.js';

/**
 * The lesion-based grade's samples from a cache of `drgrade fit-lesion-reporting --cache` (JSON lines
 * `{ stem, sample: { summary } }`): one per labelled photograph with a lesion summary, duplicates (`duplicate_of`)
 * and unknown or ungraded stems skipped. Each sample's group is its stem.
 */
export function gradingSamplesFromCache(text: string, labels: ReadonlyMap<string, Readonly<Record<string, string>>>): GradingSample[] {
  const samples: GradingSample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as { stem: string; sample: { summary?: LesionSummary } };
    const label = labels.get(entry.stem);
    const grade = Number(label?.dr_grade_icdr);
    if (!label || label.duplicate_of || !isIcdrGrade(grade) || !entry.sample.summary) continue;
    samples.push({ id: entry.stem, group: entry.stem, grade, features: lesionGradeFeatures(entry.sample.summary) });
  }
  return samples;
}

/** One `--compressed` cache: the photographs recompressed at `jpegQuality`, and the band they grade. */
export interface CompressedSamples {
  readonly fittedJpegQuality: number;
  readonly maxJpegQuality: number;
  readonly samples: GradingSample[];
}

/**
 * Reads `--compressed <q>=<cache>,…` (caches of `fit-lesion-reporting --camera jpeg-<q>`), bands as
 * {@link jpegQualityBands}; `keep` filters the samples. Returns the error line to print for a malformed list, a
 * missing file or a repeated quality.
 */
export async function readCompressedCaches(list: string | undefined, labels: ReadonlyMap<string, Readonly<Record<string, string>>>, keep: (s: GradingSample) => boolean): Promise<CompressedSamples[] | string> {
  if (!list) return [];
  const pairs = list.split(',').map((pair) => { const at = pair.indexOf('='); return { quality: Number(pair.slice(0, at)), path: pair.slice(at + 1), text: pair }; });
  for (const p of pairs) {
    if (!(Number.isInteger(p.quality) && p.quality >= 1 && p.quality < mainJpegQuality) || !p.path) return `INVALID_ARGUMENT: expected <JPEG quality below ${mainJpegQuality}>=<cache file> pairs separated by commas for --compressed but received ${p.text}`;
    if (!existsSync(p.path)) return `INVALID_ARGUMENT: expected a cache file (fit-lesion-reporting --camera jpeg-${p.quality} --cache <file>) for --compressed ${p.quality} but received a path that does not exist`;
  }
  if (new Set(pairs.map((p) => p.quality)).size !== pairs.length) return `INVALID_ARGUMENT: expected each JPEG quality once for --compressed but received ${list}`;
  const bands = jpegQualityBands(pairs.map((p) => p.quality));
  const out: CompressedSamples[] = [];
  for (const band of bands) {
    const path = pairs.find((p) => p.quality === band.fittedJpegQuality)!.path;
    out.push({ ...band, samples: gradingSamplesFromCache(await readFile(path, 'utf8'), labels).filter(keep) });
  }
  return out;
}

/** The stems to leave out (`--exclude`: a JSON object whose keys are stems), or the error line to print. */
export async function readExcluded(path: string | undefined): Promise<Set<string> | string> {
  if (!path) return new Set();
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return new Set(Object.keys(parsed));
  } catch (error) {
    return `INVALID_ARGUMENT: expected a JSON object keyed by photograph stems (match-splits output) for --exclude but received a file that does not read as one (${(error as Error).message})`;
  }
}
