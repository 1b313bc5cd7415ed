import azureFunctions, { type HttpHandler, type HttpResponseInit } from '@azure/functions';
import { DrgradeError, errorCatalog, type ErrorCode } from '../shared/errors.js';
import { FuzzUntyped } from './FuzzTarget.js';

// The package is CommonJS and Node's ESM loader does not see its classes as named exports.
const { HttpRequest, HttpResponse, InvocationContext } = azureFunctions;

/** One generated request to `POST /api/grade`. */
export interface GradeHttpInput {
  readonly headers: Record<string, string>;
  readonly query: string;
  readonly body: Uint8Array;
}

/**
 * Calls the grade handler as the host does and reads the answer back through the SDK's own `HttpResponse`. A 200
 * must carry a result, anything else a problem+json with a catalogue code: a problem with code `INTERNAL` (an
 * untyped error the handler caught) or a malformed answer is a `FuzzUntyped`; a problem rethrows as the
 * `DrgradeError` it reports.
 */
export async function callGradeHttp(handler: HttpHandler, input: GradeHttpInput): Promise<void> {
  const request = new HttpRequest({ method: 'POST', url: `http://localhost/api/grade${input.query}`, headers: input.headers, body: { bytes: input.body } });
  const context = new InvocationContext({ functionName: 'gradeHttp', invocationId: '00000000-0000-4000-8000-00000000f022', logHandler: () => undefined });
  const response = new HttpResponse((await handler(request, context)) as HttpResponseInit);
  const text = await response.text();
  let json: { status?: unknown; code?: unknown; detail?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw new FuzzUntyped(`answer ${response.status} is not JSON`);
  }
  if (response.status === 200) {
    if (json.status !== 'graded' && json.status !== 'ungradable') throw new FuzzUntyped(`200 with status ${String(json.status)}`);
    return;
  }
  const code = json.code as ErrorCode;
  if (typeof code !== 'string' || !(code in errorCatalog)) throw new FuzzUntyped(`answer ${response.status} without a catalogue code`);
  if (code === 'INTERNAL') throw new FuzzUntyped(`500 INTERNAL: ${String(json.detail)}`);
  throw new DrgradeError(code, String(json.detail));
}
