import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../cli/commands/analyze.js';
import { synthDicom } from '../../../shared/synth/synthDicom.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';
import { captureStdout } from '../../helpers/captureStdout.js';

describe('drgrade analyze with DICOM input (in-process)', () => {
  it('analyses a DICOM file recognised by content, without a .dcm name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drgrade-analyze-dicom-'));
    await writeFile(join(dir, 'eye'), await synthDicom(synthFundus({ seed: 61, width: 640, grade: 2 }).image, { syntax: 'implicit' }));
    const r = await captureStdout(run, [join(dir, 'eye'), '--out', join(dir, 'out'), '--no-lesion-model']);
    expect(r.code).toBe(0);
    const json = JSON.parse(await readFile(join(dir, 'out', 'eye.analysis.json'), 'utf8')) as { fov: unknown; quality: { gradable: boolean } };
    expect(json.fov).not.toBeNull();
    expect(typeof json.quality.gradable).toBe('boolean');
  });
});
