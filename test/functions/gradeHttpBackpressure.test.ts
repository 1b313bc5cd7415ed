import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { readSettings } from '../../shared/config/settings.js';
import { createGradeHttp } from '../../functions/gradeHttp.js';
import type { ProblemDetails } from '../../shared/http/problemResponse.js';
import type { GradeBytes } from '../../shared/service/GradeBytes.js';
import { gradeBytesFor } from '../../shared/service/gradeBytesFor.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { tinyModelDir } from '../fixtures/tiny-model/tinyModel.js';
import { fundusJpeg } from './blobTestKit.js';

let photo: Buffer;
beforeAll(async () => {
  photo = await fundusJpeg(41);
});
afterAll(closeSharedGraders);

const settings = readSettings({ DRGRADE_MODEL_DIR: tinyModelDir, DRGRADE_MAX_CONCURRENT_ANALYSES: '1', DRGRADE_ANALYSIS_QUEUE_SIZE: '1', DRGRADE_REQUEST_DEADLINE_MS: '60000' });

async function post(handler: ReturnType<typeof createGradeHttp>, id: number) {
  const request = new HttpRequest({ method: 'POST', url: 'http://localhost/api/grade', headers: { 'content-type': 'image/jpeg' }, body: { bytes: photo } });
  const context = new InvocationContext({ functionName: 'gradeHttp', invocationId: `b7c1d6a2-0000-4000-8000-00000000000${id}` });
  const response = new HttpResponse((await handler(request, context)) as HttpResponseInit);
  return { status: response.status, retryAfter: response.headers.get('retry-after'), json: JSON.parse(await response.text()) as Record<string, unknown> };
}

describe('POST /api/grade under load', () => {
  it('grades one at a time, queues one, answers 503 SERVICE_OVERLOADED with Retry-After beyond, then serves again', async () => {
    expect([settings.maxConcurrentAnalyses, settings.analysisQueueSize]).toEqual([1, 1]);
    const real = gradeBytesFor(settings);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    // The real grader, held at its start until the test lets go, so the slot stays taken while the others arrive.
    const grade: GradeBytes = async (bytes, options) => {
      started++;
      await held;
      return real(bytes, options);
    };
    const handler = createGradeHttp(settings, { grade });
    const first = post(handler, 1);
    const second = post(handler, 2);
    const third = await post(handler, 3);
    expect(third.status).toBe(503);
    expect((third.json as unknown as ProblemDetails).code).toBe('SERVICE_OVERLOADED');
    expect(Number(third.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(started).toBe(1);
    release();
    const answers = await Promise.all([first, second]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.json.status)).toEqual(['graded', 'graded']);
    expect(started).toBe(2);
    expect((await post(handler, 4)).status).toBe(200);
  });

  it('answers 504 to a request whose deadline passes while it waits in the queue', async () => {
    const short = readSettings({ DRGRADE_MODEL_DIR: tinyModelDir, DRGRADE_MAX_CONCURRENT_ANALYSES: '1', DRGRADE_ANALYSIS_QUEUE_SIZE: '4', DRGRADE_REQUEST_DEADLINE_MS: '200' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const real = gradeBytesFor(short);
    const handler = createGradeHttp(short, { grade: async (bytes, options) => (await held, real(bytes, options)) });
    const first = post(handler, 5);
    const queued = await post(handler, 6);
    expect(queued.status).toBe(504);
    expect(queued.json.code).toBe('DEADLINE_EXCEEDED');
    release();
    expect((await first).status).toBe(504);
  });
});
