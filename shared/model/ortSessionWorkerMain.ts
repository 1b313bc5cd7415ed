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
    port.on('message', (message: { kind: string; id?: number; feeds?: Record<string, WireTensor>; fetches?: string[]; options?: Record<string, unknown> }) => {
      if (message.kind === 'release') {
        void session.release().then(
          () => port.postMessage({ kind: 'released' }),
          (error: unknown) => port.postMessage({ kind: 'released', error: describe(error) }),
        );
        return;
      }
      if (message.kind !== 'run') return;
      const { id } = message;
      void (async () => {
        try {
          const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
          for (const [name, t] of Object.entries(message.feeds!)) {
            feeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
          }
          const result = message.fetches === undefined ? await session.run(feeds, message.options ?? {}) : await session.run(feeds, message.fetches, message.options ?? {});
          const outputs: Record<string, WireTensor> = {};
          const transfer: ArrayBuffer[] = [];
          for (const [name, value] of Object.entries(result)) {
            const tensor = value as import('onnxruntime-node').Tensor;
            if (typeof tensor?.type !== 'string' || !Array.isArray(tensor.dims)) {
              throw new TypeError(`Expected a tensor for output '${name}' but received a non-tensor value`);
            }
            const data = tensor.data;
            outputs[name] = { type: tensor.type, dims: [...tensor.dims], data };
            const buffer = movable(data);
            if (buffer !== undefined && !transfer.includes(buffer)) transfer.push(buffer);
          }
          try {
            port.postMessage({ kind: 'result', id, outputs }, transfer);
          } catch {
            // A buffer that cannot move (e.g. memory owned by ONNX Runtime) is copied instead.
            port.postMessage({ kind: 'result', id, outputs });
          }
        } catch (error) {
          port.postMessage({ kind: 'runError', id, error: describe(error) });
        }
      })();
    });
  })();
}
