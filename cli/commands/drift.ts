import { invalidArgument } from '../../shared/errors.js';
import { computeDrift } from '../../shared/drift/computeDrift.js';
import { readDriftReference } from '../../shared/drift/readDriftReference.js';
import { readResultTree } from '../../shared/drift/readResultTree.js';
import { intOption, parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'drift --results <dir> [--by site|camera] [--reference <json>] [--min-results n] [--json]: drift per site or camera against the model\'s training data';

/**
 * `drgrade drift`: reads every result under `--results`, groups them by site (the first path segment) or camera
 * (DICOM manufacturer and model) and compares each group with the shipped model's reference statistics
 * (`models/default/drift-reference.json`): PSI and a two-sample test per feature, and an alarm.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    results: { type: 'string' }, by: { type: 'string', default: 'site' }, reference: { type: 'string' },
    'min-results': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.results) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  if (values.by !== 'site' && values.by !== 'camera') throw invalidArgument('--by', "'site' or 'camera'", values.by);
  const reference = await readDriftReference(values.reference);
  const { inputs, skipped } = await readResultTree(values.results);
  const report = computeDrift(inputs, reference, { by: values.by, minResults: intOption('min-results', values['min-results'], 30) });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...report, skipped })}\n`);
    return 0;
  }
  const lines = [`drift by ${report.by} against ${report.reference.description} (n = ${report.reference.n}); alarm: n >= ${report.thresholds.minResults}, PSI >= ${report.thresholds.psi} and p < ${report.thresholds.pValue}`];
  for (const g of report.groups) {
    lines.push(`${g.alarm ? 'ALARM' : 'ok   '} ${g.key}: n ${g.n}, ungradable ${g.ungradableRate}, referable ${g.referableRate}, max PSI ${g.psi}${g.alarm ? ` (${g.alarmFeatures.join(', ')})` : ''}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
