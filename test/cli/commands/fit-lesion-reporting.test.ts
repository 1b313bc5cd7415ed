import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = join(process.cwd(), 'bin', 'drgrade.js');
const fails = (args: string[]) => run(process.execPath, [cli, 'fit-lesion-reporting', '--images', '/nonexistent', '--labels', '/nonexistent.csv', ...args]).then(() => null, (e: { code: number; stderr: string }) => e);

describe('drgrade fit-lesion-reporting --camera (the built CLI)', () => {
  it('refuses --write with --camera (thresholds are fitted on photographs as they are), and an unknown transform, before reading anything', async () => {
    const write = await fails(['--camera', 'jpeg-50', '--write']);
    expect(write?.code).not.toBe(0);
    expect(write?.stderr).toMatch(/INVALID_ARGUMENT: .*no --write with --camera/);
    const unknown = await fails(['--camera', 'jpeg-33', '--cache', '/tmp/x.jsonl']);
    expect(unknown?.stderr).toMatch(/INVALID_ARGUMENT: .*jpeg-50.*jpeg-33/);
    const two = await fails(['--camera', 'jpeg-50,jpeg-70', '--cache', '/tmp/x.jsonl']);
    expect(two?.stderr).toMatch(/one camera transform name/);
  });
});
