import type { HttpHandler } from '@azure/functions';
import { createGradeHttp } from '../functions/gradeHttp.js';
import { readSettings } from '../shared/config/settings.js';
import { closeSharedGraders } from '../shared/service/sharedGrader.js';
import { fuzzModelDir } from './fuzzModelDir.js';

/** Pixels a fuzzed photograph may have: the 96 × 72 seeds are refused by the pixel gate, the few 86 × 65 ones analysed. */
export const fuzzMaxPixels = 6_000;

/**
 * The real `POST /api/grade` handler on the tiny model with small limits (64 KiB, {@link fuzzMaxPixels} pixels,
 * 10 s deadline), so a generated input costs milliseconds unless it decodes into a photograph small enough to be
 * analysed; and a way to release the shared grader.
 */
export function gradeHttpFixture(): { handler: HttpHandler; close: () => Promise<void> } {
  const settings = readSettings({
    DRGRADE_MODEL_DIR: fuzzModelDir(),
    DRGRADE_MAX_IMAGE_BYTES: String(64 * 1024),
    DRGRADE_MAX_PIXELS: String(fuzzMaxPixels),
    DRGRADE_REQUEST_DEADLINE_MS: '10000',
  });
  return { handler: createGradeHttp(settings), close: closeSharedGraders };
}
