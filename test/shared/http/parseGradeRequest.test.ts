import { describe, expect, it } from 'vitest';
import { HttpRequest } from '@azure/functions';
import { isDrgradeError, type ErrorCode } from '../../../shared/errors.js';
import { parseGradeRequest } from '../../../shared/http/parseGradeRequest.js';

const url = 'http://localhost/api/grade';
const limits = { maxImageBytes: 1000 };
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

/** Serialises a FormData with the platform's own encoder, as a browser or fetch client would send it. */
async function multipart(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const request = new Request(url, { method: 'POST', body: form });
  return { bytes: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isDrgradeError(error)) return error.code;
    throw error;
  }
}

describe('parseGradeRequest', () => {
  it('accepts a raw image body with an image/* type and reads the query options', async () => {
    const request = new HttpRequest({ method: 'POST', url: `${url}?annotated=true&operatingPoint=high-sensitivity&code=key`, headers: { 'content-type': 'image/png' }, body: { bytes: png } });
    const parsed = await parseGradeRequest(request, limits);
    expect(Array.from(parsed.bytes)).toEqual(Array.from(png));
    expect(parsed.mediaType).toBe('image/png');
    expect(parsed.options).toEqual({ includeAnnotated: true, includeEnhanced: false, operatingPoint: 'high-sensitivity' });
  });

  it('accepts multipart with one file, with and without a declared length', async () => {
    const form = new FormData();
    form.append('note', 'ignored text field');
    form.append('file', new Blob([png], { type: 'image/png' }), 'left eye.png');
    const { bytes, contentType } = await multipart(form);
    const variants: Record<string, string>[] = [{ 'content-type': contentType }, { 'content-type': contentType, 'content-length': String(bytes.byteLength) }];
    for (const headers of variants) {
      const parsed = await parseGradeRequest(new HttpRequest({ method: 'POST', url, headers, body: { bytes } }), limits);
      expect(Array.from(parsed.bytes)).toEqual(Array.from(png));
      expect(parsed.mediaType).toBe('image/png');
    }
  });

  it.each([
    ['no content type', {}, png, 'UNSUPPORTED_FORMAT'],
    ['a text body', { 'content-type': 'text/plain' }, png, 'UNSUPPORTED_FORMAT'],
    ['JSON', { 'content-type': 'application/json' }, new TextEncoder().encode('{}'), 'UNSUPPORTED_FORMAT'],
    ['an empty image body', { 'content-type': 'image/jpeg' }, new Uint8Array(0), 'EMPTY_INPUT'],
    ['a body over the limit', { 'content-type': 'image/jpeg' }, new Uint8Array(1001), 'INPUT_TOO_LARGE'],
    ['a declared length over the limit', { 'content-type': 'image/jpeg', 'content-length': '5000000' }, png, 'INPUT_TOO_LARGE'],
    ['a malformed multipart body', { 'content-type': 'multipart/form-data; boundary=xyz' }, new TextEncoder().encode('garbage without boundaries'), 'INVALID_ARGUMENT'],
  ] as const)('rejects %s', async (_label, headers, bytes, code) => {
    expect(await codeOf(parseGradeRequest(new HttpRequest({ method: 'POST', url, headers: { ...headers }, body: { bytes } }), limits))).toBe(code);
  });

  it.each([
    ['no file', (f: FormData) => f.append('x', 'y'), 'INVALID_ARGUMENT'],
    ['two files', (f: FormData) => { f.append('a', new Blob([png], { type: 'image/png' }), 'a.png'); f.append('b', new Blob([png], { type: 'image/png' }), 'b.png'); }, 'INVALID_ARGUMENT'],
    ['a non-image file', (f: FormData) => f.append('a', new Blob(['hello'], { type: 'text/plain' }), 'a.txt'), 'UNSUPPORTED_FORMAT'],
    ['an empty file', (f: FormData) => f.append('a', new Blob([], { type: 'image/png' }), 'a.png'), 'EMPTY_INPUT'],
    ['a file over the limit', (f: FormData) => f.append('a', new Blob([new Uint8Array(1001)], { type: 'image/png' }), 'a.png'), 'INPUT_TOO_LARGE'],
  ] as const)('rejects multipart with %s', async (_label, fill, code) => {
    const form = new FormData();
    fill(form);
    const { bytes, contentType } = await multipart(form);
    expect(await codeOf(parseGradeRequest(new HttpRequest({ method: 'POST', url, headers: { 'content-type': contentType }, body: { bytes } }), limits))).toBe(code);
  });

  it.each([['annotated=maybe'], ['operatingPoint=%3Cscript%3E'], ['enhanced=yes']])('rejects the invalid option %s', async (query) => {
    const request = new HttpRequest({ method: 'POST', url: `${url}?${query}`, headers: { 'content-type': 'image/png' }, body: { bytes: png } });
    expect(await codeOf(parseGradeRequest(request, limits))).toBe('INVALID_ARGUMENT');
  });
});
