import { Tensor } from 'onnxruntime-node';
import { DrgradeError, invalidArgument } from '../errors.js';
import { allocateModelTensor, imageTensorShape, isModelTensorOf, modelInputDatatypes, type ModelTensor } from '../model/ModelTensor.js';
import { calibrate } from './calibrate.js';
import type { Grader } from './Grader.js';
import { loadModel, type LoadedModel, type LoadModelOptions } from './loadModel.js';
import type { ModelManifest } from './ModelManifest.js';

/** Options of {@link OrtGrader.create}. */
export interface OrtGraderOptions extends LoadModelOptions {
  /** Largest batch given to one `session.run`; bigger requests are split. @default 16 */
  readonly maxBatchSize?: number;
  /** Runs one zero batch at load so that the first real call does not pay for lazy initialisation. @default true */
  readonly warmUp?: boolean;
  /** Receives structured log entries (model loaded, provider in use); never image data. @default no logging */
  readonly log?: (entry: Record<string, unknown>) => void;
}

/**
 * In-process grader on onnxruntime-node. The session is created once and reused; a call's inputs are
 * concatenated along the batch axis (the model contract requires a dynamic batch dimension) and run together,
 * then each row is calibrated with the manifest's calibration.
 */
export class OrtGrader implements Grader {
  readonly manifest: ModelManifest;
  readonly executionProvider: string;
  readonly #model: LoadedModel;
  readonly #maxBatchSize: number;
  readonly #inputSize: number;
  #closed = false;

  private constructor(model: LoadedModel, maxBatchSize: number) {
    this.#model = model;
    this.manifest = model.manifest;
    this.executionProvider = model.executionProvider;
    this.#maxBatchSize = maxBatchSize;
    const size = model.manifest.preprocessing.size;
    this.#inputSize = 3 * size * size;
  }

  /** Loads the model folder `dir` (see `loadModel`) and returns a ready grader. */
  static async create(dir: string, options: OrtGraderOptions = {}): Promise<OrtGrader> {
    const maxBatchSize = options.maxBatchSize ?? 16;
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) throw invalidArgument('maxBatchSize', 'an integer >= 1', maxBatchSize);
    const model = await loadModel(dir, options);
    const grader = new OrtGrader(model, maxBatchSize);
    if (options.warmUp ?? true) await grader.#run(allocateModelTensor(model.manifest.input.datatype, grader.#inputSize), 1);
    options.log?.({
      event: 'model_loaded',
      model: model.manifest.name,
      version: model.manifest.version,
      sha256: model.manifest.sha256.slice(0, 12),
      requestedProvider: options.executionProvider ?? 'cpu',
      executionProvider: model.executionProvider,
    });
    return grader;
  }

  async grade(inputs: readonly ModelTensor[], options: { signal?: AbortSignal } = {}): Promise<number[][]> {
    if (this.#closed) throw new DrgradeError('INTERNAL', 'Expected an open grader for grade() but received a closed one');
    const { datatype } = this.manifest.input;
    inputs.forEach((input, i) => {
      if (!isModelTensorOf(input, datatype) || input.length !== this.#inputSize) {
        const size = this.manifest.preprocessing.size;
        throw invalidArgument(`inputs[${i}]`, `a ${modelInputDatatypes[datatype].array.name} (${datatype}) of 3 x ${size} x ${size} = ${this.#inputSize} values`, describeInput(input));
      }
    });
    const results: number[][] = [];
    for (let start = 0; start < inputs.length; start += this.#maxBatchSize) {
      options.signal?.throwIfAborted();
      const chunk = inputs.slice(start, start + this.#maxBatchSize);
      const batch = allocateModelTensor(datatype, chunk.length * this.#inputSize);
      chunk.forEach((input, i) => batch.set(input, i * this.#inputSize));
      const rows = await this.#run(batch, chunk.length);
      for (const row of rows) results.push(calibrate(row, { kind: this.manifest.output.kind, ...this.manifest.calibration }));
    }
    return results;
  }

  async ready(): Promise<boolean> {
    return !this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#model.session.release();
  }

  /** Runs one batch and returns the raw output rows. */
  async #run(batch: ModelTensor, n: number): Promise<Float32Array[]> {
    const { input, output, preprocessing } = this.manifest;
    const dims = imageTensorShape(input.layout, preprocessing.size, n);
    const feed = batch instanceof Uint8Array ? new Tensor('uint8', batch, dims) : new Tensor('float32', batch, dims);
    const feeds = { [input.name]: feed };
    const result = await this.#model.session.run(feeds, [output.name]);
    const tensor = result[output.name];
    const classes = output.shape[1]!;
    if (tensor === undefined || tensor.type !== 'float32' || tensor.dims.length !== 2 || tensor.dims[0] !== n || tensor.dims[1] !== classes) {
      throw new DrgradeError('MODEL_OUTPUT_MISMATCH', `Expected output '${output.name}' of shape [${n}, ${classes}] float32 but received ${tensor ? `[${tensor.dims.join(', ')}] ${tensor.type}` : 'nothing'}`);
    }
    const data = tensor.data as Float32Array;
    // A NaN here comes from the model or the input tensor, not from the caller's arguments.
    if (!data.every(Number.isFinite)) throw new DrgradeError('INTERNAL', `Expected finite values for output '${output.name}' but received NaN or Infinity`);
    const rows: Float32Array[] = [];
    for (let i = 0; i < n; i++) rows.push(data.subarray(i * classes, (i + 1) * classes));
    return rows;
  }
}

/** A caller's wrong input, described without its values. */
function describeInput(input: unknown): unknown {
  if (input instanceof Float32Array || input instanceof Uint8Array) return `a ${input.constructor.name} of ${input.length} values`;
  return input;
}
