import { readFile } from 'node:fs/promises';
import { invalidArgument } from '../../shared/errors.js';
import { decodeImage } from '../../shared/image/decodeImage.js';
import { channelOf, type FloatImage } from '../../shared/image/RgbImage.js';
import { frst, type FrstOptions } from '../../shared/lesions/frst.js';
import { intOption, parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'bench frst --image <img> [--runs n] [--implementation wasm|js] [--baseline] [--json]: FRST speed on the green channel';

const minRuns = 5;

/**
 * `drgrade bench frst`: times FRST (radii 1–8, α = 2, β = 0, one thread) on the image's green channel at its own
 * size: one warm-up, then the median (and best) of `--runs` runs, for both polarities and for dark only; also the
 * median process CPU time.
 * `--baseline` also times the JS reference in the same process.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    image: { type: 'string' },
    runs: { type: 'string' },
    implementation: { type: 'string', default: 'wasm' },
    baseline: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.image) {
    process.stdout.write(`drgrade ${summary}\n`);
    return values.help ? 0 : 1;
  }
  const runs = intOption('runs', values.runs, 7, minRuns);
  const implementation = values.implementation;
  if (implementation !== 'wasm' && implementation !== 'js') throw invalidArgument('--implementation', "'wasm' or 'js'", implementation);

  const { image } = await decodeImage(await readFile(values.image));
  const green = channelOf(image, 1);
  const base: FrstOptions = { radii: [1, 2, 3, 4, 5, 6, 7, 8], alpha: 2, beta: 0, implementation };
  const both = time(green, base, runs);
  const dark = time(green, { ...base, polarity: 'dark' }, runs);
  const out: Record<string, unknown> = {
    width: green.width,
    height: green.height,
    msMedianBoth: both.median,
    msMedianDark: dark.median,
    runs,
    implementation,
    msMinBoth: both.min,
    msMinDark: dark.min,
    cpuMsMedianBoth: both.cpuMedian,
    cpuMsMedianDark: dark.cpuMedian,
  };
  let baselineLine = '';
  if (values.baseline) {
    const js = time(green, { ...base, implementation: 'js' }, runs);
    out.baseline = { implementation: 'js', msMedianBoth: js.median, msMinBoth: js.min, cpuMsMedianBoth: js.cpuMedian, speedupBoth: round(js.median / both.median) };
    baselineLine = `; js reference ${js.median} ms (×${round(js.median / both.median)})`;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ frst: out })}\n`);
  } else {
    process.stdout.write(`frst ${green.width}×${green.height} (${implementation}, median of ${runs}): both polarities ${both.median} ms (best ${both.min}, CPU ${both.cpuMedian}), dark only ${dark.median} ms (best ${dark.min}, CPU ${dark.cpuMedian})${baselineLine}\n`);
  }
  return 0;
}

/**
 * One warm-up, then `runs` timed calls: wall-clock and process CPU milliseconds (the latter shows the cost on a
 * machine shared with other work), rounded to 0.1.
 */
function time(image: FloatImage, options: FrstOptions, runs: number): { median: number; min: number; cpuMedian: number } {
  frst(image, options);
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    frst(image, options);
    ms.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  return { median: round(median(ms)), min: round(Math.min(...ms)), cpuMedian: round(median(cpuMs)) };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
