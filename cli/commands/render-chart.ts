import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { DrgradeError, invalidArgument } from '../../shared/errors.js';
import { renderChartSvg } from '../../shared/evaluation/renderChartSvg.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'render-chart --spec <vl.json> [--svg <file>] [--png <file>]: a Vega-Lite spec (inline data) to SVG and PNG';

const usage = `Usage: drgrade render-chart --spec <vl.json> [--svg <file>] [--png <file>]

Renders a Vega-Lite spec with the same renderer as 'drgrade evaluate --out' (headless Vega, SVG; the PNG is the
SVG rasterised by sharp at twice its nominal size). At least one of --svg and --png. Data must be inline
('values'): specs that name a 'url' are refused, so rendering never reads files or the network.
Used by 'python -m drgrade_train learning-curve'.`;

/** `drgrade render-chart`: writes the SVG and/or PNG; exit 0, or 2 on an input error. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    spec: { type: 'string' }, svg: { type: 'string' }, png: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
  }, false);
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.spec === undefined) throw invalidArgument('--spec', 'a Vega-Lite JSON file', undefined);
  if (values.svg === undefined && values.png === undefined) throw invalidArgument('--svg/--png', 'at least one output file', undefined);
  const text = await readFile(values.spec, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new DrgradeError('NOT_FOUND', `Expected a readable file for --spec but reading failed (${error.code ?? 'error'})`, { cause: error });
  });
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (error) {
    throw new DrgradeError('INVALID_ARGUMENT', 'Expected JSON for --spec but received text that does not parse', { cause: error });
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw invalidArgument('--spec', 'a Vega-Lite spec object', Array.isArray(spec) ? 'an array' : typeof spec);
  const url = findUrl(spec);
  if (url !== null) throw invalidArgument('--spec', "inline data ('values'), not a 'url'", url);
  let svg: string;
  try {
    svg = await renderChartSvg(spec as TopLevelSpec);
  } catch (error) {
    throw new DrgradeError('INVALID_ARGUMENT', `Expected a Vega-Lite spec that renders but rendering failed (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (values.svg !== undefined) {
    await mkdir(dirname(values.svg), { recursive: true });
    await writeFile(values.svg, svg);
  }
  if (values.png !== undefined) {
    await mkdir(dirname(values.png), { recursive: true });
    // Twice the SVG's nominal size, as in 'drgrade evaluate --out'.
    await writeFile(values.png, await sharp(Buffer.from(svg), { density: 144 }).png().toBuffer());
  }
  return 0;
}

/** The first `url` value anywhere in the spec, or null. */
function findUrl(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'url') return String(child);
    const found = findUrl(child);
    if (found !== null) return found;
  }
  return null;
}
