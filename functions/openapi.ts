import { app, type HttpResponseInit } from '@azure/functions';
import { openApiDocument } from '../shared/http/openApiDocument.js';

/** `GET /api/openapi.json`: the OpenAPI 3.1 document of this API (behind the function key like every route but health; cacheable). */
export async function openapi(): Promise<HttpResponseInit> {
  return { status: 200, headers: { 'cache-control': 'public, max-age=300' }, jsonBody: openApiDocument };
}

app.http('openapi', { route: 'openapi.json', methods: ['GET'], authLevel: 'function', handler: openapi });
