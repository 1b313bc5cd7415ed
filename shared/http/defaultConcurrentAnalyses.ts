import { availableParallelism, totalmem } from 'node:os';

/**
 * Peak resident memory one analysis of a 4288 × 2848 photograph takes, with headroom: `bench pipeline` peaked at
 * 673–710 MB against 185 MB for the runtime and both models loaded, i.e. about 490–525 MB per analysis since the
 * lesion model reads the image at 1.4× (docs/lesions.md; it was about 300 MB before).
 */
export const analysisMemoryBytes = 576 * 1024 * 1024;

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
