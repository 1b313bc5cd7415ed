import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { fileStem, isImageFileName, readCsv } from '../../shared/datasets/readCsv.js';
import { invalidArgument, isDrgradeError } from '../../shared/errors.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'eval-landmarks --images <dir> --labels <csv> [--disc-radius px] --json: optic disc and fovea errors';

/** `drgrade eval-landmarks`: prints one JSON object. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    images: { type: 'string' }, labels: { type: 'string' }, 'disc-radius': { type: 'string' },
    json: { type: 'boolean', default: false }, limit: { type: 'string' }, help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.images || !values.labels) { process.stdout.write(`drgrade ${summary}\n`); return values.help ? 0 : 1; }
  const rows = readCsv(await readFile(values.labels, 'utf8'));
  const byStem = new Map(rows.map((r) => [fileStem(r.image ?? ''), r]));
  const files = (await readdir(values.images)).filter((f) => isImageFileName(f) && byStem.has(fileStem(f))).sort();
  const limit = values.limit ? Number(values.limit) : Infinity;
  const odErr: number[] = [], fovErr: number[] = [];
  let odWithin = 0, fovWithin = 0, n = 0, ungradable = 0, failures = 0, lateralityAgree = 0;
  const started = performance.now();
  for (const f of files.slice(0, limit)) {
    const label = byStem.get(fileStem(f))!;
    const num = (k: string) => { const v = Number(label[k]); if (!Number.isFinite(v)) throw invalidArgument(`${k} of ${fileStem(f)}`, 'a number', label[k]); return v; };
    n++;
    try {
      const a = await analyzeFundus(await readFile(join(values.images, f)), { skipLesions: true, skipAnnotatedImage: true });
      if (!a.quality.gradable) ungradable++;
      const discRadius = values['disc-radius'] ? Number(values['disc-radius']) : 0.0606 * a.source.width;
      const od = a.landmarks.opticDisc, fv = a.landmarks.fovea;
      const eOd = od ? Math.hypot(od.x - num('od_x'), od.y - num('od_y')) : Infinity;
      const eFv = fv ? Math.hypot(fv.x - num('fovea_x'), fv.y - num('fovea_y')) : Infinity;
      odErr.push(eOd); fovErr.push(eFv);
      if (eOd < discRadius) odWithin++;
      if (eFv < discRadius) fovWithin++;
      if (a.landmarks.laterality === (num('od_x') > num('fovea_x') ? 'right' : 'left')) lateralityAgree++;
    } catch (error) {
      if (!isDrgradeError(error)) throw error;
      failures++; odErr.push(Infinity); fovErr.push(Infinity);
    }
  }
  const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[s.length >> 1]! : null; };
  const finite = (v: number[]) => v.filter(Number.isFinite);
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
  const r3 = (v: number | null) => (v === null || !Number.isFinite(v) ? v : Math.round(v * 1000) / 1000);
  const out = {
    images: n,
    failures,
    ungradable,
    opticDisc: { medianErrorPx: r3(median(odErr)), meanErrorPx: r3(mean(finite(odErr))), withinDiscRadius: r3(n ? odWithin / n : 0) },
    fovea: { medianErrorPx: r3(median(fovErr)), meanErrorPx: r3(mean(finite(fovErr))), withinDiscRadius: r3(n ? fovWithin / n : 0) },
    laterality: { agreement: r3(n ? lateralityAgree / n : 0) },
    secondsTotal: r3((performance.now() - started) / 1000),
  };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
