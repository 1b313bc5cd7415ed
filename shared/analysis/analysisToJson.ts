import { researchDisclaimer } from '../grading/GradeResult.js';
import type { AnalysisResult } from './AnalysisResult.js';
import { analysisVersion } from './analyzeFundus.js';

/** The `<stem>.analysis.json` document: the analysis without pixel data, with the disclaimer. */
export function analysisToJson(analysis: AnalysisResult): Record<string, unknown> {
  return {
    disclaimer: researchDisclaimer,
    analysisVersion,
    source: analysis.source,
    quality: analysis.quality,
    fov: analysis.fov,
    landmarks: analysis.landmarks,
    lesions: analysis.lesions,
    dme: analysis.dme,
    lesionModel: analysis.lesionModel,
    landmarkModel: analysis.landmarkModel,
    transform: analysis.transform,
    timingsMs: analysis.timingsMs,
  };
}
