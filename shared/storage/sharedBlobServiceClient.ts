import type { BlobServiceClient } from '@azure/storage-blob';
import type { StorageConnection } from '../config/settings.js';
import { createBlobServiceClient } from './createBlobServiceClient.js';

const clients = new Map<string, BlobServiceClient>();

/** The process's blob service client for a connection: created once, reused (it pools connections and tokens). */
export function sharedBlobServiceClient(connection: StorageConnection): BlobServiceClient {
  const key = JSON.stringify(connection);
  let client = clients.get(key);
  if (!client) {
    client = createBlobServiceClient(connection);
    clients.set(key, client);
  }
  return client;
}
