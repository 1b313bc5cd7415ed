import { writeFile } from 'node:fs/promises';
import { buildDriftReference } from '../../shared/drift/buildDriftReference.js';
import { readResultTree } from '../../shared/drift/readResultTree.js';
import { invalidArgument } from '../../shared/errors.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'drift-reference --results <dir> --out <json> [--description text]: reference statistics for drift from the training photographs\' results';

/**
 * `drgrade drift-reference`: builds the reference statistics drift is measured against from the result JSONs of
 * the model's training photographs (made with `drgrade grade`). The shipped `models/default/drift-reference.json`
 * was made this way (docs/interoperability.md gives the commands).
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    results: { type: 'string' }, out: { type: 'string' }, description: { type: 'string' }, help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.results || !values.out) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const { inputs, skipped } = await readResultTree(values.results);
  if (inputs.length === 0) throw invalidArgument('--results', 'a folder with result JSONs', values.results);
  const reference = buildDriftReference(inputs.map((i) => i.result), values.description ?? `${inputs.length} results`);
  await writeFile(values.out, `${JSON.stringify(reference, null, 1)}\n`);
  process.stdout.write(`${JSON.stringify({ n: reference.n, skipped, out: values.out })}\n`);
  return 0;
}
