import { rm } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningInferenceServer } from '../../../shared/inference/startInferenceServer.js';
import { writeSlowModelDir } from '../model/slowModel.js';
import { auth, startTinyServer } from './tinyServer.js';

describe('health during a long batch', () => {
  let dir: string;
  let running: RunningInferenceServer;

  beforeAll(async () => {
    dir = await writeSlowModelDir();
    running = await startTinyServer({ modelDir: dir });
  });

  afterAll(async () => {
    await running?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers /v2/health/live and /v2/health/ready while a batch runs', async () => {
    const rows = 128;
    const body = JSON.stringify({ inputs: [{ name: 'input', shape: [rows, 3, 32, 32], datatype: 'FP32', data: new Array<number>(rows * 3072).fill(0) }] });
    const arrived: string[] = [];
    const batchesBefore = running.metrics.batches;
    const infer = fetch(`${running.url}/v2/models/drgrade/infer`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body }).then(async (res) => {
      const json = (await res.json()) as { outputs: { shape: number[] }[] };
      arrived.push('infer');
      return { status: res.status, shape: json.outputs[0]!.shape };
    });
    // The batch has started (and its session.run been handed to ONNX Runtime) once the batcher counted it.
    while (running.metrics.batches === batchesBefore) await nextTurn();
    const probe = (path: string): Promise<number> =>
      fetch(`${running.url}${path}`).then(async (res) => {
        await res.arrayBuffer();
        arrived.push(path);
        return res.status;
      });
    const [live, ready] = await Promise.all([probe('/v2/health/live'), probe('/v2/health/ready')]);
    expect([live, ready]).toEqual([200, 200]);
    expect(await infer).toEqual({ status: 200, shape: [rows, 5] });
    // Both probes were answered before the batch's response: the run did not hold the event loop.
    expect(arrived.indexOf('infer')).toBe(2);
  });
});
