import fc from 'fast-check';
import type { FuzzTarget } from '../FuzzTarget.js';
import { inferenceFixture, type InferenceHttpInput } from '../inferenceFixture.js';
import { authorizations, datatypes, elementValues, inferPaths, shapes, tinyInput } from './inferenceRequestParts.js';

const encoder = new TextEncoder();

/** Data arrays: the right length of floats (so inference runs), a wrong length, odd values, or none. */
const data: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.double({ noNaN: true, min: -10, max: 10 }), fc.nat({ max: tinyInput.elements - 1 })).map(([v, at]) => Array.from({ length: tinyInput.elements }, (_, i) => (i === at ? v : (i % 7) / 7))) },
  { weight: 2, arbitrary: elementValues },
  { weight: 1, arbitrary: fc.oneof(fc.constant(undefined), fc.constant('AAAA'), fc.constant({}), fc.constant(Array.from({ length: tinyInput.elements - 1 }, () => 0))) },
);

const requestInput = fc.record(
  { name: fc.oneof({ weight: 5, arbitrary: fc.constant(tinyInput.name) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), shape: shapes, datatype: datatypes, data, parameters: fc.option(fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 1 })), { nil: undefined, freq: 4 }) },
  { requiredKeys: ['name', 'shape', 'datatype', 'data'] },
);

const inferenceRequest = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 12 }), fc.integer()),
    inputs: fc.oneof({ weight: 6, arbitrary: fc.oneof({ weight: 4, arbitrary: fc.tuple(requestInput) }, { weight: 1, arbitrary: fc.array(requestInput, { minLength: 1, maxLength: 2 }) }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }),
    outputs: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, fc.array(fc.record({ name: fc.constantFrom('logits', 'other', ''), parameters: fc.option(fc.record({ binary_data: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })) }), { nil: undefined }) }), { maxLength: 2 })),
    parameters: fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }),
  },
  { requiredKeys: ['inputs'] },
);

/** `POST /v2/models/{name}/infer` with JSON bodies: structured requests with odd fields, random JSON, broken JSON. */
export async function inferenceJsonTarget(): Promise<FuzzTarget<InferenceHttpInput>> {
  const { send, close } = await inferenceFixture();
  const body = fc.oneof(
    { weight: 8, arbitrary: inferenceRequest.map((r) => encoder.encode(JSON.stringify(r))) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => encoder.encode(JSON.stringify(v))) },
    { weight: 1, arbitrary: fc.tuple(inferenceRequest, fc.nat()).map(([r, cut]) => { const t = JSON.stringify(r); return encoder.encode(t.slice(0, cut % (t.length + 1))); }) },
  );
  const arbitrary = fc.tuple(inferPaths, authorizations, body, fc.constantFrom('application/json', 'text/plain', '')).map(
    ([path, authorization, bytes, contentType]): InferenceHttpInput => ({
      method: 'POST',
      path,
      headers: { ...(authorization === undefined ? {} : { authorization }), ...(contentType ? { 'content-type': contentType } : {}) },
      body: bytes,
    }),
  );
  return { name: 'inferenceJson', arbitrary, deadlineMs: 10_000, run: send, close };
}
