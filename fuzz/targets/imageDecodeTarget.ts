import { decodeImage } from '../../shared/image/decodeImage.js';
import type { FuzzTarget } from '../FuzzTarget.js';
import { mutatedBytes } from '../mutatedBytes.js';
import { seedImages } from '../seedImages.js';

/** `decodeImage` (format sniffing, sharp decode, orientation, colour conversion, limits) on mutated photographs. */
export async function imageDecodeTarget(): Promise<FuzzTarget<Uint8Array>> {
  return {
    name: 'imageDecode',
    arbitrary: mutatedBytes(await seedImages()),
    deadlineMs: 10_000,
    run: async (bytes) => {
      await decodeImage(bytes, { maxPixels: 4_000_000, maxImageBytes: 1024 * 1024, maxSide: 128 });
    },
    close: async () => undefined,
  };
}
