import fc from 'fast-check';
import { fuzzInferenceKey } from '../inferenceFixture.js';

/** The tiny model's input: name, shape and element count. */
export const tinyInput = { name: 'input', shape: [1, 3, 32, 32], elements: 3 * 32 * 32 } as const;

/** Datatypes of the protocol and a few that are not. */
export const datatypes = fc.oneof({ weight: 6, arbitrary: fc.constant('FP32') }, fc.constantFrom('FP32', 'FP16', 'FP64', 'BF16', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT64', 'BOOL', 'BYTES', 'fp32', '', 'COMPLEX'));

/** Shapes: the right one, near misses, negative, huge and non-integer dimensions. */
export const shapes: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: fc.constant([...tinyInput.shape]) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constantFrom(1e12, 2 ** 53, 0.5, -0)), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.string({ maxLength: 4 }), fc.constant([[1, 3], 32])) },
);

/** Model paths: the served model and version, other names, encodings and traversal attempts. */
export const inferPaths = fc.oneof(
  { weight: 20, arbitrary: fc.constant('/v2/models/drgrade/infer') },
  { weight: 1, arbitrary: fc.constantFrom('/v2/models/drgrade/versions/1/infer', '/v2/models/other/infer', '/v2/models/%ZZ/infer', '/v2/models/..%2F..%2Fetc/infer', '/v2/models/drgrade/infer?x=1', '/v2/models//infer') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => `/v2/models/${encodeURIComponent(s)}/infer`) },
);

/** Authorization headers: mostly the right key, sometimes none, another or a malformed one. */
export const authorizations = fc.oneof(
  { weight: 30, arbitrary: fc.constant<string | undefined>(`Bearer ${fuzzInferenceKey}`) },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>(undefined, 'Bearer', `bearer ${fuzzInferenceKey}`, `Bearer ${fuzzInferenceKey}x`, `Basic ${fuzzInferenceKey}`, '') },
);

/** Element values: finite and special numbers, strings, booleans, nested arrays. */
export const elementValues = fc.array(fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string({ maxLength: 4 }), fc.constant(null), fc.constant([1, 2])), { maxLength: 16 });
