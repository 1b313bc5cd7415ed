import { describe, expect, it } from 'vitest';
import { runBlobBench } from '../../../shared/service/runBlobBench.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

describe('runBlobBench', () => {
  it('loses, duplicates and half-writes nothing while the endpoint and storage fail, Azurite restarts and leases lapse, with duplicate deliveries', async () => {
    const figures = await runBlobBench({ count: 6, concurrency: 2, faults: true, duplicateRate: 0.5, modelDir: tinyModelDir, seed: 3, width: 1024 });
    expect(figures).toMatchObject({ uploaded: 6, lost: 0, duplicates: 0, halfWritten: 0 });
    // Storage really failed: Azurite went down once mid-run and the proxy injected faults.
    expect(figures.storageFaults?.azuriteRestart).toBe(1);
    expect(Object.values(figures.storageFaults ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThan(1);
    expect(figures.results).toBe(6);
    expect(figures.deliveries).toBeGreaterThan(6);
    expect(figures.faultCounts).not.toBeNull();
    expect(figures.p95LatencyMs).toBeGreaterThanOrEqual(figures.p50LatencyMs);
    expect(figures.peakRssMb).toBeGreaterThan(0);
  }, 300_000);
});
