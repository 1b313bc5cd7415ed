import { describe, expect, it } from 'vitest';
import { run } from '../../../cli/commands/bench-inference.js';
import { captureStdout } from '../../helpers/captureStdout.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

const capture = (args: string[]) => captureStdout(run, args);

describe('drgrade bench inference', () => {
  it('prints the issue\'s keys and the transport floor, consistent with each other (real servers, tiny model)', async () => {
    const { code, stdout } = await capture(['--model', tinyModelDir, '--samples', '5', '--requests', '24', '--concurrency', '4', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown> & { throughput: { unbatched: number; batched: number } };
    for (const key of ['rawSessionMsBatch1', 'serverMsBatch1', 'overhead', 'batchGain', 'transportFloorMs', 'transportFloorMsEmpty', 'transportFloorOverhead']) {
      expect(typeof report[key], key).toBe('number');
      expect(Number.isFinite(report[key] as number), key).toBe(true);
    }
    const raw = report.rawSessionMsBatch1 as number, served = report.serverMsBatch1 as number;
    expect(raw).toBeGreaterThan(0);
    expect(served).toBeGreaterThan(0);
    // The printed figures are rounded (ms to 3 decimals), so the ratios agree to about 1 %.
    expect(Math.abs((report.overhead as number) - (served / raw - 1))).toBeLessThan(0.01 * (served / raw));
    expect(report.throughput.unbatched).toBeGreaterThan(0);
    expect(report.throughput.batched).toBeGreaterThan(0);
    expect(report.batchGain as number).toBeCloseTo(report.throughput.batched / report.throughput.unbatched, 1);
    expect(report.transportFloorMs as number).toBeGreaterThan(0);
    expect(Math.abs((report.transportFloorOverhead as number) - (report.transportFloorMs as number) / raw)).toBeLessThan(0.01 * ((report.transportFloorMs as number) / raw) + 1e-3);
  }, 120_000);
});
