import { setImmediate as nextTurn } from 'node:timers/promises';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { createOrtSession } from '../../../shared/model/createOrtSession.js';
import { OrtWorkerSession } from '../../../shared/model/OrtWorkerSession.js';
import { onnxModelBytes } from './onnxGraph.js';
import { slowModelBytes } from './slowModel.js';

/** Identity for three element types: what goes in comes back, typed and shaped the same. */
const identityBytes = onnxModelBytes({
  nodes: [
    { opType: 'Identity', inputs: ['f'], outputs: ['f_out'] },
    { opType: 'Identity', inputs: ['u'], outputs: ['u_out'] },
    { opType: 'Identity', inputs: ['i'], outputs: ['i_out'] },
  ],
  inputs: [
    { name: 'f', type: 'float32', shape: ['N', 2] },
    { name: 'u', type: 'uint8', shape: ['N', 3] },
    { name: 'i', type: 'int64', shape: ['N'] },
  ],
  outputs: [
    { name: 'f_out', type: 'float32', shape: ['N', 2] },
    { name: 'u_out', type: 'uint8', shape: ['N', 3] },
    { name: 'i_out', type: 'int64', shape: ['N'] },
  ],
});

describe('OrtWorkerSession', () => {
  let session: InferenceSession;

  beforeAll(async () => {
    ({ session } = await createOrtSession(identityBytes, { sessionWorkers: 2, intraOpNumThreads: 1 }));
  });

  afterAll(async () => {
    await session?.release();
  });

  it('is what createOrtSession returns by default, with the graph names and metadata', () => {
    expect(session).toBeInstanceOf(OrtWorkerSession);
    expect((session as OrtWorkerSession).workerCount).toBe(2);
    expect(session.inputNames).toEqual(['f', 'u', 'i']);
    expect(session.outputNames).toEqual(['f_out', 'u_out', 'i_out']);
    expect(session.inputMetadata.map((m) => (m.isTensor ? m.type : 'other'))).toEqual(['float32', 'uint8', 'int64']);
  });

  it('runs float32, uint8 and int64 tensors and leaves the caller its inputs', async () => {
    const f = Float32Array.from([1.5, -2, 3.25, 4]);
    const u = Uint8Array.from([0, 7, 255, 1, 2, 3]);
    const i = BigInt64Array.from([-5n, 2n ** 40n]);
    const out = await session.run({ f: new Tensor('float32', f, [2, 2]), u: new Tensor('uint8', u, [2, 3]), i: new Tensor('int64', i, [2]) });
    expect(out.f_out).toBeInstanceOf(Tensor);
    expect([out.f_out!.type, out.f_out!.dims, Array.from(out.f_out!.data as Float32Array)]).toEqual(['float32', [2, 2], [1.5, -2, 3.25, 4]]);
    expect([out.u_out!.type, out.u_out!.dims, Array.from(out.u_out!.data as Uint8Array)]).toEqual(['uint8', [2, 3], [0, 7, 255, 1, 2, 3]]);
    expect([out.i_out!.type, out.i_out!.dims, Array.from(out.i_out!.data as BigInt64Array)]).toEqual(['int64', [2], [-5n, 2n ** 40n]]);
    // The inputs were copied, not moved: the caller's arrays are intact.
    expect([f.length, u.length, i.length, f[0], u[2]]).toEqual([4, 6, 2, 1.5, 255]);
  });

  it('sends a view over part of a larger buffer as its own values', async () => {
    const backing = Float32Array.from({ length: 16 }, (_, k) => k);
    const view = backing.subarray(6, 10);
    const out = await session.run({ f: new Tensor('float32', view, [2, 2]), u: new Tensor('uint8', new Uint8Array(6), [2, 3]), i: new Tensor('int64', new BigInt64Array(2), [2]) });
    expect(Array.from(out.f_out!.data as Float32Array)).toEqual([6, 7, 8, 9]);
    expect([backing.length, view.length, backing[15]]).toEqual([16, 4, 15]);
  });

  it('copies an input over shared memory, so the caller\'s later writes do not reach the run', async () => {
    const f = new Float32Array(new SharedArrayBuffer(4 * 4));
    f.set([1, 2, 3, 4]);
    const pending = session.run({ f: new Tensor('float32', f, [2, 2]), u: new Tensor('uint8', new Uint8Array(6), [2, 3]), i: new Tensor('int64', new BigInt64Array(2), [2]) });
    f.fill(-1);
    const out = await pending;
    expect(Array.from(out.f_out!.data as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('honours fetches given as names', async () => {
    const out = await session.run(
      { f: new Tensor('float32', new Float32Array(2), [1, 2]), u: new Tensor('uint8', new Uint8Array(3), [1, 3]), i: new Tensor('int64', new BigInt64Array(1), [1]) },
      ['u_out'],
    );
    expect(Object.keys(out)).toEqual(['u_out']);
  });

  it("rejects with ONNX Runtime's own error when a feed is missing", async () => {
    await expect(session.run({ f: new Tensor('float32', new Float32Array(2), [1, 2]) })).rejects.toThrow(/input 'u' is missing in 'feeds'/);
  });

  it('rejects a run after release with INFERENCE_UNAVAILABLE', async () => {
    const { session: other } = await createOrtSession(identityBytes, { sessionWorkers: 1 });
    await other.release();
    await expect(other.run({})).rejects.toSatisfy((e) => isDrgradeError(e, 'INFERENCE_UNAVAILABLE'));
  });

  it('keeps the event loop turning while a long run is in flight', async () => {
    const { session: slow } = await createOrtSession(slowModelBytes(), { sessionWorkers: 1, intraOpNumThreads: 1 });
    try {
      const order: string[] = [];
      const run = slow.run({ input: new Tensor('float32', new Float32Array(128 * 3072), [128, 3, 32, 32]) }).then(() => order.push('run'));
      for (let i = 0; i < 3; i++) {
        await nextTurn();
        order.push(`turn ${i}`);
      }
      await run;
      expect(order).toEqual(['turn 0', 'turn 1', 'turn 2', 'run']);
    } finally {
      await slow.release();
    }
  });

  it('stays on the calling thread with sessionWorkers 0', async () => {
    const { session: inThread } = await createOrtSession(identityBytes, { sessionWorkers: 0 });
    expect(inThread).not.toBeInstanceOf(OrtWorkerSession);
    await inThread.release();
  });
});

describe('OrtWorkerSession when a worker dies', () => {
  it('fails the run with INFERENCE_UNAVAILABLE and serves the next run from a new worker', async () => {
    const stringIdentity = onnxModelBytes({
      nodes: [{ opType: 'Identity', inputs: ['s'], outputs: ['s_out'] }],
      inputs: [{ name: 's', type: 'string', shape: ['N'] }],
      outputs: [{ name: 's_out', type: 'string', shape: ['N'] }],
    });
    // A 16 MB JavaScript heap: a feed of 2 million distinct strings cannot even arrive in it.
    const session = await OrtWorkerSession.create(stringIdentity, {
      workers: 1,
      sessionOptions: { executionProviders: ['cpu'], intraOpNumThreads: 1 },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    try {
      const huge = Array.from({ length: 2_000_000 }, (_, i) => `row ${i} ${'x'.repeat(40)}`);
      await expect(session.run({ s: new Tensor('string', huge, [huge.length]) })).rejects.toSatisfy((e) => isDrgradeError(e, 'INFERENCE_UNAVAILABLE'));
      const out = await session.run({ s: new Tensor('string', ['a', 'b'], [2]) });
      expect(Array.from(out.s_out!.data as string[])).toEqual(['a', 'b']);
      expect(session.workerCount).toBe(1);
    } finally {
      await session.release();
    }
  });
});
