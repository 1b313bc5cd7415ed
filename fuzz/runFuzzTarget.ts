import fc from 'fast-check';
import { DrgradeError } from '../shared/errors.js';
import type { FuzzReport } from './FuzzReport.js';
import { FuzzCrash, type FuzzTarget } from './FuzzTarget.js';

/** Options of {@link runFuzzTarget}. */
export interface RunFuzzTargetOptions {
  /** Generated inputs. */
  readonly inputs: number;
  /** fast-check seed: the same seed generates the same inputs. */
  readonly seed: number;
  /** Findings kept in the report. @default 5 */
  readonly keepFindings?: number;
}

const hang = Symbol('hang');

/**
 * Feeds `inputs` generated inputs to a target, one at a time, and counts how each ended. Every input runs (a
 * finding does not stop the run or shrink), so the counts are complete; uncaught exceptions and unhandled
 * rejections during the run count as crashes of the current target.
 */
export async function runFuzzTarget<T>(target: FuzzTarget<T>, options: RunFuzzTargetOptions): Promise<FuzzReport> {
  const counts = { inputs: 0, crashes: 0, hangs: 0, untypedErrors: 0, typedErrors: 0, ok: 0 };
  const findings: string[] = [];
  const codes: Record<string, number> = {};
  const keep = options.keepFindings ?? 5;
  const note = (kind: string, error: unknown) => {
    if (findings.length < keep) findings.push(`${kind} #${counts.inputs}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 300));
  };
  const onCrash = (error: unknown) => {
    counts.crashes++;
    note('crash', error);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    await fc.assert(
      fc.asyncProperty(target.arbitrary, async (input) => {
        counts.inputs++;
        let timer: NodeJS.Timeout | undefined;
        try {
          const outcome = await Promise.race([
            target.run(input).then(() => 'ok' as const),
            new Promise<typeof hang>((resolve) => (timer = setTimeout(() => resolve(hang), target.deadlineMs))),
          ]);
          if (outcome === hang) {
            counts.hangs++;
            note('hang', `no answer within ${target.deadlineMs} ms`);
          } else counts.ok++;
        } catch (error) {
          if (error instanceof DrgradeError) {
            counts.typedErrors++;
            codes[`${error.status} ${error.code}`] = (codes[`${error.status} ${error.code}`] ?? 0) + 1;
          }
          else if (error instanceof FuzzCrash) onCrash(error);
          else {
            counts.untypedErrors++;
            note('untyped', error);
          }
        } finally {
          clearTimeout(timer);
        }
        return true;
      }),
      { numRuns: options.inputs, seed: options.seed, endOnFailure: true },
    );
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  return { ...counts, codes, findings };
}
