import type { ServerResponse } from 'node:http';
import azureFunctions, { type HttpResponseInit } from '@azure/functions';

// The package is CommonJS and Node's ESM loader does not see its classes as named exports.
const { HttpResponse } = azureFunctions;

/**
 * Writes a handler's `HttpResponseInit` to a node:http response exactly as the Functions host would serialise it
 * (the SDK's own `HttpResponse` resolves `jsonBody`, default status and content type).
 */
export async function sendHttpResponse(init: HttpResponseInit, res: ServerResponse): Promise<void> {
  const response = new HttpResponse(init);
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['content-length'] = String(body.byteLength);
  res.writeHead(response.status, headers);
  res.end(body);
}
