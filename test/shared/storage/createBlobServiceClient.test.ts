import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagedIdentityCredential, DefaultAzureCredential } from '@azure/identity';
import { readStorageConnection } from '../../../shared/config/settings.js';
import { createBlobServiceClient } from '../../../shared/storage/createBlobServiceClient.js';
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
});
