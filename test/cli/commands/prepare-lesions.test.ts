import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQualities, run } from '../../../cli/commands/prepare-lesions.js';
import { decodeImage, decodeMask } from '../../../shared/image/decodeImage.js';
import { encodeGrey, encodePng } from '../../../shared/image/encodeImage.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';
import { captureStdout } from '../../helpers/captureStdout.js';

const temps: string[] = [];
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))); });

describe('drgrade prepare-lesions (in-process)', () => {
  it('writes the photograph and, with --jpeg, its recompressed variants as entries of their own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drgrade-prepare-lesions-'));
    temps.push(dir);
    const photo = synthFundus({ seed: 3, width: 800, grade: 0 });
    await mkdir(join(dir, 'images'));
    await writeFile(join(dir, 'images', 'IDRiD_01.png'), await encodePng(photo.image));
    // One exudate disc, 9 px in radius, at a known place of the source photograph.
    const { width, height } = photo.image;
    const ex = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x - 300) ** 2 + (y - 420) ** 2 <= 81) ex[y * width + x] = 255;
    await mkdir(join(dir, 'masks', 'EX'), { recursive: true });
    await writeFile(join(dir, 'masks', 'EX', 'IDRiD_01_EX.png'), await encodeGrey({ width, height, data: ex }));
    const out = join(dir, 'out');
    const r = await captureStdout(run, ['--images', join(dir, 'images'), '--masks', join(dir, 'masks'), '--out', out, '--jpeg', '30,70']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ written: 1, variants: 2, skipped: 0 });
    const files = (await readdir(out)).sort();
    for (const stem of ['IDRiD_01', 'IDRiD_01@q30', 'IDRiD_01@q70']) {
      for (const suffix of ['enhanced.png', 'json', 'MA.png', 'HE.png', 'EX.png', 'SE.png']) expect(files).toContain(`${stem}.${suffix}`);
    }
    const meta = JSON.parse(await readFile(join(out, 'IDRiD_01@q30.json'), 'utf8'));
    expect(meta).toMatchObject({ stem: 'IDRiD_01@q30', variantOf: 'IDRiD_01', jpegQuality: 30 });
    expect(JSON.parse(await readFile(join(out, 'IDRiD_01.json'), 'utf8')).variantOf).toBeUndefined();
    // The masks follow each entry's own geometry: the disc lands at the same normalised place.
    const sums = await Promise.all(['IDRiD_01', 'IDRiD_01@q30'].map(async (s) => {
      const m = await decodeMask(await readFile(join(out, `${s}.EX.png`)));
      let n = 0, sx = 0;
      for (let i = 0; i < m.data.length; i++) { n += m.data[i]!; sx += m.data[i]! * (i % m.width); }
      return { n, cx: sx / n };
    }));
    expect(sums[0]!.n).toBeGreaterThan(0);
    expect(Math.abs(sums[1]!.n - sums[0]!.n) / sums[0]!.n).toBeLessThan(0.05);
    expect(Math.abs(sums[1]!.cx - sums[0]!.cx)).toBeLessThan(1);
    // The variant's pixels are the compressed photograph's: close to the original's, not equal; q30 further than q70.
    const enhanced = await Promise.all(['IDRiD_01', 'IDRiD_01@q30', 'IDRiD_01@q70'].map(async (s) => (await decodeImage(await readFile(join(out, `${s}.enhanced.png`)))).image.data));
    const meanAbs = (a: Uint8Array, b: Uint8Array) => { let d = 0; for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!); return d / a.length; };
    const d30 = meanAbs(enhanced[0]!, enhanced[1]!), d70 = meanAbs(enhanced[0]!, enhanced[2]!);
    expect(d70).toBeGreaterThan(0);
    expect(d30).toBeGreaterThan(d70);
    expect(d30).toBeLessThan(20);
  }, 60_000);

  it('reads --jpeg as a list of qualities and refuses anything else', () => {
    expect(parseQualities(undefined)).toEqual([]);
    expect(parseQualities('40, 70,40')).toEqual([40, 70]);
    for (const bad of ['', 'abc', '0', '101', '40,x', '4.5']) expect(() => parseQualities(bad)).toThrow(/--jpeg/);
  });
});
