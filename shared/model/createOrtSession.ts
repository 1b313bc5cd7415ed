import { InferenceSession } from 'onnxruntime-node';
import type { ExecutionProviderPreference } from '../config/settings.js';
import { DrgradeError } from '../errors.js';

/** How an ONNX Runtime session is created (grading and lesion models alike). */
export interface OrtSessionOptions {
  /**
   * Execution provider: 'cpu'; 'cuda' (fails with `EXECUTION_PROVIDER_UNAVAILABLE` when CUDA cannot load);
   * 'auto' (CUDA when it loads, else CPU).
   * @default 'cpu'
   */
  readonly executionProvider?: ExecutionProviderPreference;
  /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose (one per physical core). @default 0 */
  readonly intraOpNumThreads?: number;
  /**
   * Let idle intra-op threads spin-wait for the next run (ONNX Runtime's own default). Off here: drgrade runs
   * inference between other work on the same cores (HTTP parsing in the server, image analysis in the pipeline),
   * and spinning threads take those cores away; measured on a busy 2-core machine, the server's overhead over session.run fell
   * from 11 % to 0.3 % with spinning off (`drgrade bench inference`).
   * @default false
   */
  readonly intraOpSpinning?: boolean;
  /**
   * Keep ONNX Runtime's CPU memory arena (it retains the largest activations between runs). Off for models whose
   * activations are large and that run once per photograph, such as the lesion model on a 1072 × 1072 image: with the
   * arena `bench pipeline` on a 4288 × 2848 photograph peaked at 587 MB RSS, without it at 495 MB (lesion model
   * 107 vs 197 ms on a machine at load 10, so the arena's speed gain is uncertain there).
   * @default true
   */
  readonly cpuMemArena?: boolean;
}

/**
 * Creates an ONNX Runtime session on the asked execution provider: 'cpu'; 'cuda' (fails with
 * `EXECUTION_PROVIDER_UNAVAILABLE` when CUDA cannot load); 'auto' (CUDA when it loads, else CPU). Spinning is off
 * unless asked for.
 */
export async function createOrtSession(bytes: Uint8Array, options: OrtSessionOptions = {}): Promise<{ session: InferenceSession; executionProvider: 'cpu' | 'cuda' }> {
  const preference = options.executionProvider ?? 'cpu';
  const base: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    ...(options.cpuMemArena === false ? { enableCpuMemArena: false } : {}),
    extra: { session: { intra_op: { allow_spinning: options.intraOpSpinning ? '1' : '0' } } },
  };
  if (preference !== 'cpu') {
    try {
      // CPU stays listed so that operators CUDA lacks fall back instead of failing the whole graph.
      const session = await InferenceSession.create(bytes, { ...base, executionProviders: ['cuda', 'cpu'] });
      return { session, executionProvider: 'cuda' };
    } catch (error) {
      if (preference === 'cuda') {
        throw new DrgradeError(
          'EXECUTION_PROVIDER_UNAVAILABLE',
          `Expected the CUDA execution provider to load for executionProvider 'cuda' but received: ${(error as Error).message}. ` +
            "Install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 on a host with CUDA 12 and cuDNN 9, or choose 'auto' or 'cpu'.",
          { cause: error },
        );
      }
    }
  }
  const session = await InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] });
  return { session, executionProvider: 'cpu' };
}

