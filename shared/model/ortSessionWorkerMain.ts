/**
 * The body of one ONNX Runtime worker thread of {@link OrtWorkerSession}: it creates the session from the model
 * bytes in `workerData`, answers `ready` with the graph's names and metadata, then runs one request at a time.
 *
 * It must stay self-contained (no imports, no references outside its own body): the pool starts it with
 * `new Worker(\`(${ortSessionWorkerMain})(...)\`, { eval: true })`, so the same text runs from the compiled
 * package (dist/) and from the TypeScript sources under vitest, with no worker file to locate on disk and no
 * TypeScript loader in the worker. Types are declared loosely here for that reason.
 */
export function ortSessionWorkerMain(ortPath: string): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const ort = require(ortPath) as typeof import('onnxruntime-node');
  /* eslint-enable @typescript-eslint/no-require-imports */
  interface WireTensor {
    type: string;
    dims: readonly number[];
    data: unknown;
  }
  const port = parentPort!;
  const init = workerData as { bytes: Uint8Array | undefined; sessionOptions: Record<string, unknown> };
  const describe = (error: unknown): Record<string, unknown> => {
    const e = error as { name?: unknown; message?: unknown; code?: unknown; details?: unknown; stack?: unknown };
    return {
      name: typeof e?.name === 'string' ? e.name : 'Error',
      message: typeof e?.message === 'string' ? e.message : String(error),
      ...(typeof e?.code === 'string' ? { code: e.code } : {}),
      ...(e?.details !== undefined && typeof e.details === 'object' ? { details: e.details } : {}),
      ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}),
    };
  };
  // The worker owns its outputs: their buffers move to the caller instead of being copied, unless a view covers
  // only part of its buffer or the buffer cannot move (shared memory).
  const movable = (data: unknown): ArrayBuffer | undefined => {
    if (!ArrayBuffer.isView(data)) return undefined;
    const { buffer } = data;
    return buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength ? buffer : undefined;
  };
  // Shared memory with the caller (OrtWorkerSession.ts `Doorbell`): ctl[0] the latest run rung, ctl[1] the latest
  // finished, ctl[2] 1 = answer in `shared`, 2 = answer by message. Frames: Int32 head length at byte 0, the UTF-8
  // JSON head at byte 8, each tensor at the 8-aligned offset the head gives (the same layout as OrtWorkerSession.ts).
  let ctl: Int32Array | undefined;
  let shared: SharedArrayBuffer | undefined;
  type Entry = { name: string; type: string; dims: number[]; offset: number; length: number };
  const arrayTypes: Record<string, { new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView & { slice(): ArrayBufferView }; readonly BYTES_PER_ELEMENT: number }> = {
    float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
    int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array, bool: Uint8Array, float16: Uint16Array,
  } as never;
  const headRoom = (tensors: { name: string; type: string; dims: readonly number[] }[]): number => {
    const longest = Number.MAX_SAFE_INTEGER;
    const sketch = { id: longest, tensors: tensors.map((t) => ({ name: t.name, type: t.type, dims: t.dims.map(() => longest), offset: longest, length: longest })) };
    return 8 + Math.ceil((JSON.stringify(sketch).length * 3) / 8) * 8;
  };
  /** Writes the outputs as a frame when they fit in `buffer`; false when they do not (they then go by message). */
  const writeOutputs = (buffer: SharedArrayBuffer, id: number, outputs: Record<string, WireTensor>): boolean => {
    const list = Object.entries(outputs).map(([name, t]) => ({ name, type: t.type, dims: [...t.dims], data: t.data }));
    if (list.some((t) => !ArrayBuffer.isView(t.data) || arrayTypes[t.type] === undefined)) return false;
    const room = headRoom(list);
    const total = list.reduce((n, t) => n + Math.ceil((t.data as ArrayBufferView).byteLength / 8) * 8, room);
    if (total > buffer.byteLength) return false;
    const bytes = new Uint8Array(buffer);
    const entries: Entry[] = [];
    let offset = room;
    for (const t of list) {
      const view = t.data as ArrayBufferView;
      entries.push({ name: t.name, type: t.type, dims: t.dims, offset, length: view.byteLength / arrayTypes[t.type]!.BYTES_PER_ELEMENT });
      bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), offset);
      offset += Math.ceil(view.byteLength / 8) * 8;
    }
    const { written } = new TextEncoder().encodeInto(JSON.stringify({ id, tensors: entries }), bytes.subarray(8, room));
    new Int32Array(buffer, 0, 1)[0] = written;
    return true;
  };
  void (async () => {
    let session: import('onnxruntime-node').InferenceSession;
    try {
      session = await ort.InferenceSession.create(init.bytes!, init.sessionOptions as import('onnxruntime-node').InferenceSession.SessionOptions);
    } catch (error) {
      port.postMessage({ kind: 'initError', error: describe(error) });
      return;
    }
    // The model bytes were copied into ONNX Runtime; the worker's copy is no longer needed.
    init.bytes = undefined;
    port.postMessage({
      kind: 'ready',
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      inputMetadata: session.inputMetadata,
      outputMetadata: session.outputMetadata,
    });
    const runOnce = async (feedsIn: Record<string, WireTensor>, fetches: string[] | undefined, options: Record<string, unknown> | undefined): Promise<Record<string, WireTensor>> => {
      const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
      for (const [name, t] of Object.entries(feedsIn)) feeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
      const result = fetches === undefined ? await session.run(feeds, options ?? {}) : await session.run(feeds, fetches, options ?? {});
      const outputs: Record<string, WireTensor> = {};
      for (const [name, value] of Object.entries(result)) {
        const tensor = value as import('onnxruntime-node').Tensor;
        if (typeof tensor?.type !== 'string' || !Array.isArray(tensor.dims)) {
          throw new TypeError(`Expected a tensor for output '${name}' but received a non-tensor value`);
        }
        outputs[name] = { type: tensor.type, dims: [...tensor.dims], data: tensor.data };
      }
      return outputs;
    };
    const postResult = (id: number, outputs: Record<string, WireTensor>): void => {
      const transfer: ArrayBuffer[] = [];
      for (const t of Object.values(outputs)) {
        const buffer = movable(t.data);
        if (buffer !== undefined && !transfer.includes(buffer)) transfer.push(buffer);
      }
      try {
        port.postMessage({ kind: 'result', id, outputs }, transfer);
      } catch {
        // A buffer that cannot move (e.g. memory owned by ONNX Runtime) is copied instead.
        port.postMessage({ kind: 'result', id, outputs });
      }
    };
    // Runs rung through shared memory, one at a time, until the worker ends.
    const listen = async (bell: Int32Array): Promise<void> => {
      let seen = Atomics.load(bell, 0);
      for (;;) {
        const wait = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync(bell, 0, seen);
        if (wait.async) await wait.value;
        const rung = Atomics.load(bell, 0);
        if (rung === seen) continue;
        seen = rung;
        const buffer = shared!;
        let mode = 2;
        let id = -1;
        try {
          const length = new Int32Array(buffer, 0, 1)[0]!;
          const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, length).slice())) as { id: number; fetches?: string[]; tensors: Entry[] };
          id = head.id;
          const feeds: Record<string, WireTensor> = {};
          for (const e of head.tensors) feeds[e.name] = { type: e.type, dims: e.dims, data: new arrayTypes[e.type]!(buffer, e.offset, e.length).slice() };
          const outputs = await runOnce(feeds, head.fetches, undefined);
          if (writeOutputs(buffer, id, outputs)) mode = 1;
          else postResult(id, outputs);
        } catch (error) {
          port.postMessage({ kind: 'runError', id, error: describe(error) });
        }
        Atomics.store(bell, 2, mode);
        Atomics.store(bell, 1, rung);
        Atomics.notify(bell, 1);
      }
    };
    port.on('message', (message: { kind: string; id?: number; feeds?: Record<string, WireTensor>; fetches?: string[]; options?: Record<string, unknown>; shared?: { ctl?: SharedArrayBuffer; buffer: SharedArrayBuffer } }) => {
      if (message.kind === 'release') {
        void session.release().then(
          () => port.postMessage({ kind: 'released' }),
          (error: unknown) => port.postMessage({ kind: 'released', error: describe(error) }),
        );
        return;
      }
      if (message.kind !== 'run') return;
      const { id } = message;
      if (message.shared) {
        shared = message.shared.buffer;
        if (message.shared.ctl && !ctl) {
          ctl = new Int32Array(message.shared.ctl);
          void listen(ctl);
        }
      }
      void (async () => {
        try {
          postResult(id!, await runOnce(message.feeds!, message.fetches, message.options));
        } catch (error) {
          port.postMessage({ kind: 'runError', id, error: describe(error) });
        }
      })();
    });
  })();
}
