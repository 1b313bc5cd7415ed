import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticFundusJpeg } from '../../helpers/imageBytes.js';

const run = promisify(execFile);
const cli = join(process.cwd(), 'bin', 'drgrade.js');

describe('drgrade analyze (the built CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drgrade-analyze-'));
    await writeFile(join(dir, 'eye one.jpg'), (await syntheticFundusJpeg(21, { grade: 2, width: 900 })).bytes);
    await writeFile(join(dir, 'notes.jpg'), 'this is not an image');
  });

  it('writes <stem>.analysis.json, .annotated.png and .enhanced.png with coordinates in source pixels', async () => {
    const out = join(dir, 'out');
    await run(process.execPath, [cli, 'analyze', join(dir, 'eye one.jpg'), '--out', out]);
    const json = JSON.parse(await readFile(join(out, 'eye one.analysis.json'), 'utf8'));
    expect(typeof json.quality.gradable).toBe('boolean');
    expect(json.quality.score).toBeGreaterThanOrEqual(0);
    expect(Array.isArray(json.quality.reasons)).toBe(true);
    expect(Object.keys(json.fov).sort()).toEqual(['cx', 'cy', 'radius']);
    expect(json.fov.cx).toBeGreaterThan(300);
    expect(json.landmarks.opticDisc).toHaveProperty('radius');
    expect(json.landmarks.fovea).toHaveProperty('x');
    expect(['left', 'right', null]).toContain(json.landmarks.laterality);
    for (const l of json.lesions) expect(Object.keys(l)).toEqual(expect.arrayContaining(['kind', 'class', 'x', 'y', 'radius', 'score']));
    expect(json.timingsMs.total).toBeGreaterThan(0);
    expect(json.disclaimer).toMatch(/Research use only/);
    expect(existsSync(join(out, 'eye one.annotated.png'))).toBe(true);
    expect(existsSync(join(out, 'eye one.enhanced.png'))).toBe(true);
  });

  it('--whole-retina keeps at least as many candidates as the macula filter', async () => {
    const a = join(dir, 'a'), b = join(dir, 'b');
    await run(process.execPath, [cli, 'analyze', join(dir, 'eye one.jpg'), '--out', a]);
    await run(process.execPath, [cli, 'analyze', join(dir, 'eye one.jpg'), '--out', b, '--whole-retina']);
    const n = async (d: string) => JSON.parse(await readFile(join(d, 'eye one.analysis.json'), 'utf8')).lesions.length as number;
    expect(await n(b)).toBeGreaterThanOrEqual(await n(a));
  });

  it('--lesion-maps writes one 8-bit grey map per lesion class at the source size; --min-score lowers what is reported', async () => {
    const out = join(dir, 'maps');
    const model = join(process.cwd(), 'test', 'fixtures', 'tiny-lesion-model');
    await run(process.execPath, [cli, 'analyze', join(dir, 'eye one.jpg'), '--out', out, '--lesion-model', model, '--lesion-maps', '--whole-retina', '--min-score', '0']);
    const json = JSON.parse(await readFile(join(out, 'eye one.analysis.json'), 'utf8'));
    expect(json.lesionModel.name).toBe('tiny-lesion-fixture');
    expect([0, 1, 2, null]).toContain(json.dme?.risk ?? null);
    const { default: sharp } = await import('sharp');
    for (const code of ['MA', 'HE', 'EX', 'SE']) {
      const meta = await sharp(join(out, `eye one.lesion-${code}.png`)).metadata();
      expect([meta.width, meta.height, meta.channels, meta.depth]).toEqual([json.source.width, json.source.height, 1, 'uchar']);
    }
    const strict = join(dir, 'strict');
    await run(process.execPath, [cli, 'analyze', join(dir, 'eye one.jpg'), '--out', strict, '--lesion-model', model, '--whole-retina', '--min-score', '0.99']);
    const n = async (d: string) => JSON.parse(await readFile(join(d, 'eye one.analysis.json'), 'utf8')).lesions.length as number;
    expect(await n(out)).toBeGreaterThan(await n(strict));
    const bad = await run(process.execPath, [cli, 'analyze', join(dir, 'eye one.jpg'), '--out', strict, '--min-score', 'high']).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toMatch(/--min-score/);
  });

  it('exits 2 with one line naming the error code when the file cannot be decoded', async () => {
    const error = await run(process.execPath, [cli, 'analyze', join(dir, 'notes.jpg'), '--out', join(dir, 'bad')]).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(error?.code).toBe(2);
    const lines = error!.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^UNSUPPORTED_FORMAT: /);
  });
});
