import type { ModelTensor } from '../model/ModelTensor.js';
import type { ModelManifest } from './ModelManifest.js';

/**
 * A grader turns model-ready tensors into calibrated grade probabilities. Two implementations:
 * in-process ONNX Runtime (`OrtGrader`) and a remote Open Inference Protocol server (`RemoteGrader`).
 */
export interface Grader {
  /** The manifest of the model being served (name, version, sha256, preprocessing, operating points). */
  readonly manifest: ModelManifest;
  /** The execution provider actually in use ('cpu', 'cuda', or 'remote:<provider>'). */
  readonly executionProvider: string;
  /**
   * Grades a batch. Each input is one image tensor of 3 × size × size in the manifest's `input.datatype` (a
   * Float32Array for FP32, a Uint8Array for UINT8) and `input.layout`, made by `shared/grading/imageToTensor.ts`;
   * another type fails with `INVALID_ARGUMENT`. Returns, per input, five calibrated probabilities (sum 1) in grade order.
   */
  grade(inputs: readonly ModelTensor[], options?: { signal?: AbortSignal }): Promise<number[][]>;
  /** Cheap readiness check (used by /api/health). */
  ready(): Promise<boolean>;
  /** Releases the session or connections. */
  close(): Promise<void>;
}
