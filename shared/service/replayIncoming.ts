import { toStorageError } from '../storage/toStorageError.js';
import { forEachConcurrently } from './forEachConcurrently.js';
import { gradeBlob, type GradeBlobDeps } from './gradeBlob.js';
import { settle, Tally, type ReplayOptions, type ReplaySummary } from './replayDeadLetters.js';

/**
 * Regrades every source in the incoming container (optionally under a prefix) in this process, e.g. after a new
 * model: `gradeBlob` with `force`, so each gets a fresh result set, still one writer per path. Originals are only
 * read. A source that fails transiently is dead-lettered on its first failure (a later `--poisoned` replay takes it).
 */
export async function replayIncoming(deps: GradeBlobDeps, options: ReplayOptions = {}): Promise<ReplaySummary> {
  const incoming = deps.blobService.getContainerClient(deps.settings.incomingContainer);
  const tally = new Tally();
  async function* names(): AsyncGenerator<string> {
    try {
      for await (const item of incoming.listBlobsFlat(options.prefix ? { prefix: options.prefix } : {})) yield item.name;
    } catch (error) {
      throw toStorageError(error, 'listing incoming blobs');
    }
  }
  await forEachConcurrently(names(), options.concurrency ?? 2, async (name) => {
    tally.add(await settle(gradeBlob(name, deps, { force: true, maxAttempts: 1 })));
  });
  return tally.summary();
}
