import { Tensor } from 'onnxruntime-node';
import { DrgradeError } from '../errors.js';
import type { LoadedModel } from '../grading/loadModel.js';
import { datatypeByOrtType, tensorDatatypes, type TensorArray } from './datatypes.js';
import type { ModelRuntime } from './ModelRuntime.js';
import type { MetadataTensor, Parameters } from './protocol.js';
import type { TensorValue } from './TensorValue.js';

/**
 * Serves a model loaded by `loadModel` (manifest checked, checksum verified) through its ONNX Runtime session.
 * Model metadata `parameters` carry the manifest's identity, the provider in use and the whole manifest as JSON,
 * so that clients can check they talk to the model they expect.
 */
export class OrtModelRuntime implements ModelRuntime {
  readonly name: string;
  readonly version: string;
  readonly platform = 'onnxruntime_onnx';
  readonly inputs: readonly MetadataTensor[];
  readonly outputs: readonly MetadataTensor[];
  readonly parameters: Parameters;
  readonly #model: LoadedModel;

  /** `name` is the name served in URLs; it defaults to the manifest's name. */
  constructor(model: LoadedModel, options: { name?: string } = {}) {
    const { manifest } = model;
    this.#model = model;
    this.name = options.name ?? manifest.name;
    this.version = manifest.version;
    this.inputs = [{ name: manifest.input.name, datatype: manifest.input.datatype, shape: [-1, ...manifest.input.shape.slice(1)] }];
    this.outputs = [{ name: manifest.output.name, datatype: 'FP32', shape: [-1, ...manifest.output.shape.slice(1)] }];
    this.parameters = {
      manifest_name: manifest.name,
      manifest_version: manifest.version,
      manifest_sha256: manifest.sha256,
      execution_provider: model.executionProvider,
      manifest: JSON.stringify(manifest),
    };
  }

  async run(feeds: Readonly<Record<string, TensorValue>>): Promise<Record<string, TensorValue>> {
    const ortFeeds: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      const type = tensorDatatypes[t.datatype].ortType;
      ortFeeds[name] = new Tensor(type, t.data as Float32Array, [...t.shape]);
    }
    const result = await this.#model.session.run(ortFeeds, this.outputs.map((o) => o.name));
    const out: Record<string, TensorValue> = {};
    for (const { name } of this.outputs) {
      const tensor = result[name];
      const datatype = tensor === undefined ? undefined : datatypeByOrtType[tensor.type];
      if (tensor === undefined || datatype === undefined) {
        throw new DrgradeError('MODEL_OUTPUT_MISMATCH', `Expected a numeric tensor for output '${name}' but received ${tensor?.type ?? 'nothing'}`);
      }
      out[name] = { datatype, shape: [...tensor.dims], data: tensor.data as TensorArray };
    }
    return out;
  }

  async close(): Promise<void> {
    await this.#model.session.release();
  }
}
