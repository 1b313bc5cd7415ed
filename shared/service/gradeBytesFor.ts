import type { Settings } from '../config/settings.js';
import { gradePhotograph } from '../pipeline/gradePhotograph.js';
import type { GradeBytes } from './GradeBytes.js';
import { sharedGrader } from './sharedGrader.js';

/**
 * Binds `gradePhotograph` to the process's shared grader and the app's limits and analysis settings: the one
 * grading function both the blob trigger and the HTTP function use.
 */
export function gradeBytesFor(settings: Settings): GradeBytes {
  return async (bytes, options = {}) => {
    const grader = await sharedGrader(settings);
    return gradePhotograph(bytes, {
      grader,
      analysis: {
        maculaDiscDiameters: settings.maculaDiscDiameters,
        ...(options.previewMaxSide !== undefined ? { previewMaxSide: options.previewMaxSide } : {}),
        ...(options.counter ? { counter: options.counter } : {}),
      },
      limits: { maxImageBytes: settings.maxImageBytes, maxPixels: settings.maxPixels },
      identifierSalt: settings.identifierSalt,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.operatingPoint ? { operatingPoint: options.operatingPoint } : {}),
    });
  };
}
