import fc from 'fast-check';
import { callGradeHttp, type GradeHttpInput } from '../callGradeHttp.js';
import type { FuzzTarget } from '../FuzzTarget.js';
import { gradeHttpFixture } from '../gradeHttpFixture.js';
import { mutatedBytes } from '../mutatedBytes.js';
import { seedImages } from '../seedImages.js';
import { contentTypes, queries } from './gradeHttpRawTarget.js';

interface Part {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
}

const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('file', 'image', 'eye.jpg') },
  { weight: 1, arbitrary: fc.constantFrom('', '"', '..\\..\\x', 'a\r\nb', 'ü.png') },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
);
const encoder = new TextEncoder();

function multipartBody(boundary: string, parts: readonly Part[], closed: boolean): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    chunks.push(encoder.encode(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.contentType === undefined ? '' : `Content-Type: ${part.contentType}\r\n`}\r\n`), part.body, encoder.encode('\r\n'));
  }
  if (closed) chunks.push(encoder.encode(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/**
 * `POST /api/grade` with `multipart/form-data`: zero to three parts (file and field parts, odd names, filenames
 * and media types, mutated photographs), a boundary in the header that may differ from the body's, an unclosed
 * body, and bodies cut short.
 */
export async function gradeHttpMultipartTarget(): Promise<FuzzTarget<GradeHttpInput>> {
  const { handler, close } = gradeHttpFixture();
  const [seeds, small] = await Promise.all([seedImages(96), seedImages(86)]);
  const payload = fc.oneof({ weight: 30, arbitrary: mutatedBytes(seeds) }, { weight: 1, arbitrary: fc.constant(small[0]!) });
  const part: fc.Arbitrary<Part> = fc.record({
    name: token,
    filename: fc.option(token, { nil: undefined, freq: 6 }),
    contentType: fc.oneof({ weight: 4, arbitrary: fc.constantFrom<string | undefined>('image/jpeg', 'image/png', undefined) }, { weight: 1, arbitrary: contentTypes }),
    body: fc.oneof({ weight: 4, arbitrary: payload }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => encoder.encode(s)) }),
  });
  const boundary = fc.oneof(
    { weight: 6, arbitrary: fc.constant('----drgrade-fuzz') },
    { weight: 1, arbitrary: fc.constantFrom('x', 'a'.repeat(70), '', 'b c', '"q"') },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')) },
  );
  const parts = fc.oneof({ weight: 6, arbitrary: fc.tuple(part) }, { weight: 1, arbitrary: fc.array(part, { maxLength: 3 }) });
  const styles = fc.oneof({ weight: 6, arbitrary: fc.constant('bare' as const) }, { weight: 1, arbitrary: fc.constantFrom('quoted' as const, 'none' as const, 'extra' as const) });
  const arbitrary = fc
    .tuple(boundary, fc.option(boundary, { nil: undefined, freq: 8 }), parts, fc.boolean(), styles, fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queries }), fc.nat({ max: 9 }))
    .map(([bodyBoundary, headerBoundary, chosen, unclosed, style, query, cut]): GradeHttpInput => {
      const declared = headerBoundary ?? bodyBoundary;
      const header =
        style === 'bare' ? `multipart/form-data; boundary=${declared}` : style === 'quoted' ? `multipart/form-data; boundary="${declared}"` : style === 'none' ? 'multipart/form-data' : `multipart/form-data; charset=utf-8; boundary=${declared}; x=y`;
      let body = multipartBody(bodyBoundary, chosen, !unclosed || cut > 2);
      // A few inputs get their encoded body cut short, as a dropped upload would.
      if (cut === 0 && body.length > 0) body = body.subarray(0, body.length >> 1);
      return { headers: { 'content-type': header }, query, body };
    });
  return { name: 'httpGradeMultipart', arbitrary, deadlineMs: 15_000, run: (input) => callGradeHttp(handler, input), close };
}
