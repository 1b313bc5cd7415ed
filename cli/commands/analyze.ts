import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { analysisToJson } from '../../shared/analysis/analysisToJson.js';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { DrgradeError, isDrgradeError } from '../../shared/errors.js';
import { encodeGrey, encodePng } from '../../shared/image/encodeImage.js';
import { LandmarkModel } from '../../shared/landmarks/LandmarkModel.js';
import { lesionClasses } from '../../shared/lesions/lesionClasses.js';
import { lesionMapToSource } from '../../shared/lesions/lesionMapToSource.js';
import { LesionModel } from '../../shared/lesions/LesionModel.js';
import { parseCli } from '../args.js';

/** One line for the help text. */
export const summary = 'analyze <image> --out <dir> [--whole-retina] [--min-score <s>] [--lesion-maps] [--no-lesion-model] [--landmark-model <dir> | --no-landmark-model]: quality, landmarks, lesion candidates, DME risk, enhanced and annotated images';

/** `drgrade analyze <image> --out <dir>`: exit 0 on success, 2 when the file cannot be decoded. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, {
    out: { type: 'string' },
    'whole-retina': { type: 'boolean', default: false },
    'macula-disc-diameters': { type: 'string' },
    'retina-diameter': { type: 'string' },
    'min-score': { type: 'string' },
    'lesion-maps': { type: 'boolean', default: false },
    'lesion-model': { type: 'string' },
    'no-lesion-model': { type: 'boolean', default: false },
    'landmark-model': { type: 'string' },
    'no-landmark-model': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  });
  if (values.help || positionals.length !== 1 || !values.out) {
    process.stdout.write(`drgrade ${summary}\n`);
    return values.help ? 0 : 1;
  }
  const file = positionals[0]!;
  const stem = basename(file, extname(file));
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    process.stderr.write(`NOT_FOUND: cannot read the input file (${(error as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return 2;
  }
  const minScore = values['min-score'] === undefined ? undefined : Number(values['min-score']);
  if (minScore !== undefined && !(minScore >= 0 && minScore <= 1)) {
    process.stderr.write(`INVALID_ARGUMENT: expected a number in [0, 1] for --min-score but received ${JSON.stringify(values['min-score'])}\n`);
    return 1;
  }
  const macula = values['whole-retina'] ? null : values['macula-disc-diameters'] !== undefined ? Number(values['macula-disc-diameters']) : 2;
  try {
    const lesionModel = values['no-lesion-model'] ? null : values['lesion-model'] ? await LesionModel.load(values['lesion-model']) : undefined;
    const landmarkModel = values['no-landmark-model'] ? null : values['landmark-model'] ? await LandmarkModel.load(values['landmark-model']) : undefined;
    const analysis = await analyzeFundus(bytes, {
      maculaDiscDiameters: macula,
      ...(minScore !== undefined ? { reportMinScore: minScore } : {}),
      ...(lesionModel !== undefined ? { lesionModel } : {}),
      ...(landmarkModel !== undefined ? { landmarkModel } : {}),
      keepLesionMaps: values['lesion-maps'],
      ...(values['retina-diameter'] ? { retinaDiameterPx: Number(values['retina-diameter']) } : {}),
    });
    await mkdir(values.out, { recursive: true });
    await writeFile(join(values.out, `${stem}.analysis.json`), `${JSON.stringify(analysisToJson(analysis), null, 2)}\n`);
    if (analysis.images.annotated) await writeFile(join(values.out, `${stem}.annotated.png`), await encodePng(analysis.images.annotated));
    if (analysis.images.enhanced) await writeFile(join(values.out, `${stem}.enhanced.png`), await encodePng(analysis.images.enhanced));
    if (values['lesion-maps'] && analysis.lesionMaps && analysis.transform) {
      const { width, height } = analysis.source;
      for (const cls of lesionClasses) {
        const data = lesionMapToSource(analysis.lesionMaps, cls.code, analysis.transform, width, height);
        await writeFile(join(values.out, `${stem}.lesion-${cls.code}.png`), await encodeGrey({ width, height, data }));
      }
    }
    const q = analysis.quality;
    process.stdout.write(`${stem}: ${q.gradable ? 'gradable' : 'ungradable'} (${q.category}, score ${q.score}${q.reasons.length ? `, ${q.reasons.join(', ')}` : ''}); ${analysis.lesions.length} lesion candidates; DME risk ${analysis.dme ? analysis.dme.risk : 'not assessed'}; ${analysis.timingsMs.total} ms\n`);
    return 0;
  } catch (error) {
    if (isDrgradeError(error)) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      return 2;
    }
    throw error instanceof Error ? error : new DrgradeError('INTERNAL', String(error));
  }
}
