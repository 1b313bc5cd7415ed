import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { intOption, parseCli } from '../args.js';
import { invalidArgument } from '../../shared/errors.js';
import type { IcdrGrade } from '../../shared/grading/gradeTable.js';
import { encodeJpeg, encodePng } from '../../shared/image/encodeImage.js';
import type { MaskImage } from '../../shared/image/RgbImage.js';
import { synthFundus } from '../../shared/synth/synthFundus.js';
import { lesionClasses } from '../../shared/lesions/lesionClasses.js';
import { synthLesionMasks } from '../../shared/synth/synthLesionMasks.js';

/** One-line help. */
export const summary = 'Write seeded synthetic fundus photographs and a labels CSV (tests, demos, load)';

const usage = `Usage: drgrade synth --count <n> --out <dir> [--seed <s>] [--size <px>] [--cut-top-bottom] [--jpeg] [--masks]

Writes <out>/synth_0001.png … and <out>/labels.csv (image,dr_grade_icdr,od_x,od_y,fovea_x,fovea_y,…).
Grades cycle 0–4; image i uses seed <s> + i, so any image can be regenerated alone.
  --size            image width in pixels (default 1024; height 3/4 of it, or 2848/4288 with --cut-top-bottom)
  --cut-top-bottom  FOV circle cut at top and bottom, like 4288 × 2848 IDRiD photographs
  --jpeg            write JPEG (quality 92) instead of PNG
  --masks           also write lesion masks as <out>/masks/<MA|HE|EX|OD>/<stem>_<CLS>.png (IDRiD layout)
Synthetic photographs are for software tests only; research use only, not for clinical diagnosis.`;

const csvHeader = ['image', 'dr_grade_icdr', 'od_x', 'od_y', 'fovea_x', 'fovea_y', 'od_radius', 'fov_cx', 'fov_cy', 'fov_radius',
  'laterality', 'seed', 'microaneurysms', 'haemorrhages', 'exudates'];

/** `drgrade synth`: writes synthetic photographs with their labels. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    count: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    size: { type: 'string' },
    'cut-top-bottom': { type: 'boolean' },
    jpeg: { type: 'boolean' },
    masks: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, false);
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.out === undefined) throw invalidArgument('--out', 'an output folder', undefined);
  const count = intOption('count', values.count, 10);
  const size = intOption('size', values.size, 1024, 64);
  const seed = intOption('seed', values.seed, 1, 0);
  const cut = values['cut-top-bottom'] ?? false;
  const extension = values.jpeg ? 'jpg' : 'png';
  await mkdir(values.out, { recursive: true });
  if (values.masks) {
    for (const cls of [...lesionClasses.map((c) => c.idridMask), 'OD']) await mkdir(join(values.out, 'masks', cls), { recursive: true });
  }

  const rows = [csvHeader.join(',')];
  const round1 = (v: number): string => v.toFixed(1);
  for (let i = 0; i < count; i++) {
    const stem = `synth_${String(i + 1).padStart(4, '0')}`;
    const imageSeed = seed + i;
    const { image, truth } = synthFundus({ seed: imageSeed, width: size, grade: (i % 5) as IcdrGrade, cutTopBottom: cut });
    const bytes = values.jpeg ? await encodeJpeg(image, { quality: 92 }) : await encodePng(image);
    await writeFile(join(values.out, `${stem}.${extension}`), bytes);
    if (values.masks) {
      const masks = synthLesionMasks(truth, image.width, image.height);
      for (const [cls, mask] of Object.entries(masks)) {
        await writeFile(join(values.out, 'masks', cls, `${stem}_${cls}.png`), await encodePng(maskToRgb(mask)));
      }
    }
    const byClass = (cls: string) => truth.lesions.filter((l) => l.class === cls).length;
    rows.push([`${stem}.${extension}`, truth.grade, round1(truth.opticDisc.x), round1(truth.opticDisc.y), round1(truth.fovea.x),
      round1(truth.fovea.y), round1(truth.opticDisc.radius), round1(truth.fov.cx), round1(truth.fov.cy), round1(truth.fov.radius),
      truth.laterality, imageSeed, byClass('microaneurysm'), byClass('haemorrhage'), byClass('exudate')].join(','));
  }
  await writeFile(join(values.out, 'labels.csv'), `${rows.join('\n')}\n`);
  process.stdout.write(`drgrade synth: wrote ${count} synthetic photographs and labels.csv\n`);
  return 0;
}

function maskToRgb(mask: MaskImage): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(mask.data.length * 3);
  for (let i = 0; i < mask.data.length; i++) data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = mask.data[i]!;
  return { width: mask.width, height: mask.height, data };
}
