import { describe, expect, it } from 'vitest';
import { DrgradeError, errorCatalog, type ErrorCode } from '../../../shared/errors.js';
import { problemResponse, problemType, type ProblemDetails } from '../../../shared/http/problemResponse.js';

const body = (init: { body?: unknown }) => JSON.parse(String(init.body)) as ProblemDetails;

describe('problemResponse', () => {
  it.each(Object.keys(errorCatalog) as ErrorCode[])('maps %s to its catalogue status and title as problem+json', (code) => {
    const init = problemResponse(new DrgradeError(code, 'Expected x for y but received z'), { instance: 'urn:uuid:1' });
    const entry = errorCatalog[code];
    expect(init.status).toBe(entry.status);
    const headers = init.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/problem+json');
    const problem = body(init);
    expect(problem).toMatchObject({ type: problemType(code), title: entry.title, status: entry.status, code, transient: entry.transient, instance: 'urn:uuid:1' });
    expect(headers['retry-after'] !== undefined).toBe(entry.status === 503);
    // Client errors and transient ones explain themselves; permanent server faults do not leak internals.
    expect(problem.detail).toBe(entry.status >= 500 && !entry.transient ? entry.title : 'Expected x for y but received z');
  });

  it('gives an open circuit a longer Retry-After and honours a hint in details', () => {
    expect((problemResponse(new DrgradeError('CIRCUIT_OPEN', 'open')).headers as Record<string, string>)['retry-after']).toBe('30');
    expect((problemResponse(new DrgradeError('INFERENCE_UNAVAILABLE', 'down')).headers as Record<string, string>)['retry-after']).toBe('5');
    const hinted = problemResponse(new DrgradeError('INFERENCE_UNAVAILABLE', 'down', { details: { retryAfterMs: 12_300 } }));
    expect((hinted.headers as Record<string, string>)['retry-after']).toBe('13');
  });

  it('turns anything else into a 500 INTERNAL without its message', () => {
    const init = problemResponse(new TypeError('secret path /home/clinic/jane.jpg'));
    expect(init.status).toBe(500);
    expect(body(init).detail).not.toContain('jane');
    expect(body(init).code).toBe('INTERNAL');
  });
});
