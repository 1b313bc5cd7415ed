/**
 * The first frame of a DICOM image, ready for the image decoder: either the encapsulated JPEG bitstream, or
 * native 8-bit samples already interleaved (planar configuration resolved) with their photometric interpretation.
 */
export type DicomFrame =
  | { readonly encoding: 'jpeg'; readonly bytes: Uint8Array; readonly numberOfFrames: number }
  | {
    readonly encoding: 'native';
    readonly width: number;
    readonly height: number;
    /** 1 (monochrome) or 3 (colour), interleaved. */
    readonly samplesPerPixel: 1 | 3;
    readonly photometricInterpretation: NativePhotometric;
    /** `width × height × samplesPerPixel` bytes. */
    readonly data: Uint8Array;
    readonly numberOfFrames: number;
  };

/** Photometric interpretations of native pixel data that drgrade converts to sRGB. */
export type NativePhotometric = 'MONOCHROME1' | 'MONOCHROME2' | 'RGB' | 'YBR_FULL';
