import { parseArgs } from 'node:util';
import type { FuzzReport } from './FuzzReport.js';
import { fuzzTargets } from './fuzzTargets.js';

/**
 * `npm run fuzz [-- --inputs <n>] [--seed <s>] [--only <a,b>]`: runs every target (default 10 000 inputs each,
 * seed 15), prints one JSON line `{"targets": {"<name>": {"inputs", "crashes", "hangs", "untypedErrors", …}}}`
 * on stdout and the first findings on stderr; exits 1 when any target crashed, hung or threw an untyped error.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { inputs: { type: 'string', default: '10000' }, seed: { type: 'string', default: '15' }, only: { type: 'string' } } });
  const inputs = Number(values.inputs);
  const seed = Number(values.seed);
  if (!Number.isInteger(inputs) || inputs < 1 || !Number.isInteger(seed)) {
    process.stderr.write(`fuzz: expected integers for --inputs (>= 1) and --seed but received ${values.inputs} and ${values.seed}\n`);
    return 2;
  }
  const names = values.only === undefined ? Object.keys(fuzzTargets) : values.only.split(',');
  const targets: Record<string, Omit<FuzzReport, 'findings'> & { seconds: number }> = {};
  let failed = false;
  for (const name of names) {
    const run = fuzzTargets[name];
    if (!run) {
      process.stderr.write(`fuzz: expected one of ${Object.keys(fuzzTargets).join(', ')} for --only but received ${name}\n`);
      return 2;
    }
    const started = performance.now();
    const { findings, ...counts } = await run({ inputs, seed });
    targets[name] = { ...counts, seconds: Math.round((performance.now() - started) / 100) / 10 };
    for (const finding of findings) process.stderr.write(`fuzz ${name}: ${finding}\n`);
    failed ||= counts.crashes + counts.hangs + counts.untypedErrors > 0;
  }
  process.stdout.write(`${JSON.stringify({ targets, seed })}\n`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
