import { availableParallelism } from 'node:os';
import { InferenceSession } from 'onnxruntime-node';
import type { ExecutionProviderPreference } from '../config/settings.js';
import { DrgradeError, invalidArgument } from '../errors.js';
import { OrtWorkerSession } from './OrtWorkerSession.js';

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
  /**
   * Keep ONNX Runtime's memory pattern: after the first run of an input shape it plans one block for all of that
   * run's activations together. Off for the lesion model on its large tiles: the block holds every layer's buffers
   * at once where the arena alone reuses a layer's freed buffers for the next (pipeline peak 648–661 MB with it,
   * 559–571 MB without, on 752 px tiles; docs/lesions.md).
   * @default true
   */
  readonly memPattern?: boolean;
  /**
   * Worker threads that hold the session and run it off the calling thread ({@link OrtWorkerSession}), so that
   * the event loop stays free while a batch runs (a server keeps answering health probes). 0 creates the session
   * on the calling thread, whose `run` blocks that thread. Each worker holds its own copy of the model. Workers ×
   * intra-op threads stays within the cores: by default one worker per `intraOpNumThreads` cores when that is
   * set, else one worker with ONNX Runtime's own thread count; with more than one worker and
   * `intraOpNumThreads` 0, each worker gets cores / workers threads.
   * @default max(1, floor(cores / intraOpNumThreads)), or 1 when intraOpNumThreads is 0
   */
  readonly sessionWorkers?: number;
  /** Cores to size the worker pool by. @default os.availableParallelism() */
  readonly cores?: number;
}

/**
 * Creates an ONNX Runtime session on the asked execution provider: 'cpu'; 'cuda' (fails with
 * `EXECUTION_PROVIDER_UNAVAILABLE` when CUDA cannot load); 'auto' (CUDA when it loads, else CPU). Spinning is off
 * unless asked for. By default the session runs on worker threads (`sessionWorkers`); the result is an
 * `InferenceSession` either way.
 */
export async function createOrtSession(bytes: Uint8Array, options: OrtSessionOptions = {}): Promise<{ session: InferenceSession; executionProvider: 'cpu' | 'cuda' }> {
  const preference = options.executionProvider ?? 'cpu';
  const cores = options.cores ?? availableParallelism();
  const intraOp = options.intraOpNumThreads ?? 0;
  if (!Number.isInteger(intraOp) || intraOp < 0) throw invalidArgument('intraOpNumThreads', 'an integer >= 0', intraOp);
  const workers = options.sessionWorkers ?? (intraOp > 0 ? Math.max(1, Math.floor(cores / intraOp)) : 1);
  if (!Number.isInteger(workers) || workers < 0) throw invalidArgument('sessionWorkers', 'an integer >= 0', workers);
  const threads = intraOp > 0 ? intraOp : workers > 1 ? Math.max(1, Math.floor(cores / workers)) : 0;
  const base: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(threads ? { intraOpNumThreads: threads } : {}),
    ...(options.cpuMemArena === false ? { enableCpuMemArena: false } : {}),
    ...(options.memPattern === false ? { enableMemPattern: false } : {}),
    extra: { session: { intra_op: { allow_spinning: options.intraOpSpinning ? '1' : '0' } } },
  };
  if (preference !== 'cpu') {
    try {
      // CPU stays listed so that operators CUDA lacks fall back instead of failing the whole graph.
      const session = await open(bytes, { ...base, executionProviders: ['cuda', 'cpu'] }, workers);
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
  const session = await open(bytes, { ...base, executionProviders: ['cpu'] }, workers);
  return { session, executionProvider: 'cpu' };
}

function open(bytes: Uint8Array, sessionOptions: InferenceSession.SessionOptions, workers: number): Promise<InferenceSession> {
  return workers === 0 ? InferenceSession.create(bytes, sessionOptions) : OrtWorkerSession.create(bytes, { workers, sessionOptions });
}

