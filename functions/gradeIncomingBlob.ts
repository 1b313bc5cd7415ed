import { app, type InvocationContext, type StorageBlobFunctionOptions, type StorageBlobHandler } from '@azure/functions';
import type { BlobServiceClient } from '@azure/storage-blob';
import { readSettings, storageConnectionName, type Settings } from '../shared/config/settings.js';
import { DrgradeError } from '../shared/errors.js';
import { gradeBlob, type GradeBlobOptions, type GradeBlobOutcome } from '../shared/service/gradeBlob.js';
import type { GradeBytes } from '../shared/service/GradeBytes.js';
import { gradeBytesFor } from '../shared/service/gradeBytesFor.js';
import type { ServiceLogger } from '../shared/service/ServiceLogger.js';
import { sharedBlobServiceClient } from '../shared/storage/sharedBlobServiceClient.js';

/** Overrides of {@link createGradeIncomingBlob} (tests, the bench): real components, differently wired. */
export interface GradeIncomingBlobDeps {
  /** @default the process's shared client for `settings.storage` */
  readonly blobService?: BlobServiceClient;
  /** @default `gradeBytesFor(settings)` (the process's shared grader) */
  readonly grade?: GradeBytes;
  /** Passed to `gradeBlob` (attempt limit, lock timing). */
  readonly options?: Pick<GradeBlobOptions, 'maxAttempts' | 'lock' | 'counter'>;
}

/**
 * Builds the blob trigger's handler: resolves the blob name from the trigger metadata and runs `gradeBlob` with the
 * host's payload, which it grades without reading the blob again when the payload's MD5 is the stored `Content-MD5`
 * of the version it locked (else it downloads that version itself, so bytes, ETag and hash belong to one version). Returns the outcome; throws only
 * transient errors, which make the platform retry the delivery.
 */
export function createGradeIncomingBlob(settings: Settings, deps: GradeIncomingBlobDeps = {}): StorageBlobHandler {
  const grade = deps.grade ?? gradeBytesFor(settings);
  let blobService = deps.blobService;
  return async (blob: unknown, context: InvocationContext): Promise<GradeBlobOutcome> => {
    if (!blobService) {
      if (!settings.storage) {
        throw new DrgradeError('STORAGE_FAILED', `Expected a storage connection for ${storageConnectionName} (a connection string or ${storageConnectionName}__serviceUri) but received none`);
      }
      blobService = sharedBlobServiceClient(settings.storage, settings.storageTimeoutMs);
    }
    const name = blobNameOf(context, settings.incomingContainer);
    return gradeBlob(
      name,
      { blobService, settings, grade, log: contextLogger(context) },
      {
        ...deps.options,
        invocationId: context.invocationId,
        ...(blob instanceof Uint8Array ? { payload: blob } : {}),
        ...(context.retryContext ? { retryContext: context.retryContext } : {}),
      },
    );
  };
}

/** The name relative to the incoming container: the `{name}` binding, else the `blobTrigger` path. */
function blobNameOf(context: InvocationContext, container: string): string {
  const metadata = context.triggerMetadata ?? {};
  if (typeof metadata.name === 'string' && metadata.name !== '') return metadata.name;
  const path = metadata.blobTrigger;
  if (typeof path === 'string' && path.startsWith(`${container}/`)) return path.slice(container.length + 1);
  throw new DrgradeError('INTERNAL', `Expected trigger metadata 'name' or 'blobTrigger' under ${container}/ for the blob trigger but received neither`);
}

/** Structured logs through the invocation (hashes only: `gradeBlob` never passes names). */
function contextLogger(context: InvocationContext): ServiceLogger {
  return {
    info: (message, fields) => context.info(message, JSON.stringify(fields)),
    warn: (message, fields) => context.warn(message, JSON.stringify(fields)),
    error: (message, fields) => context.error(message, JSON.stringify(fields)),
  };
}

/** Settings, read once when the host loads this module; the trigger path must be fixed at registration. */
const settings = readSettings();

/** The registered handler. */
export const gradeIncomingBlob = createGradeIncomingBlob(settings);

// Flex Consumption supports only the Event Grid source for blob triggers. Retries: the blob extension redelivers a
// failed blob up to 5 times (host.json `extensions.blobs`; runtime retry policies do not apply to blob triggers);
// gradeBlob counts tries itself and dead-letters the last one into the poison container (docs/storage.md).
/** The registration, exported so tests can check what the host is told. */
export const gradeIncomingBlobRegistration: StorageBlobFunctionOptions = {
  path: `${settings.incomingContainer}/{name}`,
  connection: storageConnectionName,
  source: 'EventGrid',
  handler: gradeIncomingBlob,
};

app.storageBlob('gradeIncomingBlob', gradeIncomingBlobRegistration);
