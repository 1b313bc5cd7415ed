import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPreservingCameras, run } from '../../../cli/commands/eval-lesions.js';
import { run as synth } from '../../../cli/commands/synth.js';
import { captureStdout } from '../../helpers/captureStdout.js';

/** eval-lesions on two synthetic photographs with their masks (IDRiD layout), as they are and under a camera. */
describe('drgrade eval-lesions (in-process)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drgrade-eval-lesions-'));
    await captureStdout(synth, ['--count', '2', '--seed', '4', '--size', '900', '--masks', '--out', dir]);
  }, 60_000);
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('offers exactly the transforms that keep the masks on their lesions', () => {
    const names = maskPreservingCameras.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['reencoded', 'yellow-green', 'darker-pigment', 'gamma-1.5', 'jpeg-50']));
    for (const moved of ['field-45', 'field-30', 'frame-2196x1958', 'frame-3872x2592', 'shifted-field']) expect(names).not.toContain(moved);
  });

  it('scores the photographs as they are and as a JPEG-50 camera would have saved them', async () => {
    const args = ['--images', dir, '--masks', join(dir, 'masks'), '--json'];
    const plain = await captureStdout(run, args);
    const jpeg = await captureStdout(run, [...args, '--camera', 'jpeg-50']);
    expect([plain.code, jpeg.code]).toEqual([0, 0]);
    const a = JSON.parse(plain.stdout), b = JSON.parse(jpeg.stdout);
    expect([a.camera, b.camera]).toEqual(['none', 'jpeg-50']);
    expect(a.images).toBe(2);
    expect(b.images).toBe(2);
    // Same masks, so the same ground truth; other pixels, so other candidates.
    expect(b.classes.red.groundTruth).toBe(a.classes.red.groundTruth);
    expect(a.classes.red.groundTruth).toBeGreaterThan(0);
    expect(b.classes.MA.aupr).not.toBe(a.classes.MA.aupr);
  }, 120_000);

  it('refuses a camera that moves the retina, naming the ones it takes', async () => {
    await expect(run(['--images', dir, '--masks', join(dir, 'masks'), '--camera', 'field-45'])).rejects.toThrow(/jpeg-50[\s\S]*for --camera/);
  });
});
