import { availableParallelism, totalmem } from 'node:os';

/**
 * Peak resident memory one analysis of a 4288 × 2848 photograph takes, with headroom: `bench pipeline` peaked at
 * 560–577 MB against 185 MB for the runtime and both models loaded, i.e. about 375–392 MB per analysis with the
 * lesion model at 1.4× on tiles with its memory arena (docs/lesions.md; about 300 MB at scale 1).
 */
export const analysisMemoryBytes = 448 * 1024 * 1024;

/** Memory kept for the runtime, the model and the host before any analysis. */
const baseMemoryBytes = 512 * 1024 * 1024;

/**
 * The default bound on photographs analysed at once by one instance: one per core (analysis is CPU-bound and
 * single-threaded), but no more than the memory holds at {@link analysisMemoryBytes} each after
 * a 512 MiB base, and at least one. Memory is the cgroup limit when Node sees one (containers, Flex Consumption
 * instances), else the machine's.
 */
export function defaultConcurrentAnalyses(cores = availableParallelism(), memoryBytes = instanceMemoryBytes()): number {
  const byMemory = Math.floor((memoryBytes - baseMemoryBytes) / analysisMemoryBytes);
  return Math.max(1, Math.min(cores, byMemory));
}

function instanceMemoryBytes(): number {
  // `process.constrainedMemory()` is 0 or undefined without a limit, and absent on older Node releases.
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  const total = totalmem();
  return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}
