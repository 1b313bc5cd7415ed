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
   * Grades a batch. Each input is one CHW float32 tensor of 3 × size × size, made by
   * `shared/grading/imageToTensor.ts`. Returns, per input, five calibrated probabilities (sum 1) in grade order.
   */
  grade(inputs: readonly Float32Array[], options?: { signal?: AbortSignal }): Promise<number[][]>;
  /** Cheap readiness check (used by /api/health). */
  ready(): Promise<boolean>;
  /** Releases the session or connections. */
  close(): Promise<void>;
}
