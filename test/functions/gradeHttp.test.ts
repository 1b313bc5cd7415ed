import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import sharp from 'sharp';
import { readSettings, type Settings } from '../../shared/config/settings.js';
import { createGradeHttp } from '../../functions/gradeHttp.js';
import type { ProblemDetails } from '../../shared/http/problemResponse.js';
import type { RunningInferenceServer } from '../../shared/inference/startInferenceServer.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { startFaultyProxy, type FaultMode, type FaultyProxy } from '../../shared/service/startFaultyProxy.js';
import { tinyModelDir } from '../fixtures/tiny-model/tinyModel.js';
import { fundusJpeg } from './blobTestKit.js';
import { startTinyInferenceServer } from './inferenceKit.js';

let inference: RunningInferenceServer;
let photo: Buffer;
const proxies: FaultyProxy[] = [];
const local: Settings = readSettings({ DRGRADE_MODEL_DIR: tinyModelDir, DRGRADE_MAX_IMAGE_BYTES: String(2 * 1024 * 1024) });

beforeAll(async () => {
  [inference, photo] = await Promise.all([startTinyInferenceServer(), fundusJpeg(31)]);
});
afterAll(async () => {
  await closeSharedGraders();
  await Promise.all(proxies.map((p) => p.close()));
  await inference?.close();
});

/** Calls the handler like the host does and reads the answer back through the SDK's own HttpResponse. */
async function call(settings: Settings, init: { body?: Uint8Array; headers?: Record<string, string>; query?: string }) {
  const handler = createGradeHttp(settings);
  const request = new HttpRequest({ method: 'POST', url: `http://localhost/api/grade${init.query ?? ''}`, headers: init.headers ?? {}, body: init.body ? { bytes: init.body } : {} });
  const context = new InvocationContext({ functionName: 'gradeHttp', invocationId: 'b7c1d6a2-0000-4000-8000-000000000001' });
  const response = new HttpResponse((await handler(request, context)) as HttpResponseInit);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as Record<string, unknown> };
}

async function remote(mode: FaultMode, env: Record<string, string> = {}): Promise<Settings> {
  const proxy = await startFaultyProxy({ target: inference.url, mode });
  proxies.push(proxy);
  return readSettings({ DRGRADE_MODEL_DIR: tinyModelDir, DRGRADE_INFERENCE_URL: proxy.url, DRGRADE_INFERENCE_TIMEOUT_MS: '400', ...env });
}

describe('POST /api/grade', () => {
  it('answers 200 with the result for an image body, and the annotated image when asked', async () => {
    const { status, headers, json } = await call(local, { body: photo, headers: { 'content-type': 'image/jpeg' }, query: '?annotated=true' });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(json.status).toBe('graded');
    expect(json.disclaimer).toMatch(/not for clinical diagnosis/i);
    const annotated = (json.images as { annotated: string }).annotated;
    expect(annotated).toMatch(/^data:image\/png;base64,/);
    const meta = await sharp(Buffer.from(annotated.split(',')[1]!, 'base64')).metadata();
    expect(meta.format).toBe('png');
    expect((json.images as { enhanced?: string }).enhanced).toBeUndefined();
  });

  it('accepts multipart with one file', async () => {
    const form = new FormData();
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'eye.jpg');
    const encoded = new Request('http://localhost/', { method: 'POST', body: form });
    const { status, json } = await call(local, { body: new Uint8Array(await encoded.arrayBuffer()), headers: { 'content-type': encoded.headers.get('content-type')! } });
    expect(status).toBe(200);
    expect(json.status).toBe('graded');
  });

  it('answers 200 ungradable for a photograph that is not a usable retina', async () => {
    const black = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 0, g: 0, b: 0 } } }).jpeg().toBuffer();
    const { status, json } = await call(local, { body: black, headers: { 'content-type': 'image/jpeg' } });
    expect(status).toBe(200);
    expect(json.status).toBe('ungradable');
  });

  it.each([
    ['400 for bytes that are not an image', { body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), headers: { 'content-type': 'image/jpeg' } }, 400, 'CORRUPT_IMAGE'],
    ['400 for an empty body', { body: new Uint8Array(0), headers: { 'content-type': 'image/jpeg' } }, 400, 'EMPTY_INPUT'],
    ['413 over the size limit', { body: new Uint8Array(2 * 1024 * 1024 + 1), headers: { 'content-type': 'image/jpeg' } }, 413, 'INPUT_TOO_LARGE'],
    ['415 for a non-image content type', { body: Buffer.from('hello'), headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_FORMAT'],
    ['415 for an image format we refuse', { body: Buffer.from('GIF89a....'), headers: { 'content-type': 'image/gif' } }, 415, 'UNSUPPORTED_FORMAT'],
    ['400 for an invalid option', { body: Buffer.from('x'), headers: { 'content-type': 'image/jpeg' }, query: '?annotated=perhaps' }, 400, 'INVALID_ARGUMENT'],
  ] as const)('answers %s as problem+json', async (_label, init, status, code) => {
    const response = await call(local, { ...init, body: Buffer.from(init.body), headers: { ...init.headers } });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = response.json as unknown as ProblemDetails;
    expect(problem).toMatchObject({ status, code, type: `urn:drgrade:problem:${code.toLowerCase().replace(/_/g, '-')}`, instance: 'urn:uuid:b7c1d6a2-0000-4000-8000-000000000001' });
    expect(problem.detail).toMatch(/^Expected /);
  });

  it('answers 503 with Retry-After when the inference endpoint is down', async () => {
    const { status, headers, json } = await call(await remote('down'), { body: photo, headers: { 'content-type': 'image/jpeg' } });
    expect(status).toBe(503);
    expect(Number(headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(['INFERENCE_UNAVAILABLE', 'CIRCUIT_OPEN']).toContain(json.code);
    expect(json.transient).toBe(true);
  });

  it('answers 502 when the endpoint returns garbage', async () => {
    const { status, json } = await call(await remote('garbage'), { body: photo, headers: { 'content-type': 'image/jpeg' } });
    expect(status).toBe(502);
    expect(json.code).toBe('INFERENCE_BAD_RESPONSE');
  });

  it('answers 504 when the endpoint stalls past the request deadline', async () => {
    const settings = await remote('stall', { DRGRADE_INFERENCE_TIMEOUT_MS: '60000', DRGRADE_REQUEST_DEADLINE_MS: '1500' });
    const { status, json } = await call(settings, { body: photo, headers: { 'content-type': 'image/jpeg' } });
    expect(status).toBe(504);
    expect(json.code).toBe('DEADLINE_EXCEEDED');
  });

  it('answers 200 through a healthy remote endpoint', async () => {
    const { status, json } = await call(await remote('ok'), { body: photo, headers: { 'content-type': 'image/jpeg' } });
    expect(status).toBe(200);
    expect((json.provenance as { executionProvider: string }).executionProvider).toMatch(/^remote:/);
  });
});
