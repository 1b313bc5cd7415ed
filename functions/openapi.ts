import { app, type HttpResponseInit } from '@azure/functions';
import { openApiDocument } from '../shared/http/openApiDocument.js';

/** `GET /api/openapi.json`: the OpenAPI 3.1 document of this API (anonymous, cacheable). */
export async function openapi(): Promise<HttpResponseInit> {
  return { status: 200, headers: { 'cache-control': 'public, max-age=300' }, jsonBody: openApiDocument };
}

app.http('openapi', { route: 'openapi.json', methods: ['GET'], authLevel: 'anonymous', handler: openapi });
