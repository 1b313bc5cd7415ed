import { readFile } from 'node:fs/promises';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { intOption, parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'bench pipeline --image <img> [--runs n] [--warmup n] --json: decode-to-annotated-image time, per stage, peak RSS';

/**
 * `drgrade bench pipeline`: runs the whole analysis (decode → annotated image) on one photograph after a warm-up
 * and prints the median wall time, the median of each stage and the process's peak resident set size.
 * Node runs the analysis on one thread (sharp's own thread pool is limited to one thread here for a one-core figure).
 *
 * The median is the steady state of a serving process: V8 compiles the analysis's loops with its optimising
 * compiler only after they have run a few times, and on this machine the first analyses of a fresh process take
 * 1.5-2x longer (measured: about 800 ms for the first, 600-700 ms for the next few, about 400 ms from the tenth
 * on). Hence 10 warm-up analyses by default; `msFirstRun` reports the cold first analysis as well.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, { image: { type: 'string' }, runs: { type: 'string' }, warmup: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } }, false);
  if (values.help || !values.image) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const sharp = (await import('sharp')).default;
  sharp.concurrency(1);
  const runs = intOption('runs', values.runs, 5);
  const warmup = intOption('warmup', values.warmup, 10);
  const bytes = await readFile(values.image);
  const cold = performance.now();
  await analyzeFundus(bytes);
  const msFirstRun = Math.round((performance.now() - cold) * 10) / 10;
  for (let i = 1; i < warmup; i++) await analyzeFundus(bytes);
  const totals: number[] = [];
  const stages: Record<string, number[]> = {};
  let width = 0, height = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const a = await analyzeFundus(bytes);
    totals.push(performance.now() - t0);
    width = a.source.width; height = a.source.height;
    for (const [k, v] of Object.entries(a.timingsMs)) if (k !== 'total') (stages[k] ??= []).push(v);
  }
  const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return Math.round(s[s.length >> 1]! * 10) / 10; };
  const out = {
    pipeline: {
      width, height, runs, warmup: Math.max(1, warmup),
      msMedian: median(totals),
      msFirstRun,
      stagesMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, median(v)])),
      peakRssMb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    },
  };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
