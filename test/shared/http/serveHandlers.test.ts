import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../../shared/config/settings.js';
import { createGradeHttp } from '../../../functions/gradeHttp.js';
import { createHealth } from '../../../functions/health.js';
import { openapi } from '../../../functions/openapi.js';
import { serveHandlers, type LocalServer } from '../../../shared/http/serveHandlers.js';
import { encodeJpeg } from '../../../shared/image/encodeImage.js';
import { closeSharedGraders } from '../../../shared/service/sharedGrader.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

let server: LocalServer;
let photo: Buffer;
const logs: string[] = [];

beforeAll(async () => {
  const settings = readSettings({ DRGRADE_MODEL_DIR: tinyModelDir, DRGRADE_MAX_IMAGE_BYTES: String(1024 * 1024) });
  photo = await encodeJpeg(synthFundus({ seed: 41, width: 1024 }).image);
  server = await serveHandlers(
    [
      { method: 'POST', path: '/api/grade', functionName: 'gradeHttp', handler: createGradeHttp(settings) },
      { method: 'GET', path: '/api/health', functionName: 'health', handler: createHealth(settings) },
      { method: 'GET', path: '/api/openapi.json', functionName: 'openapi', handler: openapi },
    ],
    { maxBodyBytes: settings.maxImageBytes + 65_536, log: (level, fn, args) => logs.push(`${level} ${fn} ${args.map(String).join(' ')}`) },
  );
});
afterAll(async () => {
  await server?.close();
  await closeSharedGraders();
});

describe('serveHandlers (drgrade serve)', () => {
  it('serves the grade handler over real HTTP on loopback', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/api/grade?enhanced=true`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { status: string; images: { enhanced: string } };
    expect(body.status).toBe('graded');
    expect(body.images.enhanced).toMatch(/^data:image\/png;base64,/);
  });

  it('accepts a multipart upload from fetch and logs nothing of the file name', async () => {
    const form = new FormData();
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'Patient Smith OD.jpg');
    const response = await fetch(`${server.url}/api/grade`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(logs.join('\n')).not.toContain('Smith');
    expect(logs.some((l) => l.includes('drgrade.http'))).toBe(true);
  });

  it('answers problem+json for errors raised by the handler and by the transport', async () => {
    const corrupt = await fetch(`${server.url}/api/grade`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) });
    expect(corrupt.status).toBe(400);
    expect(corrupt.headers.get('content-type')).toBe('application/problem+json');
    expect(((await corrupt.json()) as { code: string }).code).toBe('CORRUPT_IMAGE');

    const huge = await fetch(`${server.url}/api/grade`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(1024 * 1024 + 65_537) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { code: string }).code).toBe('INPUT_TOO_LARGE');

    const missing = await fetch(`${server.url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('NOT_FOUND');

    const wrongMethod = await fetch(`${server.url}/api/grade`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    await wrongMethod.arrayBuffer();
  });

  it('serves health and the OpenAPI document', async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', storage: { configured: false }, inference: { mode: 'local', ready: true } });
    const doc = await fetch(`${server.url}/api/openapi.json`);
    expect(((await doc.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });
});
