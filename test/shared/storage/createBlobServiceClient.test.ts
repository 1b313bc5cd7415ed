import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagedIdentityCredential, DefaultAzureCredential } from '@azure/identity';
import { readStorageConnection } from '../../../shared/config/settings.js';
import { createBlobServiceClient } from '../../../shared/storage/createBlobServiceClient.js';
import { toStorageError } from '../../../shared/storage/toStorageError.js';
import { startAzurite, type TestAzurite } from '../../helpers/azurite.js';

let azurite: TestAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => azurite?.stop());

describe('createBlobServiceClient', () => {
  it('talks to Azurite through the connection-string form of the FundusStorage setting', async () => {
    const connection = readStorageConnection({ FundusStorage: azurite.connectionString })!;
    const client = createBlobServiceClient(connection);
    await client.getContainerClient('probe').createIfNotExists();
    expect(await client.getContainerClient('probe').exists()).toBe(true);
  });

  it('uses a user-assigned managed identity for the identity-based form with credential=managedidentity', () => {
    const connection = readStorageConnection({
      FundusStorage__serviceUri: 'https://acct.blob.core.windows.net',
      FundusStorage__credential: 'managedidentity',
      FundusStorage__clientId: '00000000-0000-0000-0000-000000000001',
    })!;
    const client = createBlobServiceClient(connection);
    expect(client.url).toBe('https://acct.blob.core.windows.net/');
    expect(client.credential).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('falls back to the default credential chain otherwise', () => {
    const connection = readStorageConnection({ FundusStorage__blobServiceUri: 'https://acct.blob.core.windows.net' })!;
    expect(createBlobServiceClient(connection).credential).toBeInstanceOf(DefaultAzureCredential);
  });

  it('with timeoutMs, still talks to Azurite with the connection string\'s credential', async () => {
    const connection = readStorageConnection({ FundusStorage: azurite.connectionString })!;
    const client = createBlobServiceClient(connection, { timeoutMs: 5_000 });
    await client.getContainerClient('probe-deadline').createIfNotExists();
    expect(await client.getContainerClient('probe-deadline').exists()).toBe(true);
    expect(() => createBlobServiceClient(connection, { timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it('with timeoutMs, abandons a request to an endpoint that accepts and never answers, as STORAGE_TRANSIENT', async () => {
    // Without the client-side deadline this call never settles and the test fails on vitest's timeout.
    const silent: Server = createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const account = /AccountName=([^;]+)/.exec(azurite.connectionString)![1]!;
      const key = /AccountKey=([^;]+)/.exec(azurite.connectionString)![1]!;
      const connection = readStorageConnection({ FundusStorage: `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${key};BlobEndpoint=http://127.0.0.1:${port}/${account};` })!;
      const client = createBlobServiceClient(connection, { timeoutMs: 200, retry: { maxTries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 20 } });
      const failure = await client.getContainerClient('c').getBlobClient('b').getProperties().then(() => null, (error: unknown) => error);
      expect(failure).not.toBeNull();
      expect(toStorageError(failure, 'reading properties')).toMatchObject({ code: 'STORAGE_TRANSIENT', transient: true });
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 10_000);
});
