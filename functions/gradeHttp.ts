import { app, type HttpHandler, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { readSettings, type Settings } from '../shared/config/settings.js';
import { toDrgradeError } from '../shared/errors.js';
import { AdmissionGate } from '../shared/http/AdmissionGate.js';
import { parseGradeRequest } from '../shared/http/parseGradeRequest.js';
import { prefersFhir, toFhirResponse } from '../shared/http/negotiateFhir.js';
import { problemResponse } from '../shared/http/problemResponse.js';
import { withDeadline } from '../shared/http/withDeadline.js';
import type { GradeBytes } from '../shared/service/GradeBytes.js';
import { gradeBytesFor } from '../shared/service/gradeBytesFor.js';
import { gradeUpload } from '../shared/service/gradeUpload.js';

/** Overrides of {@link createGradeHttp}. */
export interface GradeHttpDeps {
  /** @default `gradeBytesFor(settings)` (the process's shared grader) */
  readonly grade?: GradeBytes;
  /** @default a gate of `settings.maxConcurrentAnalyses` slots and `settings.analysisQueueSize` queue places */
  readonly gate?: AdmissionGate;
}

/**
 * Builds the `POST /api/grade` handler: wait for an analysis slot (503 `SERVICE_OVERLOADED` with Retry-After when
 * the short queue is full), parse (image body or multipart), grade, all under the request deadline
 * (`requestDeadlineMs`, well under the platform's 230 s), answer 200 with the result or an RFC 9457 problem.
 * With `Accept: application/fhir+json` the 200 body is the result's FHIR R4 Bundle. `drgrade serve` runs this same
 * handler on loopback.
 */
export function createGradeHttp(settings: Settings, deps: GradeHttpDeps = {}): HttpHandler {
  const grade = deps.grade ?? gradeBytesFor(settings);
  const gate = deps.gate ?? new AdmissionGate({ maxConcurrent: settings.maxConcurrentAnalyses, maxQueued: settings.analysisQueueSize });
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const started = performance.now();
    let response: HttpResponseInit;
    let code: string | undefined;
    try {
      response = await withDeadline(
        (signal) =>
          gate.run(async () => {
            const parsed = await parseGradeRequest(request, settings);
            const graded = await gradeUpload(parsed, grade, { signal });
            return prefersFhir(request.headers.get('accept')) ? toFhirResponse(graded) : graded;
          }, signal),
        settings.requestDeadlineMs,
      );
    } catch (error) {
      const e = toDrgradeError(error);
      code = e.code;
      response = problemResponse(e, { instance: `urn:uuid:${context.invocationId}` });
      if (e.code === 'INTERNAL') context.error('drgrade.http', JSON.stringify({ event: 'internal-error', error: e.cause instanceof Error ? e.cause.name : 'unknown' }));
    }
    context.info('drgrade.http', JSON.stringify({ event: 'request', status: response.status ?? 200, code, ms: Math.round(performance.now() - started) }));
    return response;
  };
}

/** Settings, read once when the host loads this module. */
const settings = readSettings();

/** The registered handler. */
export const gradeHttp = createGradeHttp(settings);

app.http('gradeHttp', { route: 'grade', methods: ['POST'], authLevel: 'function', handler: gradeHttp });
