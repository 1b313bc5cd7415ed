import { describe, expect, it } from 'vitest';
import { runBlobBench } from '../../../shared/service/runBlobBench.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

describe('runBlobBench', () => {
  it('loses and duplicates nothing while the endpoint fails, stalls and returns garbage, with duplicate deliveries', async () => {
    const figures = await runBlobBench({ count: 6, concurrency: 2, faults: true, duplicateRate: 0.5, modelDir: tinyModelDir, seed: 3, width: 1024 });
    expect(figures).toMatchObject({ uploaded: 6, lost: 0, duplicates: 0 });
    expect(figures.results).toBe(6);
    expect(figures.deliveries).toBeGreaterThan(6);
    expect(figures.faultCounts).not.toBeNull();
    expect(figures.p95LatencyMs).toBeGreaterThanOrEqual(figures.p50LatencyMs);
    expect(figures.peakRssMb).toBeGreaterThan(0);
  }, 300_000);
});
