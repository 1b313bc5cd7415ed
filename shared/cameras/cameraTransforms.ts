import type { RgbImage } from '../image/RgbImage.js';
import { applyGamma, desaturate, mixChannels } from './colourTransforms.js';
import { reframeRetina, type Circle } from './reframeRetina.js';

/**
 * How other cameras, populations and settings would have photographed the same retina, for testing that quality,
 * field of view and landmarks do not depend on one dataset's colour or framing. Each transform is pure; JPEG
 * re-encoding is asked for by `jpegQuality` and done by the caller's I/O (see photographWithCamera).
 */

/** A photograph and what is known about it, in its own pixels. */
export interface CameraSubject {
  readonly image: RgbImage;
  /** The retina's field-of-view circle. */
  readonly fov: Circle;
  /** Optic disc and fovea centres (used to aim the narrow and the disc-centred fields, as a photographer would). */
  readonly disc: { x: number; y: number };
  readonly fovea: { x: number; y: number };
}

/** What a camera transform made. */
export interface CameraView {
  readonly image: RgbImage;
  /** Output pixels per input pixel (1 for colour transforms). */
  readonly scale: number;
  /** Maps a point of the input photograph to the output. */
  readonly mapPoint: (p: { x: number; y: number }) => { x: number; y: number };
  /** The output's field-of-view circle. */
  readonly fov: Circle;
  /** JPEG quality the output is to be saved at. */
  readonly jpegQuality: number;
}

/** A named camera transform. */
export interface CameraTransform {
  readonly name: string;
  /** One line: what it imitates. */
  readonly description: string;
  readonly apply: (subject: CameraSubject) => CameraView;
}

/** JPEG quality of every transformed photograph except the one that tests compression. */
export const defaultCameraJpegQuality = 95;

/** The field angle IDRiD's photographs were taken with (Kowa VX-10α, 50°). */
export const sourceFieldDeg = 50;

const identity = (p: { x: number; y: number }) => ({ x: p.x, y: p.y });

function colour(name: string, description: string, change: (image: RgbImage) => RgbImage, jpegQuality = defaultCameraJpegQuality): CameraTransform {
  return { name, description, apply: (s) => ({ image: change(s.image), scale: 1, mapPoint: identity, fov: s.fov, jpegQuality }) };
}

/** The same framing as the input, but only `field` of the retina, magnified to fill the input's FOV circle. */
function narrower(s: CameraSubject, field: Circle): CameraView {
  const r = reframeRetina(s.image, { field, target: s.fov, outWidth: s.image.width, outHeight: s.image.height });
  return { image: r.image, scale: r.scale, mapPoint: r.mapPoint, fov: s.fov, jpegQuality: defaultCameraJpegQuality };
}

/** The whole retina in another frame: the FOV circle centred, `radiusOfHeight` × the frame's height in radius. */
function reframed(s: CameraSubject, outWidth: number, outHeight: number, radiusOfHeight: number): CameraView {
  const target = { cx: outWidth / 2, cy: outHeight / 2, radius: radiusOfHeight * outHeight };
  const r = reframeRetina(s.image, { field: s.fov, target, outWidth, outHeight });
  return { image: r.image, scale: r.scale, mapPoint: r.mapPoint, fov: target, jpegQuality: defaultCameraJpegQuality };
}

/** The field radius of a camera of `fieldDeg` in the pixels of a `sourceFieldDeg` photograph (angle ∝ radius). */
function fieldRadius(s: CameraSubject, fieldDeg: number): number {
  return (s.fov.radius * fieldDeg) / sourceFieldDeg;
}

/** Moves from the FOV centre towards the disc by `fraction` FOV radii (horizontally; the disc's height is kept). */
function towardsDisc(s: CameraSubject, fraction: number): { cx: number; cy: number } {
  const side = Math.sign(s.disc.x - s.fov.cx) || 1;
  return { cx: s.fov.cx + side * fraction * s.fov.radius, cy: s.fov.cy };
}

/**
 * Every transform the camera-independence evaluation runs, in report order. Colour matrices were chosen so that a
 * typical IDRiD retina (mean R, G, B ≈ 150, 80, 20; R/G ≈ 1.9) becomes: yellow-green R/G ≈ 1.1 with blue lifted
 * (fair-skinned fundi on a Topcon or Canon camera); pale R/G ≈ 1.4 and brighter; darker ≈ 0.5× (heavily
 * pigmented fundi); lighter ≈ 1.15–1.6× with more green and blue (lightly pigmented, tessellated fundi).
 */
export const cameraTransforms: readonly CameraTransform[] = [
  colour('reencoded', 'the photograph re-saved as JPEG 95 (the baseline every other row is saved the same way)', (i) => i),
  colour('yellow-green', 'hue and white balance towards yellow-green (R/G ≈ 1.1)', (i) => mixChannels(i, [0.85, 0.1, 0, 0.3, 1, 0, 0.05, 0.1, 1.2])),
  colour('pale', 'washed-out white balance: half the saturation, 1.3× brighter', (i) => desaturate(i, 0.5, 1.3)),
  colour('darker-pigment', 'darker retina: 0.55× red, 0.45× green and blue', (i) => mixChannels(i, [0.55, 0, 0, 0, 0.45, 0, 0, 0, 0.45])),
  colour('lighter-pigment', 'lighter retina: 1.15× red, 1.35× green, 1.6× blue', (i) => mixChannels(i, [1.15, 0, 0, 0, 1.35, 0, 0, 0, 1.6])),
  colour('gamma-0.7', 'gamma 0.7 (lighter mid-tones)', (i) => applyGamma(i, 0.7)),
  colour('gamma-1.5', 'gamma 1.5 (darker mid-tones)', (i) => applyGamma(i, 1.5)),
  colour('jpeg-50', 'JPEG quality 50', (i) => i, 50),
  colour('jpeg-70', 'JPEG quality 70', (i) => i, 70),
  colour('jpeg-80', 'JPEG quality 80', (i) => i, 80),
  { name: 'field-45', description: '45° field, macula-centred as the input, magnified to the same frame', apply: (s) => narrower(s, { cx: s.fov.cx, cy: s.fov.cy, radius: fieldRadius(s, 45) }) },
  {
    name: 'field-30',
    description: '30° field aimed midway between disc and fovea (single-field screening protocols), same frame',
    apply: (s) => narrower(s, { cx: (s.disc.x + s.fovea.x) / 2, cy: (s.disc.y + s.fovea.y) / 2, radius: fieldRadius(s, 30) }),
  },
  { name: 'frame-2196x1958', description: 'whole circle in a 2196 × 1958 frame (radius 0.47 of the height)', apply: (s) => reframed(s, 2196, 1958, 0.47) },
  { name: 'frame-3872x2592', description: '3872 × 2592 frame, circle cut at top and bottom (radius 0.53 of the height)', apply: (s) => reframed(s, 3872, 2592, 0.53) },
  {
    name: 'shifted-field',
    description: 'aimed 0.35 FOV radii towards the disc with a 32.5° field: the disc lies near the centre, not 0.6 radii out',
    apply: (s) => narrower(s, { ...towardsDisc(s, 0.35), radius: 0.65 * s.fov.radius }),
  },
];
