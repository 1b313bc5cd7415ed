import type { FuzzReport } from './FuzzReport.js';
import type { FuzzTarget } from './FuzzTarget.js';
import { runFuzzTarget, type RunFuzzTargetOptions } from './runFuzzTarget.js';
import { gradeHttpMultipartTarget } from './targets/gradeHttpMultipartTarget.js';
import { gradeHttpRawTarget } from './targets/gradeHttpRawTarget.js';
import { imageDecodeTarget } from './targets/imageDecodeTarget.js';
import { inferenceBinaryTarget } from './targets/inferenceBinaryTarget.js';
import { inferenceJsonTarget } from './targets/inferenceJsonTarget.js';
import { labelsCsvTarget } from './targets/labelsCsvTarget.js';
import { modelManifestTarget } from './targets/modelManifestTarget.js';

/** Starts a target, fuzzes it, and releases it whatever happened. */
type FuzzRun = (options: RunFuzzTargetOptions) => Promise<FuzzReport>;

function fuzzRun<T>(make: () => Promise<FuzzTarget<T>>): FuzzRun {
  return async (options) => {
    const target = await make();
    try {
      return await runFuzzTarget(target, options);
    } finally {
      await target.close();
    }
  };
}

/** Every fuzz target by the name the report uses. */
export const fuzzTargets: Readonly<Record<string, FuzzRun>> = {
  imageDecode: fuzzRun(imageDecodeTarget),
  httpGradeRaw: fuzzRun(gradeHttpRawTarget),
  httpGradeMultipart: fuzzRun(gradeHttpMultipartTarget),
  inferenceJson: fuzzRun(inferenceJsonTarget),
  inferenceBinary: fuzzRun(inferenceBinaryTarget),
  labelsCsv: fuzzRun(labelsCsvTarget),
  modelManifest: fuzzRun(modelManifestTarget),
};
