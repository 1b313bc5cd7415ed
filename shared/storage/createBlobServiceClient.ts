import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient, newPipeline, type RequestPolicyFactory, type StoragePipelineOptions } from '@azure/storage-blob';
import type { StorageConnection } from '../config/settings.js';
import { invalidArgument } from '../errors.js';

/** Options of {@link createBlobServiceClient}. */
export interface CreateBlobServiceClientOptions {
  /**
   * SDK retry policy. Tests shorten it so that an unreachable or throttling account fails fast.
   * @default the SDK's (4 tries, exponential from 4 s)
   */
  retry?: StoragePipelineOptions['retryOptions'];
  /**
   * Client-side deadline of each storage request (each try), in ms: a request with no answer by then is aborted and
   * surfaces as `STORAGE_TRANSIENT` (shared/storage/toStorageError.ts), so a hung endpoint fails the delivery over
   * to a retry instead of hanging the grade. The SDK's own `tryTimeoutInMs` is only a server-side `timeout` query
   * parameter and does not cover a stalled connection. `undefined` = no client-side deadline.
   */
  timeoutMs?: number;
}

/**
 * Builds a blob service client from the typed `FundusStorage` connection: a connection string (Azurite,
 * `UseDevelopmentStorage=true`, account keys) or an identity-based connection, where `credential: managedidentity`
 * uses the (optionally user-assigned, `clientId`) managed identity and anything else the default credential chain,
 * matching how the Functions host reads `<Name>__serviceUri` / `__credential` / `__clientId`.
 */
export function createBlobServiceClient(connection: StorageConnection, options: CreateBlobServiceClientOptions = {}): BlobServiceClient {
  const pipelineOptions: StoragePipelineOptions = options.retry ? { retryOptions: options.retry } : {};
  const { timeoutMs } = options;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw invalidArgument('timeoutMs', 'a positive integer number of milliseconds', timeoutMs);
  let url: string;
  let credential: Parameters<typeof newPipeline>[0];
  if (connection.kind === 'connectionString') {
    const parsed = BlobServiceClient.fromConnectionString(connection.connectionString, pipelineOptions);
    if (timeoutMs === undefined) return parsed;
    // The connection string's endpoint and credential, on a pipeline that also carries the deadline.
    url = parsed.url;
    credential = parsed.credential;
  } else {
    url = connection.blobServiceUri;
    credential = identityCredential(connection);
    if (timeoutMs === undefined) return new BlobServiceClient(url, credential, pipelineOptions);
  }
  const pipeline = newPipeline(credential, pipelineOptions);
  pipeline.factories.push(requestDeadline(timeoutMs));
  return new BlobServiceClient(url, pipeline);
}

function identityCredential(connection: Extract<StorageConnection, { kind: 'identity' }>): TokenCredential {
  if (connection.credential === 'managedidentity') {
    return connection.clientId ? new ManagedIdentityCredential({ clientId: connection.clientId }) : new ManagedIdentityCredential();
  }
  return new DefaultAzureCredential(connection.clientId ? { managedIdentityClientId: connection.clientId } : {});
}

/** Sets the HTTP client's per-request timeout (it aborts a request that has not finished by then). */
function requestDeadline(timeoutMs: number): RequestPolicyFactory {
  return {
    create: (next) => ({
      sendRequest: (request) => {
        request.timeout = request.timeout > 0 ? Math.min(request.timeout, timeoutMs) : timeoutMs;
        return next.sendRequest(request);
      },
    }),
  };
}
