import { createGrader, type GraderSettings } from '../grading/createGrader.js';
import type { Grader } from '../grading/Grader.js';

/** One grader per distinct grader configuration in this process, shared by every function and request. */
const graders = new Map<string, Promise<Grader>>();

/**
 * The process's grader for these settings, created on first use and reused after (an ONNX Runtime session or a
 * remote client with its circuit breaker is expensive and stateful). A failed creation is forgotten so the next
 * call tries again (the model store or endpoint may come back).
 */
export function sharedGrader(settings: GraderSettings): Promise<Grader> {
  const key = JSON.stringify([settings.inferenceUrl, settings.inferenceKey, settings.inferenceTimeoutMs, settings.modelName, settings.modelDir, settings.executionProvider]);
  let grader = graders.get(key);
  if (!grader) {
    grader = createGrader(settings);
    graders.set(key, grader);
    grader.catch(() => {
      if (graders.get(key) === grader) graders.delete(key);
    });
  }
  return grader;
}

/** Closes and forgets every shared grader (CLI shutdown, tests). */
export async function closeSharedGraders(): Promise<void> {
  const all = [...graders.values()];
  graders.clear();
  await Promise.all(all.map((g) => g.then((grader) => grader.close(), () => undefined)));
}
