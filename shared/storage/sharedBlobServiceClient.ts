import type { BlobServiceClient } from '@azure/storage-blob';
import type { StorageConnection } from '../config/settings.js';
import { createBlobServiceClient } from './createBlobServiceClient.js';

const clients = new Map<string, BlobServiceClient>();

/**
 * The process's blob service client for a connection and per-request deadline (`timeoutMs`, the
 * `DRGRADE_STORAGE_TIMEOUT_MS` setting): created once, reused (it pools connections and tokens).
 */
export function sharedBlobServiceClient(connection: StorageConnection, timeoutMs?: number): BlobServiceClient {
  const key = JSON.stringify([connection, timeoutMs ?? null]);
  let client = clients.get(key);
  if (!client) {
    client = createBlobServiceClient(connection, timeoutMs === undefined ? {} : { timeoutMs });
    clients.set(key, client);
  }
  return client;
}
