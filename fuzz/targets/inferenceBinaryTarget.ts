import fc from 'fast-check';
import type { FuzzTarget } from '../FuzzTarget.js';
import { inferenceFixture, type InferenceHttpInput } from '../inferenceFixture.js';
import { authorizations, datatypes, inferPaths, shapes, tinyInput } from './inferenceRequestParts.js';

const encoder = new TextEncoder();
const rightSize = tinyInput.elements * 4;

/**
 * `POST .../infer` with the binary tensor data extension: a JSON header whose `binary_data_size` may be right,
 * wrong, negative or not a number, tensor bytes of the right or a random length, and an
 * `Inference-Header-Content-Length` that is right, off by some bytes, past the body, or not a number.
 */
export async function inferenceBinaryTarget(): Promise<FuzzTarget<InferenceHttpInput>> {
  const { send, close } = await inferenceFixture();
  const declaredSize = fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>(rightSize) }, { weight: 2, arbitrary: fc.integer({ min: -8, max: rightSize * 2 }) }, { weight: 1, arbitrary: fc.constantFrom<unknown>('12288', 1.5, null, 2 ** 60) });
  const tensorBytes = fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ minLength: rightSize, maxLength: rightSize }) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: rightSize + 64 }) },
  );
  const headerLength = fc.oneof(
    { weight: 6, arbitrary: fc.constant<'right' | number | string>('right') },
    { weight: 2, arbitrary: fc.integer({ min: -16, max: 16 }) },
    { weight: 1, arbitrary: fc.constantFrom<'right' | number | string>('', 'abc', '1e3', ' 12', '99999999', '-0', 'right-missing') },
  );
  const arbitrary = fc
    .tuple(inferPaths, authorizations, shapes, datatypes, declaredSize, tensorBytes, headerLength, fc.array(fc.constantFrom(true, false, 'yes'), { maxLength: 2 }), fc.boolean())
    .map(([path, authorization, shape, datatype, size, tensor, length, binaryOutputs, twoInputs]): InferenceHttpInput => {
      const input = { name: tinyInput.name, shape, datatype, parameters: { binary_data_size: size } };
      const header = encoder.encode(
        JSON.stringify({
          inputs: twoInputs ? [input, { ...input, name: 'second' }] : [input],
          outputs: binaryOutputs.map((b) => ({ name: 'logits', parameters: { binary_data: b } })),
        }),
      );
      const body = Buffer.concat([header, tensor]);
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...(authorization === undefined ? {} : { authorization }) };
      if (length === 'right') headers['inference-header-content-length'] = String(header.length);
      else if (typeof length === 'number') headers['inference-header-content-length'] = String(header.length + length);
      else if (length !== 'right-missing') headers['inference-header-content-length'] = length;
      return { method: 'POST', path, headers, body };
    });
  return { name: 'inferenceBinary', arbitrary, deadlineMs: 10_000, run: send, close };
}
