import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type ServeBenchFigures } from '../../../cli/commands/bench-serve.js';
import { isDrgradeError } from '../../../shared/errors.js';
import { encodeJpeg } from '../../../shared/image/encodeImage.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';
import { captureStdout } from '../../helpers/captureStdout.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

let dir: string;
let image: string;
const saved: Record<string, string | undefined> = {};
// The served child inherits this environment: the tiny model and a bound of one analysis with no queue.
const env = { DRGRADE_MODEL_DIR: tinyModelDir, DRGRADE_MAX_CONCURRENT_ANALYSES: '1', DRGRADE_ANALYSIS_QUEUE_SIZE: '0' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drgrade-bench-serve-'));
  image = join(dir, 'eye.jpg');
  await writeFile(image, await encodeJpeg(synthFundus({ seed: 5, width: 1024 }).image));
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(dir, { recursive: true, force: true });
});

describe('drgrade bench serve', () => {
  it('counts every request as ok or 503 against a bounded server, with no other 5xx, and reads the server peak RSS', async () => {
    const { code, stdout } = await captureStdout(run, ['--image', image, '--concurrency', '6', '--amount', '12', '--json']);
    const figures = JSON.parse(stdout) as ServeBenchFigures;
    expect(code).toBe(0);
    expect(figures.requests).toBe(12);
    expect(figures.ok + figures.status503).toBe(12);
    expect(figures.ok).toBeGreaterThanOrEqual(1);
    expect(figures.status5xxOther).toBe(0);
    expect(figures.transportErrors).toBe(0);
    expect(figures.p99Ms).toBeGreaterThanOrEqual(figures.p50Ms);
    expect(figures.peakRssMb).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a server that is not on loopback and loads beyond its bounds', async () => {
    for (const args of [['--url', 'http://example.org:7071'], ['--concurrency', '100000'], ['--amount', '1000000']]) {
      const error = await run(['--image', image, ...args]).catch((e: unknown) => e);
      expect(isDrgradeError(error, 'INVALID_ARGUMENT'), args.join(' ')).toBe(true);
    }
  });
});
