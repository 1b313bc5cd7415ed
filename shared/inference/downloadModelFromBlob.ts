import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { AnonymousCredential, BlobClient, RestError, StorageSharedKeyCredential } from '@azure/storage-blob';
import { DrgradeError, invalidArgument } from '../errors.js';

/** Files a model folder holds (see `loadModel`). */
const modelFiles = ['model.json', 'model.onnx'] as const;

/**
 * Downloads a model folder from Blob Storage into `destDir` and returns `destDir`. `url` names the folder
 * (`https://<account>.blob.core.windows.net/<container>/<prefix>`) or one file in it (`.../model.json`); a SAS
 * query string is kept. `accountUrl` is the blob service endpoint of the one account models may come from
 * (`DRGRADE_MODEL_ACCOUNT_URL`, e.g. `https://<account>.blob.core.windows.net/`, or Azurite's
 * `http://127.0.0.1:10000/devstoreaccount1/`): a URL on any other host, port, scheme or account is refused with
 * `INVALID_ARGUMENT` before any request, so a changed setting cannot make the server load code from elsewhere. The GPU app passes a managed identity credential; checksums are verified afterwards by
 * `loadModel`. Each file lands under a temporary name first, so a failed download never leaves a half file
 * that looks complete. Failures are `MODEL_NOT_FOUND` (404), `STORAGE_TRANSIENT` (throttling, 5xx, network) or
 * `STORAGE_FAILED` (others, e.g. 403 when the identity lacks `Storage Blob Data Reader`).
 */
export async function downloadModelFromBlob(
  url: string,
  destDir: string,
  credential: TokenCredential | StorageSharedKeyCredential | AnonymousCredential,
  accountUrl: string | undefined,
): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument('model URL', 'an absolute blob URL', url);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw invalidArgument('model URL', 'an https blob URL', url);
  if (!isUnderAccount(parsed, accountUrl)) {
    throw new DrgradeError('INVALID_ARGUMENT', `Expected a model URL on the configured storage account (DRGRADE_MODEL_ACCOUNT_URL) but received one ${accountUrl === undefined ? 'with no account configured' : 'on another host or account'}`);
  }
  const folder = parsed.pathname.replace(/\/(model\.json|model\.onnx)$/, '').replace(/\/+$/, '');
  await mkdir(destDir, { recursive: true });
  for (const file of modelFiles) {
    const fileUrl = new URL(parsed.href);
    fileUrl.pathname = `${folder}/${file}`;
    const target = join(destDir, file);
    const partial = `${target}.partial`;
    try {
      await new BlobClient(fileUrl.href, credential).downloadToFile(partial);
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw storageError(error, file);
    }
  }
  return destDir;
}

/** True when `url` has the scheme, host, port and (path-style, as Azurite) account path of `accountUrl`. */
function isUnderAccount(url: URL, accountUrl: string | undefined): boolean {
  if (accountUrl === undefined) return false;
  let account: URL;
  try {
    account = new URL(accountUrl);
  } catch {
    return false;
  }
  const prefix = account.pathname.endsWith('/') ? account.pathname : `${account.pathname}/`;
  return url.origin === account.origin && url.username === '' && url.password === '' && url.pathname.startsWith(prefix);
}

function storageError(error: unknown, file: string): DrgradeError {
  const status = error instanceof RestError ? error.statusCode : undefined;
  if (status === 404) return new DrgradeError('MODEL_NOT_FOUND', `Expected blob ${file} in the model folder but received 404 Not Found`, { cause: error });
  // A RestError without a status is a network failure; anything else without one is local (disk, permissions).
  const transient = error instanceof RestError && (status === undefined || status === 408 || status === 429 || status >= 500);
  const reason = status === undefined ? (error instanceof Error ? error.message : String(error)) : `HTTP ${status}`;
  return new DrgradeError(transient ? 'STORAGE_TRANSIENT' : 'STORAGE_FAILED', `Expected to download blob ${file} of the model folder but received ${reason}`, {
    cause: error,
  });
}
