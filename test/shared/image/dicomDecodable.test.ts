import { describe, expect, it } from 'vitest';
import { DrgradeError } from '../../../shared/errors.js';
import { decodeImage, inspectImage } from '../../../shared/image/decodeImage.js';
import { detectFormat } from '../../../shared/image/detectFormat.js';
import type { RgbImage } from '../../../shared/image/RgbImage.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';
import { synthDicom } from '../../../shared/synth/synthDicom.js';

const tiny: RgbImage = { width: 5, height: 4, data: Uint8Array.from({ length: 60 }, (_, i) => (i * 13) % 256) };

describe('DICOM through the image decoder', () => {
  it('is detected by content (preamble + DICM), whatever the preamble holds', async () => {
    const bytes = await synthDicom(tiny);
    expect(detectFormat(bytes)).toEqual({ supported: true, format: 'dicom' });
    const tiffPreamble = Uint8Array.from(bytes);
    tiffPreamble.set([0x49, 0x49, 0x2a, 0x00], 0);
    expect(detectFormat(tiffPreamble).format).toBe('dicom');
    expect(detectFormat(bytes.subarray(0, 131)).format).toBe('unknown');
  });

  it.each(['explicit', 'implicit'] as const)('decodes native %s pixels losslessly', async (syntax) => {
    const { image, info } = await decodeImage(await synthDicom(tiny, { syntax }));
    expect(info).toEqual({ format: 'dicom', width: 5, height: 4, orientation: 1 });
    expect(Array.from(image.data)).toEqual(Array.from(tiny.data));
  });

  it('decodes a JPEG baseline synthetic fundus close to the original, and resizes like any image', async () => {
    const { image: photo } = synthFundus({ seed: 3, width: 480 });
    const bytes = await synthDicom(photo, { syntax: 'jpeg' });
    const { image } = await decodeImage(bytes);
    expect([image.width, image.height]).toEqual([photo.width, photo.height]);
    let err = 0;
    for (let i = 0; i < image.data.length; i++) err += Math.abs(image.data[i]! - photo.data[i]!);
    expect(err / image.data.length).toBeLessThan(4);
    const { image: small } = await decodeImage(bytes, { maxSide: 120 });
    expect(Math.max(small.width, small.height)).toBe(120);
  });

  it('applies the pixel limit to the DICOM frame', async () => {
    const bytes = await synthDicom(tiny);
    await expect(inspectImage(bytes, { maxPixels: 10 })).rejects.toMatchObject({ code: 'PIXEL_LIMIT_EXCEEDED' });
  });

  it('passes DICOM_ codes through', async () => {
    const error = await decodeImage(await synthDicom(tiny, { syntax: 'jpeg2000' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DrgradeError);
    expect((error as DrgradeError).code).toBe('DICOM_UNSUPPORTED_TRANSFER_SYNTAX');
  });
});
