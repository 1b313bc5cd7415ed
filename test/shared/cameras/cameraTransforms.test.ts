import { describe, expect, it } from 'vitest';
import { cameraTransforms } from '../../../shared/cameras/cameraTransforms.js';
import { photographWithCamera } from '../../../shared/cameras/photographWithCamera.js';
import { decodeImage } from '../../../shared/image/decodeImage.js';

/** A 200 × 150 photograph: an orange disc of radius 60 at the centre, black around; disc right, fovea left. */
function subject() {
  const w = 200, h = 150, data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x + 0.5 - 100) ** 2 + (y + 0.5 - 75) ** 2 <= 3600) data.set([150, 80, 20], (y * w + x) * 3);
  return { image: { width: w, height: h, data }, fov: { cx: 100, cy: 75, radius: 60 }, disc: { x: 136, y: 74 }, fovea: { x: 90, y: 77 } };
}

describe('cameraTransforms', () => {
  it('has unique names', () => {
    expect(new Set(cameraTransforms.map((t) => t.name)).size).toBe(cameraTransforms.length);
  });
  it.each(cameraTransforms.map((t) => [t.name, t] as const))('%s keeps the retina inside its stated field of view', (_name, t) => {
    const v = t.apply(subject());
    expect(v.image.data.length).toBe(v.image.width * v.image.height * 3);
    const centre = (Math.floor(v.fov.cy) * v.image.width + Math.floor(v.fov.cx)) * 3;
    expect(v.image.data[centre]).toBeGreaterThan(0);
    expect(Array.from(v.image.data.subarray(0, 3))).toEqual([0, 0, 0]);
  });
  it('maps the FOV centre onto the new frame’s centre and scales a 2196 × 1958 frame to radius 0.47 of its height', () => {
    const v = cameraTransforms.find((t) => t.name === 'frame-2196x1958')!.apply(subject());
    expect([v.image.width, v.image.height]).toEqual([2196, 1958]);
    expect(v.mapPoint({ x: 100, y: 75 })).toEqual({ x: 1098, y: 979 });
    expect(v.scale).toBeCloseTo((0.47 * 1958) / 60, 12);
  });
  it('magnifies a 30° field 5/3 times, aimed midway between disc and fovea', () => {
    const v = cameraTransforms.find((t) => t.name === 'field-30')!.apply(subject());
    expect(v.scale).toBeCloseTo(50 / 30, 12);
    const mid = v.mapPoint({ x: 113, y: 75.5 });
    expect(mid.x).toBeCloseTo(100, 9);
    expect(mid.y).toBeCloseTo(75, 9);
  });
  it('saves the JPEG-50 photograph as a JPEG that decodes to the same size', async () => {
    const p = await photographWithCamera(subject(), cameraTransforms.find((t) => t.name === 'jpeg-50')!);
    expect(p.jpegQuality).toBe(50);
    expect([p.bytes[0], p.bytes[1]]).toEqual([0xff, 0xd8]);
    const { image } = await decodeImage(p.bytes);
    expect([image.width, image.height]).toEqual([200, 150]);
  });
});
