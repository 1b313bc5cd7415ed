/* eslint-disable @typescript-eslint/no-explicit-any -- the tests edit manifests and typed arrays as untyped JSON */
import { describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { datatypeByOrtType, tensorDatatypes } from '../../../shared/inference/datatypes.js';
import { decodeInferenceBody, encodeInferenceBody } from '../../../shared/inference/inferenceBody.js';
import { tensorFromWire, tensorToWire } from '../../../shared/inference/wireTensor.js';

describe('datatypes', () => {
  it('derives the ONNX Runtime inverse from the one table', () => {
    for (const [datatype, info] of Object.entries(tensorDatatypes)) expect(datatypeByOrtType[info.ortType]).toBe(datatype);
    expect(datatypeByOrtType.float32).toBe('FP32');
  });
});

describe('tensorToWire / tensorFromWire', () => {
  it('round-trips every datatype through binary and, where JSON can hold it, through JSON', () => {
    for (const [datatype, info] of Object.entries(tensorDatatypes)) {
      const data = new info.array(6);
      for (let i = 0; i < 6; i++) (data as any)[i] = info.array === BigInt64Array || info.array === BigUint64Array ? BigInt(i) : datatype === 'BOOL' ? i % 2 : i * 1.5 - (datatype.startsWith('U') ? 0 : 2);
      const tensor = { datatype: datatype as keyof typeof tensorDatatypes, shape: [2, 3], data };
      const binary = tensorToWire(tensor, true);
      const back = tensorFromWire({ name: 'x', ...binary }, binary.chunk!, 0, 'x', 'INVALID_ARGUMENT');
      expect(back.tensor.data).toEqual(data);
      expect(back.nextOffset).toBe(data.byteLength);
      if (datatype === 'FP16') continue;
      const json = tensorToWire(tensor, false);
      expect(json.chunk).toBeUndefined();
      expect(tensorFromWire({ name: 'x', ...json }, new Uint8Array(0), 0, 'x', 'INVALID_ARGUMENT').tensor.data).toEqual(data);
    }
  });

  it('keeps float32 values exact through JSON', () => {
    const data = new Float32Array([0.1, 1 / 3, -7.25e-12, 3.4e38]);
    const wire = JSON.parse(JSON.stringify(tensorToWire({ datatype: 'FP32', shape: [4], data }, false)));
    expect(tensorFromWire({ name: 'x', ...wire }, new Uint8Array(0), 0, 'x', 'INVALID_ARGUMENT').tensor.data).toEqual(data);
  });

  it('reports the given code naming the tensor', () => {
    const attempts = [
      { name: 'x', shape: [2], datatype: 'FP32', data: [1] },
      { name: 'x', shape: [2], datatype: 'BYTES', data: ['a', 'b'] },
      { name: 'x', shape: [1], datatype: 'INT32', data: [1.5] },
      // A typed array would wrap these (256 to 0, -1 to 255): JSON integers must fit the datatype.
      { name: 'x', shape: [1], datatype: 'UINT8', data: [256] },
      { name: 'x', shape: [1], datatype: 'UINT8', data: [-1] },
      { name: 'x', shape: [1], datatype: 'INT8', data: [128] },
      { name: 'x', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 8 } },
    ];
    for (const entry of attempts) {
      let error: unknown;
      try {
        tensorFromWire(entry, new Uint8Array(4), 0, "output 'x'", 'INFERENCE_BAD_RESPONSE');
      } catch (e) {
        error = e;
      }
      expect(isDrgradeError(error, 'INFERENCE_BAD_RESPONSE') && /of output 'x'/.test(error.message)).toBe(true);
    }
  });
});

describe('inference body framing', () => {
  it('splits JSON and binary parts with Inference-Header-Content-Length', () => {
    const encoded = encodeInferenceBody({ a: 1 }, [new Uint8Array([1, 2]), new Uint8Array([3])]);
    // '{"a":1}' is 7 bytes; padded with one space so that the binary part starts 8-byte aligned.
    expect(encoded.headerContentLength).toBe(8);
    expect(encoded.body.toString('utf8', 0, 8)).toBe('{"a":1} ');
    const decoded = decodeInferenceBody(encoded.body, String(encoded.headerContentLength), 'INVALID_ARGUMENT');
    expect(decoded.json).toEqual({ a: 1 });
    expect([...decoded.binary]).toEqual([1, 2, 3]);
    expect(encodeInferenceBody({ a: 1 }, []).headerContentLength).toBeUndefined();
    expect(encodeInferenceBody({ a: 1 }, []).body.toString()).toBe('{"a":1}');
  });

  it('reads aligned binary tensors in place and unaligned ones by copying, with the same values', () => {
    const values = new Float32Array([1.5, -2, 3.25]);
    const bytes = new Uint8Array(values.buffer);
    const entry = { name: 'x', datatype: 'FP32', shape: [3], parameters: { binary_data_size: 12 } };
    const aligned = Buffer.alloc(20);
    aligned.set(bytes, 8);
    const inPlace = tensorFromWire(entry, aligned.subarray(8), 0, 'input', 'INVALID_ARGUMENT').tensor.data;
    expect([...inPlace]).toEqual([1.5, -2, 3.25]);
    expect(inPlace.buffer).toBe(aligned.buffer);
    const unaligned = Buffer.alloc(20);
    unaligned.set(bytes, 3);
    const copied = tensorFromWire(entry, unaligned.subarray(3), 0, 'input', 'INVALID_ARGUMENT').tensor.data;
    expect([...copied]).toEqual([1.5, -2, 3.25]);
    expect(copied.buffer).not.toBe(unaligned.buffer);
  });

  it('rejects a header length beyond the body', () => {
    expect(() => decodeInferenceBody(Buffer.from('{}'), '9', 'INVALID_ARGUMENT')).toThrow(/Inference-Header-Content-Length/);
    expect(() => decodeInferenceBody(Buffer.from('[1]'), undefined, 'INVALID_ARGUMENT')).toThrow(/JSON object/);
  });
});
