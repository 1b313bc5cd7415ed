import { encodeJpeg } from '../image/encodeImage.js';
import type { CameraSubject, CameraTransform, CameraView } from './cameraTransforms.js';

/** A transformed photograph as the camera would have saved it. */
export interface CameraPhotograph extends Omit<CameraView, 'image'> {
  /** JPEG bytes at the transform's quality. */
  readonly bytes: Buffer;
}

/** Applies `transform` to `subject` and saves the result as a JPEG file's bytes. */
export async function photographWithCamera(subject: CameraSubject, transform: CameraTransform): Promise<CameraPhotograph> {
  const { image, ...rest } = transform.apply(subject);
  return { ...rest, bytes: await encodeJpeg(image, { quality: rest.jpegQuality }) };
}
