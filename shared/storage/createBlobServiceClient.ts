import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { StorageConnection } from '../config/settings.js';

/** Options of {@link createBlobServiceClient}. */
export interface CreateBlobServiceClientOptions {
  /**
   * SDK retry policy. Tests shorten it so that an unreachable or throttling account fails fast.
   * @default the SDK's (4 tries, exponential from 4 s)
   */
  retry?: StoragePipelineOptions['retryOptions'];
}

/**
 * Builds a blob service client from the typed `FundusStorage` connection: a connection string (Azurite,
 * `UseDevelopmentStorage=true`, account keys) or an identity-based connection, where `credential: managedidentity`
 * uses the (optionally user-assigned, `clientId`) managed identity and anything else the default credential chain,
 * matching how the Functions host reads `<Name>__serviceUri` / `__credential` / `__clientId`.
 */
export function createBlobServiceClient(connection: StorageConnection, options: CreateBlobServiceClientOptions = {}): BlobServiceClient {
  const pipeline: StoragePipelineOptions = options.retry ? { retryOptions: options.retry } : {};
  if (connection.kind === 'connectionString') {
    return BlobServiceClient.fromConnectionString(connection.connectionString, pipeline);
  }
  let credential: TokenCredential;
  if (connection.credential === 'managedidentity') {
    credential = connection.clientId ? new ManagedIdentityCredential({ clientId: connection.clientId }) : new ManagedIdentityCredential();
  } else {
    credential = new DefaultAzureCredential(connection.clientId ? { managedIdentityClientId: connection.clientId } : {});
  }
  return new BlobServiceClient(connection.blobServiceUri, credential, pipeline);
}
