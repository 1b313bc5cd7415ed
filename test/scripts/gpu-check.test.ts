import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The parts of the script's JSON the tests read. */
interface GpuCheckReport {
  executionProvider: string | null;
  runtime?: string;
  model: unknown;
  grid: unknown;
  gpus: unknown;
  onnxruntimeNode: { cudaProviderPresent: boolean };
  cells?: { batch: number; concurrency: number; requests: number; p50Ms: number; p99Ms: number; imagesPerSecond: number }[];
  error?: { code: string; message: string };
}

const script = fileURLToPath(new URL('../../scripts/gpu-check.mjs', import.meta.url));
const tinyModel = fileURLToPath(new URL('../fixtures/tiny-model', import.meta.url));

function gpuCheck(args: string[]): { status: number | null; report: GpuCheckReport | null; stderr: string } {
  const r = spawnSync(process.execPath, [script, '--model', tinyModel, ...args], { encoding: 'utf8', timeout: 60_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return { status: r.status, report: last ? (JSON.parse(last) as GpuCheckReport) : null, stderr: r.stderr };
}

describe('scripts/gpu-check.mjs', () => {
  it('times every cell of a small grid on the CPU and prints one JSON object saying so', () => {
    const { status, report } = gpuCheck(['--provider', 'cpu', '--batches', '1,4', '--concurrency', '1,2', '--budget-s', '0.4', '--min-requests', '3']);
    expect(status).toBe(0);
    expect(report!.executionProvider).toBe('cpu');
    expect(report!.runtime).toMatch(/^onnxruntime-node \d+\.\d+\.\d+$/);
    expect(report!.model).toMatchObject({ name: 'drgrade-tiny', input: { name: 'input', datatype: 'FP32', shape: [-1, 3, 32, 32] } });
    expect(report!.grid).toMatchObject({ batches: [1, 4], concurrency: [1, 2] });
    expect(report!.gpus === null || Array.isArray(report!.gpus)).toBe(true);
    expect(report!.cells!.map((c) => [c.batch, c.concurrency])).toEqual([[1, 1], [1, 2], [4, 1], [4, 2]]);
    for (const c of report!.cells!) {
      expect(c.requests).toBeGreaterThanOrEqual(3 * c.concurrency);
      expect(c.p50Ms).toBeGreaterThan(0);
      expect(c.p99Ms).toBeGreaterThanOrEqual(c.p50Ms);
      expect(c.imagesPerSecond).toBeGreaterThan(0);
    }
  });

  it('asked for CUDA it either runs on CUDA or exits 3 with EXECUTION_PROVIDER_UNAVAILABLE', () => {
    const { status, report } = gpuCheck(['--provider', 'cuda', '--no-python', '--batches', '1', '--concurrency', '1', '--budget-s', '0.2']);
    if (!report!.onnxruntimeNode.cudaProviderPresent) expect(status).toBe(3);
    if (status === 3) {
      expect(report!.executionProvider).toBeNull();
      expect(report!.error!.code).toBe('EXECUTION_PROVIDER_UNAVAILABLE');
      expect(report!.error!.message).toMatch(/^Expected the cuda execution provider to load but received: /);
      expect(report!.cells).toBeUndefined();
    } else {
      expect(status).toBe(0);
      expect(report!.executionProvider).toBe('cuda');
      expect(report!.cells).toHaveLength(1);
    }
  });

  it('refuses unknown options and bad grids with exit 2 and no JSON', () => {
    const bogus = gpuCheck(['--bogus']);
    expect(bogus.status).toBe(2);
    expect(bogus.report).toBeNull();
    expect(bogus.stderr).toMatch(/Expected a known option but received "--bogus"/);
    const grid = gpuCheck(['--batches', '0,2']);
    expect(grid.status).toBe(2);
    expect(grid.stderr).toMatch(/Expected a comma-separated list of integers 1–1024 for --batches but received "0,2"/);
  });
});
