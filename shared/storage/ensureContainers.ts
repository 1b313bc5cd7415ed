import type { BlobServiceClient } from '@azure/storage-blob';
import { storageStatusOf, toStorageError } from './toStorageError.js';

const ensured = new WeakMap<BlobServiceClient, Map<string, Promise<void>>>();

/**
 * Creates the named containers once per client and process. A 403 is tolerated: with identity-based access the
 * app may hold data-plane rights only, and infra creates the containers anyway.
 */
export async function ensureContainers(service: BlobServiceClient, names: readonly string[]): Promise<void> {
  let byName = ensured.get(service);
  if (!byName) ensured.set(service, (byName = new Map()));
  await Promise.all(
    names.map((name) => {
      let pending = byName.get(name);
      if (!pending) {
        pending = service
          .getContainerClient(name)
          .createIfNotExists()
          .then(
            () => undefined,
            (error: unknown) => {
              if (storageStatusOf(error) === 403) return;
              byName.delete(name);
              throw toStorageError(error, 'creating a container');
            },
          );
        byName.set(name, pending);
      }
      return pending;
    }),
  );
}
