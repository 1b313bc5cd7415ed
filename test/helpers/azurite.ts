import { BlobServiceClient } from '@azure/storage-blob';
import { createBlobServiceClient } from '../../shared/storage/createBlobServiceClient.js';
import { startAzurite as startAzuriteProcess, type AzuriteBlob } from '../../shared/storage/startAzurite.js';

/** A test's Azurite: the running instance plus a client whose retries are short, so outages fail fast. */
export interface TestAzurite extends AzuriteBlob {
  readonly blobService: BlobServiceClient;
}

/**
 * Starts `azurite-blob --inMemoryPersistence --blobPort 0 --skipApiVersionCheck --loose` on an ephemeral loopback
 * port (the port is parsed from its "listens on" line). Call `stop()` in `afterAll`.
 */
export async function startAzurite(): Promise<TestAzurite> {
  const azurite = await startAzuriteProcess();
  const blobService = createBlobServiceClient(
    { kind: 'connectionString', connectionString: azurite.connectionString },
    { retry: { maxTries: 2, retryDelayInMs: 50, maxRetryDelayInMs: 200, tryTimeoutInMs: 10_000 } },
  );
  return { ...azurite, blobService };
}
