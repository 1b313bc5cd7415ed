import { toDrgradeError } from '../errors.js';
import { DeadLetterStore } from '../storage/DeadLetterStore.js';
import { forEachConcurrently } from './forEachConcurrently.js';
import { gradeBlob, type GradeBlobDeps, type GradeBlobOutcome } from './gradeBlob.js';

/** What a replay did. */
export interface ReplaySummary {
  /** Sources looked at. */
  readonly considered: number;
  /** Sources that now have a committed result (`written`, or `unchanged` when one already existed). */
  readonly replayed: number;
  /** Sources that failed again (dead-lettered again, or an error). */
  readonly failed: number;
  /** Sources skipped (another container's record, or the source is gone). */
  readonly skipped: number;
  /** Count per outcome action (and per error code for throws). */
  readonly outcomes: Record<string, number>;
}

/** Options of {@link replayDeadLetters}. */
export interface ReplayOptions {
  /** Only sources whose name starts with this. @default '' */
  prefix?: string;
  /** Sources graded at once. @default 2 */
  concurrency?: number;
}

/**
 * Re-runs every dead-lettered source in this process (it does not copy or touch the original, so no new trigger
 * fires): `gradeBlob` with `force` and a single try, so a source that still fails is dead-lettered again with a
 * fresh record instead of retrying here. A success removes the record.
 */
export async function replayDeadLetters(deps: GradeBlobDeps, options: ReplayOptions = {}): Promise<ReplaySummary> {
  const store = new DeadLetterStore(deps.blobService.getContainerClient(deps.settings.poisonContainer));
  const tally = new Tally();
  await forEachConcurrently(store.list(options.prefix ?? ''), options.concurrency ?? 2, async (stored) => {
    if (stored.record.container !== deps.settings.incomingContainer) return tally.skip('other-container');
    tally.add(await settle(gradeBlob(stored.record.name, deps, { force: true, maxAttempts: 1 })));
  });
  return tally.summary();
}

/** Runs one replay and turns a throw into its error code. */
export async function settle(work: Promise<GradeBlobOutcome>): Promise<GradeBlobOutcome | { action: 'error'; code: string }> {
  try {
    return await work;
  } catch (error) {
    return { action: 'error', code: toDrgradeError(error).code };
  }
}

/** Counts replay outcomes. */
export class Tally {
  #considered = 0;
  #replayed = 0;
  #failed = 0;
  #skipped = 0;
  readonly #outcomes: Record<string, number> = {};

  add(outcome: GradeBlobOutcome | { action: 'error'; code: string }): void {
    this.#considered++;
    const key = outcome.action === 'error' ? `error:${outcome.code}` : outcome.action;
    this.#outcomes[key] = (this.#outcomes[key] ?? 0) + 1;
    if (outcome.action === 'written' || outcome.action === 'unchanged' || outcome.action === 'conflict') this.#replayed++;
    else if (outcome.action === 'source-missing') this.#skipped++;
    else this.#failed++;
  }

  skip(reason: string): void {
    this.#considered++;
    this.#skipped++;
    this.#outcomes[reason] = (this.#outcomes[reason] ?? 0) + 1;
  }

  summary(): ReplaySummary {
    return { considered: this.#considered, replayed: this.#replayed, failed: this.#failed, skipped: this.#skipped, outcomes: { ...this.#outcomes } };
  }
}
