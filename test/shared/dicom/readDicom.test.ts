import { describe, expect, it } from 'vitest';
import { DrgradeError } from '../../../shared/errors.js';
import { readDicom, readDicomSource } from '../../../shared/dicom/readDicom.js';
import { hashPatientId } from '../../../shared/dicom/hashPatientId.js';
import type { RgbImage } from '../../../shared/image/RgbImage.js';
import { synthDicom } from '../../../shared/synth/synthDicom.js';

/** A tiny image with a distinct value per pixel and channel, so layout mistakes show. */
const tiny: RgbImage = { width: 4, height: 3, data: Uint8Array.from({ length: 36 }, (_, i) => (i * 7) % 256) };

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (error) {
    expect(error).toBeInstanceOf(DrgradeError);
    return (error as DrgradeError).code;
  }
}

describe('readDicom', () => {
  it.each(['explicit', 'implicit'] as const)('reads native %s VR little endian pixels exactly', async (syntax) => {
    const { frame, source } = readDicom(await synthDicom(tiny, { syntax }), { identifierSalt: 's' });
    expect(frame.encoding).toBe('native');
    if (frame.encoding !== 'native') return;
    expect([frame.width, frame.height, frame.samplesPerPixel, frame.photometricInterpretation]).toEqual([4, 3, 3, 'RGB']);
    expect(Array.from(frame.data)).toEqual(Array.from(tiny.data));
    expect(source.transferSyntaxUid).toBe(syntax === 'explicit' ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2');
  });

  it('interleaves planar (PlanarConfiguration 1) pixel data', async () => {
    const { frame } = readDicom(await synthDicom(tiny, { planarConfiguration: 1 }));
    expect(frame.encoding === 'native' && Array.from(frame.data)).toEqual(Array.from(tiny.data));
  });

  it('returns the encapsulated JPEG of a JPEG baseline file', async () => {
    const { frame } = readDicom(await synthDicom(tiny, { syntax: 'jpeg' }));
    expect(frame.encoding).toBe('jpeg');
    expect(frame.encoding === 'jpeg' && [frame.bytes[0], frame.bytes[1]]).toEqual([0xff, 0xd8]);
  });

  it.each(['explicit', 'jpeg'] as const)('reads the first frame of a multi-frame %s file and counts the frames', async (syntax) => {
    const { frame } = readDicom(await synthDicom(tiny, { syntax, frames: 3 }));
    expect(frame.numberOfFrames).toBe(3);
    if (frame.encoding === 'native') expect(frame.data.length).toBe(36);
    else expect(frame.bytes.at(-2)).toBe(0xff); // one whole JPEG (ends with EOI), not three
  });

  it('records the source facts, with the patient identifier only as a salted hash', async () => {
    const { source } = readDicom(await synthDicom(tiny, { patientId: 'MRN-42' }), { identifierSalt: 'pepper' });
    expect(source).toEqual({
      sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.5.1',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      laterality: 'right',
      studyInstanceUid: '1.2.826.0.1.3680043.10.1.1',
      seriesInstanceUid: '1.2.826.0.1.3680043.10.1.1.1',
      sopInstanceUid: '1.2.826.0.1.3680043.10.1.1.1.1',
      manufacturer: 'Acme Optics',
      model: 'FundusCam 9',
      acquisitionDateTime: '2024-03-15T09:30:12',
      patientIdHash: hashPatientId('MRN-42', 'pepper'),
    });
    expect(JSON.stringify(source)).not.toContain('MRN-42');
    expect(source.patientIdHash).not.toBe(readDicom(await synthDicom(tiny, { patientId: 'MRN-42' }), { identifierSalt: 'salt2' }).source.patientIdHash);
  });

  it('reads laterality from ImageLaterality, else Laterality, else null', async () => {
    expect(readDicom(await synthDicom(tiny, { imageLaterality: 'L' })).source.laterality).toBe('left');
    expect(readDicom(await synthDicom(tiny, { imageLaterality: null, laterality: 'R' })).source.laterality).toBe('right');
    expect(readDicom(await synthDicom(tiny, { imageLaterality: null })).source.laterality).toBeNull();
    expect(readDicom(await synthDicom(tiny, { imageLaterality: 'B' })).source.laterality).toBeNull();
  });

  it('accepts Secondary Capture and VL Photographic only when the data set says it is of the eye', async () => {
    const scEye = await synthDicom(tiny, { sopClass: 'secondaryCapture' });
    expect(codeOf(() => readDicom(scEye))).toBe('OK');
    const sc = await synthDicom(tiny, { sopClass: 'secondaryCapture', modality: 'OT' });
    expect(codeOf(() => readDicom(sc))).toBe('DICOM_UNSUPPORTED_SOP_CLASS');
    const vl = await synthDicom(tiny, { sopClass: 'vlPhotographic', modality: 'XC' });
    expect(codeOf(() => readDicom(vl))).toBe('DICOM_UNSUPPORTED_SOP_CLASS');
    const vlEye = await synthDicom(tiny, { sopClass: 'vlPhotographic', modality: 'XC', bodyPart: 'EYE' });
    expect(codeOf(() => readDicom(vlEye))).toBe('OK');
  });

  it('refuses a wrong SOP class, unsupported transfer syntaxes (named) and a file without pixels', async () => {
    const ct = await synthDicom(tiny, { sopClass: 'ct' });
    expect(codeOf(() => readDicom(ct))).toBe('DICOM_UNSUPPORTED_SOP_CLASS');
    const j2k = await synthDicom(tiny, { syntax: 'jpeg2000' });
    expect(codeOf(() => readDicom(j2k))).toBe('DICOM_UNSUPPORTED_TRANSFER_SYNTAX');
    expect(() => readDicom(j2k)).toThrow(/JPEG 2000 \(Lossless Only\) \(1\.2\.840\.10008\.1\.2\.4\.90\)/);
    const be = await synthDicom(tiny, { syntax: 'bigEndian' });
    expect(codeOf(() => readDicom(be))).toBe('DICOM_UNSUPPORTED_TRANSFER_SYNTAX');
    const empty = await synthDicom(tiny, { noPixelData: true });
    expect(codeOf(() => readDicom(empty))).toBe('DICOM_NO_PIXEL_DATA');
  });

  it('refuses truncated and marker-less files as DICOM_MALFORMED without quoting their content', async () => {
    const whole = await synthDicom(tiny, { patientId: 'SECRET-ID' });
    expect(codeOf(() => readDicom(whole.subarray(0, 200)))).toBe('DICOM_MALFORMED');
    expect(codeOf(() => readDicom(new Uint8Array(300)))).toBe('DICOM_MALFORMED');
    try { readDicom(whole.subarray(0, 200)); } catch (error) { expect(String((error as Error).message)).not.toContain('SECRET'); }
    expect(readDicomSource(whole.subarray(0, 10))).toBeNull();
  });
});
