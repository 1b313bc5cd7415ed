import type { AnalysisResult } from '../analysis/AnalysisResult.js';
import { isDrgradeError } from '../errors.js';
import type { GradeResult } from '../grading/GradeResult.js';
import { buildDiagnosticReportBundle } from '../fhir/buildDiagnosticReportBundle.js';
import type { DecodeCounter } from '../image/DecodeCounter.js';
import { decodeImage, type DecodeLimits } from '../image/decodeImage.js';
import { encodeJpeg, encodePng } from '../image/encodeImage.js';
import { renderReport } from '../report/renderReport.js';
import type { ResultSet } from '../storage/ResultStore.js';

/** Options of {@link buildResultSet}. */
export interface BuildResultSetOptions {
  /** The source photograph, for the report's picture; `null` when it was never read (too large, unsafe name). */
  bytes: Uint8Array | null;
  /** Decode limits (the same as the pipeline's). */
  limits?: DecodeLimits;
  /** Lesion search radius drawn in the report. @default 2 */
  maculaDiscDiameters?: number | null;
  /** Counts a decode of `bytes` (made only when the analysis has no `images.preview`). */
  counter?: Pick<DecodeCounter, 'decodes'>;
}

/** Largest side of the report's picture; callers ask the analysis for a preview of this size to skip a decode here. */
export const reportPictureMaxSide = 1400;

/**
 * Turns a result and its analysis into the files of a result set: the JSON, the annotated and enhanced images
 * (PNG, lossless so overlays stay crisp) and the self-contained report, which shows the source photograph
 * (at most 1400 px, as `drgrade grade` does) under switchable finding layers, and the FHIR R4 Bundle. The report's title is generic:
 * outputs carry no names.
 */
export async function buildResultSet(result: GradeResult, analysis: AnalysisResult | null, options: BuildResultSetOptions): Promise<ResultSet> {
  const [annotatedPng, enhancedPng] = await Promise.all([
    analysis?.images.annotated ? encodePng(analysis.images.annotated) : null,
    analysis?.images.enhanced ? encodePng(analysis.images.enhanced) : null,
  ]);
  let image: { bytes: Uint8Array; mimeType: 'image/jpeg' } | null = null;
  let imageSize = { width: 1, height: 1 };
  const preview = analysis?.images.preview ?? null;
  if (result.status !== 'rejected' && preview) {
    // The analysis resampled it from its own full decode: the bytes are not decoded a third time.
    image = { bytes: await encodeJpeg(preview, { quality: 85 }), mimeType: 'image/jpeg' };
    imageSize = { width: preview.width, height: preview.height };
  } else if (result.status !== 'rejected' && options.bytes) {
    try {
      const { image: small } = await decodeImage(options.bytes, { ...options.limits, ...(options.counter ? { counter: options.counter } : {}), maxSide: reportPictureMaxSide });
      image = { bytes: await encodeJpeg(small, { quality: 85 }), mimeType: 'image/jpeg' };
      imageSize = { width: small.width, height: small.height };
    } catch (error) {
      // The pipeline already judged the bytes; a report without a picture is still a report.
      if (!isDrgradeError(error)) throw error;
    }
  }
  const sourceSize = analysis ? { width: analysis.source.width, height: analysis.source.height } : imageSize;
  const macula = options.maculaDiscDiameters === undefined ? {} : options.maculaDiscDiameters === null ? {} : { maculaDiscDiameters: options.maculaDiscDiameters };
  return {
    resultJson: `${JSON.stringify(result, null, 2)}\n`,
    status: result.status,
    annotatedPng,
    enhancedPng,
    reportHtml: renderReport(result, { image, imageSize, sourceSize, ...macula }),
    fhirJson: `${JSON.stringify(buildDiagnosticReportBundle(result))}\n`,
  };
}
