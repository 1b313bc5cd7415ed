import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { DrgradeError } from '../../../shared/errors.js';
import { toStorageError } from '../../../shared/storage/toStorageError.js';

/** A loopback server that answers every request with the status in the first path segment after the container. */
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const status = Number(/\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 500);
    res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': status === 503 ? 'ServerBusy' : 'AuthorizationFailure' });
    res.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>X</Code><Message>m</Message></Error>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/devstoreaccount1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (endpoint: string) =>
  new BlobServiceClient(endpoint, undefined, { retryOptions: { maxTries: 1, tryTimeoutInMs: 5_000 } });

async function failureOf(promise: Promise<unknown>): Promise<DrgradeError> {
  try {
    await promise;
  } catch (error) {
    return toStorageError(error, 'a test call');
  }
  throw new Error('expected a failure');
}

describe('toStorageError', () => {
  it('maps throttling and server errors from a real endpoint to STORAGE_TRANSIENT', async () => {
    for (const status of [503, 500, 429]) {
      const error = await failureOf(client(base).getContainerClient('c').getBlobClient(`${status}`).getProperties());
      expect(error.code).toBe('STORAGE_TRANSIENT');
      expect(error.transient).toBe(true);
      expect(error.message).toMatch(new RegExp(`^Expected storage to complete a test call but received HTTP ${status}`));
    }
  });

  it('maps authorisation failures to the permanent STORAGE_FAILED', async () => {
    const error = await failureOf(client(base).getContainerClient('c').getBlobClient('403').getProperties());
    expect(error.code).toBe('STORAGE_FAILED');
    expect(error.transient).toBe(false);
  });

  it('maps an unreachable account to STORAGE_TRANSIENT', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const error = await failureOf(client(`http://127.0.0.1:${port}/devstoreaccount1`).getContainerClient('c').getBlobClient('x').getProperties());
    expect(error.code).toBe('STORAGE_TRANSIENT');
  });

  it('keeps DrgradeErrors as they are', () => {
    const original = new DrgradeError('INFERENCE_TIMEOUT', 'x');
    expect(toStorageError(original, 'y')).toBe(original);
  });
});
