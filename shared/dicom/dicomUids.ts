/**
 * The DICOM UIDs drgrade knows: one table of SOP classes, one of transfer syntaxes. What is accepted is read from
 * these tables; nothing else lists UIDs.
 */

/** How a SOP class is treated. `eye-only`: accepted only when the data set says the image is of the eye. */
export type SopClassPolicy = 'accepted' | 'eye-only';

/** Storage SOP classes accepted as fundus photographs. */
export const sopClasses = {
  '1.2.840.10008.5.1.4.1.1.77.1.5.1': { name: 'Ophthalmic Photography 8 Bit Image Storage', policy: 'accepted' },
  '1.2.840.10008.5.1.4.1.1.77.1.4': { name: 'VL Photographic Image Storage', policy: 'eye-only' },
  '1.2.840.10008.5.1.4.1.1.7': { name: 'Secondary Capture Image Storage', policy: 'eye-only' },
  '1.2.840.10008.5.1.4.1.1.7.4': { name: 'Multi-frame True Color Secondary Capture Image Storage', policy: 'eye-only' },
} as const satisfies Record<string, { name: string; policy: SopClassPolicy }>;

/** The pixel encoding a transfer syntax implies: `native` pixel data or an `encapsulated` JPEG per frame. */
export type PixelEncoding = 'native' | 'jpeg';

/** Transfer syntaxes: the supported ones carry their pixel encoding; the rest are named only to be refused. */
export const transferSyntaxes = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', encoding: 'native' },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', encoding: 'native' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)', encoding: 'jpeg' },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian (retired)', encoding: null },
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian', encoding: null },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 & 4)', encoding: null },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless, Non-Hierarchical (Process 14)', encoding: null },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless, First-Order Prediction', encoding: null },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', encoding: null },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless', encoding: null },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 (Lossless Only)', encoding: null },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', encoding: null },
  '1.2.840.10008.1.2.4.201': { name: 'High-Throughput JPEG 2000 (Lossless Only)', encoding: null },
  '1.2.840.10008.1.2.4.203': { name: 'High-Throughput JPEG 2000', encoding: null },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', encoding: null },
  '1.2.840.10008.1.2.4.100': { name: 'MPEG2 Main Profile / Main Level', encoding: null },
  '1.2.840.10008.1.2.4.102': { name: 'MPEG-4 AVC/H.264 High Profile', encoding: null },
} as const satisfies Record<string, { name: string; encoding: PixelEncoding | null }>;

/** A SOP class UID drgrade accepts. */
export type AcceptedSopClassUid = keyof typeof sopClasses;

/** Looks a SOP class up; `undefined` when it is not accepted. */
export function sopClassOf(uid: string): (typeof sopClasses)[AcceptedSopClassUid] | undefined {
  return Object.hasOwn(sopClasses, uid) ? sopClasses[uid as AcceptedSopClassUid] : undefined;
}

/** Looks a transfer syntax up; `undefined` when it is not even known by name. */
export function transferSyntaxOf(uid: string): { name: string; encoding: PixelEncoding | null } | undefined {
  return Object.hasOwn(transferSyntaxes, uid) ? transferSyntaxes[uid as keyof typeof transferSyntaxes] : undefined;
}
