import type { MetadataTensor, Parameters } from './protocol.js';
import type { TensorValue } from './TensorValue.js';

/**
 * What the data plane serves: one model with a leading batch dimension on every input and output.
 * `OrtModelRuntime` is the ONNX Runtime implementation; tests or other runtimes can provide their own.
 */
export interface ModelRuntime {
  /** Model name in URLs (`/v2/models/{name}`). */
  readonly name: string;
  /** The one version served. */
  readonly version: string;
  /** Platform string of the model metadata (Triton's names, e.g. 'onnxruntime_onnx'). */
  readonly platform: string;
  /** Inputs; dimension 0 is the batch and is -1. */
  readonly inputs: readonly MetadataTensor[];
  /** Outputs; dimension 0 is the batch and is -1. */
  readonly outputs: readonly MetadataTensor[];
  /** Extra model metadata (manifest identity, execution provider) exposed as `parameters`. */
  readonly parameters: Parameters;
  /** Runs one batch: each input's dimension 0 is the same batch size, and so is each output's. */
  run(feeds: Readonly<Record<string, TensorValue>>): Promise<Record<string, TensorValue>>;
  /** Releases the runtime. */
  close(): Promise<void>;
}
