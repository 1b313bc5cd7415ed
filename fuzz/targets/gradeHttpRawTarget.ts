import fc from 'fast-check';
import { callGradeHttp, type GradeHttpInput } from '../callGradeHttp.js';
import type { FuzzTarget } from '../FuzzTarget.js';
import { gradeHttpFixture } from '../gradeHttpFixture.js';
import { mutatedBytes } from '../mutatedBytes.js';
import { seedImages } from '../seedImages.js';

/** Content-Type values: the accepted ones, near misses and random text. */
export const contentTypes: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('image/jpeg', 'image/png') },
  fc.constantFrom('image/jpeg', 'image/png', 'image/tiff', 'image/webp', 'IMAGE/JPEG; q=1', 'image/', 'image/svg+xml', 'image/gif', 'application/dicom', 'application/octet-stream', 'text/plain', '', ';', 'multipart/form-data'),
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, '')),
);

/** Query strings: the documented options with good and bad values, and random text. */
export const queries: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '?annotated=true', '?enhanced=1&annotated=0', '?annotated=maybe', '?operatingPoint=high_sensitivity', '?operatingPoint=..%2F..%2Fetc', '?operatingPoint=', '?annotated', `?operatingPoint=${'a'.repeat(100)}`),
  fc.string({ maxLength: 30 }).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
);

/** `POST /api/grade` with the photograph as the body: mutated photographs under random Content-Type, Content-Length and query. */
export async function gradeHttpRawTarget(): Promise<FuzzTarget<GradeHttpInput>> {
  const { handler, close } = gradeHttpFixture();
  const [seeds, small] = await Promise.all([seedImages(96), seedImages(86)]);
  const body = fc.oneof({ weight: 30, arbitrary: mutatedBytes(seeds) }, { weight: 1, arbitrary: mutatedBytes(small.slice(0, 1), 2) });
  const contentLength = fc.oneof(
    { weight: 6, arbitrary: fc.constant<'none' | 'right' | string>('none') },
    { weight: 2, arbitrary: fc.constant<'none' | 'right' | string>('right') },
    { weight: 1, arbitrary: fc.oneof(fc.nat({ max: 1 << 20 }).map(String), fc.constantFrom('-1', '1e9', 'abc', '99999999999999999999')) },
  );
  const arbitrary = fc
    .tuple(contentTypes, fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queries }), body, contentLength)
    .map(([contentType, query, bytes, length]): GradeHttpInput => ({
      headers: { 'content-type': contentType, ...(length === 'none' ? {} : { 'content-length': length === 'right' ? String(bytes.length) : length }) },
      query,
      body: bytes,
    }));
  return { name: 'httpGradeRaw', arbitrary, deadlineMs: 15_000, run: (input) => callGradeHttp(handler, input), close };
}
