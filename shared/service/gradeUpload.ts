import type { HttpResponseInit } from '@azure/functions';
import { DrgradeError, errorCatalog, type ErrorCode } from '../errors.js';
import type { GradeResult } from '../grading/GradeResult.js';
import { encodePng } from '../image/encodeImage.js';
import type { GradeRequest } from '../http/parseGradeRequest.js';
import type { GradeBytes } from './GradeBytes.js';

/** The 200 body: the result JSON, plus images when asked for. */
export type GradeResponseBody = GradeResult & { images?: { annotated?: string; enhanced?: string } };

/**
 * The HTTP function's core: grades a parsed request and returns the 200 response (the result, and the images asked
 * for as PNG data URIs). A `rejected` result (not an image, too large, unsupported) is thrown as the matching
 * `DrgradeError` so it becomes a problem response; `ungradable` is a normal 200.
 */
export async function gradeUpload(request: GradeRequest, grade: GradeBytes, options: { signal?: AbortSignal } = {}): Promise<HttpResponseInit> {
  const { result, analysis } = await grade(request.bytes, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(request.options.operatingPoint ? { operatingPoint: request.options.operatingPoint } : {}),
  });
  if (result.status === 'rejected') {
    const code = (result.error?.code ?? 'INVALID_ARGUMENT') as ErrorCode;
    throw new DrgradeError(code in errorCatalog ? code : 'INVALID_ARGUMENT', result.error?.message ?? 'Expected a gradable photograph for the request body but received a rejected one');
  }
  const images: { annotated?: string; enhanced?: string } = {};
  if (request.options.includeAnnotated && analysis?.images.annotated) images.annotated = dataUri(await encodePng(analysis.images.annotated));
  if (request.options.includeEnhanced && analysis?.images.enhanced) images.enhanced = dataUri(await encodePng(analysis.images.enhanced));
  const body: GradeResponseBody = Object.keys(images).length > 0 ? { ...result, images } : result;
  return { status: 200, headers: { 'cache-control': 'no-store' }, jsonBody: body };
}

function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}
