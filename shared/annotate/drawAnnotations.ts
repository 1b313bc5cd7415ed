import type { RgbImage } from '../image/RgbImage.js';
import { lesionClassByLabel, type LesionLabel } from '../lesions/lesionClasses.js';

/**
 * Draws the findings on a copy of the normalised image. Style (chosen so the two lesion families never look alike,
 * also for red–green colour-blind readers): dark (red) lesions = rings, bright lesions = squares, each in its class's
 * colour from the lesion-class table (microaneurysm cyan, haemorrhage blue, exudate magenta, soft exudate orange); optic disc = yellow ring; fovea = white cross; macula region = dashed white ring.
 */
export interface AnnotationInput {
  readonly lesions: readonly { kind: 'dark' | 'bright'; class?: LesionLabel; x: number; y: number; radius: number; score: number }[];
  readonly disc: { x: number; y: number; radius: number } | null;
  readonly fovea: { x: number; y: number } | null;
  /** Radius of the macula circle around the fovea, px; omitted when null. */
  readonly maculaRadiusPx: number | null;
}

/** Colours of the annotation layers (RGB). */
export const annotationColours = {
  dark: [0, 255, 255],
  bright: [255, 0, 255],
  disc: [255, 230, 0],
  fovea: [255, 255, 255],
  macula: [255, 255, 255],
} as const;

/** Options of {@link drawAnnotations}. */
export interface DrawAnnotationsOptions {
  /** Line thickness in pixels. @default max(1, round(width / 512)) */
  thicknessPx?: number;
}

/** Returns a new image with the annotations drawn. */
export function drawAnnotations(image: RgbImage, input: AnnotationInput, options: DrawAnnotationsOptions = {}): RgbImage {
  const out: RgbImage = { width: image.width, height: image.height, data: new Uint8Array(image.data) };
  const t = options.thicknessPx ?? Math.max(1, Math.round(image.width / 512));
  if (input.fovea && input.maculaRadiusPx !== null) ring(out, input.fovea.x, input.fovea.y, input.maculaRadiusPx, t, annotationColours.macula, true);
  if (input.disc) ring(out, input.disc.x, input.disc.y, input.disc.radius, t + 1, annotationColours.disc, false);
  if (input.fovea) cross(out, input.fovea.x, input.fovea.y, Math.max(6, image.width / 60), t, annotationColours.fovea);
  for (const l of input.lesions) {
    const r = Math.max(3 * t, l.radius + 2 * t);
    const colour = l.class ? lesionClassByLabel(l.class).colour : annotationColours[l.kind];
    if (l.kind === 'dark') ring(out, l.x, l.y, r, t, colour, false);
    else square(out, l.x, l.y, r, t, colour);
  }
  return out;
}

function put(img: RgbImage, x: number, y: number, c: readonly number[]): void {
  const xi = Math.round(x), yi = Math.round(y);
  if (xi < 0 || yi < 0 || xi >= img.width || yi >= img.height) return;
  const j = (yi * img.width + xi) * 3;
  img.data[j] = c[0]!; img.data[j + 1] = c[1]!; img.data[j + 2] = c[2]!;
}

function ring(img: RgbImage, cx: number, cy: number, r: number, t: number, c: readonly number[], dashed: boolean): void {
  const rOut = r + t / 2, rIn = Math.max(0, r - t / 2);
  const x0 = Math.floor(cx - rOut), x1 = Math.ceil(cx + rOut), y0 = Math.floor(cy - rOut), y1 = Math.ceil(cy + rOut);
  const dashLen = Math.max(4, r / 12);
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
    const d = Math.hypot(x - cx, y - cy);
    if (d < rIn || d > rOut) continue;
    if (dashed && Math.floor((Math.atan2(y - cy, x - cx) + Math.PI) * r / dashLen) % 2 === 1) continue;
    put(img, x, y, c);
  }
}

function square(img: RgbImage, cx: number, cy: number, r: number, t: number, c: readonly number[]): void {
  const x0 = Math.round(cx - r), x1 = Math.round(cx + r), y0 = Math.round(cy - r), y1 = Math.round(cy + r);
  for (let k = 0; k < t; k++) {
    for (let x = x0; x <= x1; x++) { put(img, x, y0 + k, c); put(img, x, y1 - k, c); }
    for (let y = y0; y <= y1; y++) { put(img, x0 + k, y, c); put(img, x1 - k, y, c); }
  }
}

function cross(img: RgbImage, cx: number, cy: number, size: number, t: number, c: readonly number[]): void {
  for (let d = -size; d <= size; d++) for (let k = -Math.floor(t / 2); k <= Math.floor(t / 2) + (t % 2 === 0 ? -1 : 0); k++) {
    put(img, cx + d, cy + k, c);
    put(img, cx + k, cy + d, c);
  }
}
