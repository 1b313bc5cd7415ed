import { lesionClassByLabel, type LesionLabel } from '../lesions/lesionClasses.js';
import { invalidArgument } from '../errors.js';
import { isIcdrGrade, type IcdrGrade } from '../grading/gradeTable.js';
import type { RgbImage } from '../image/RgbImage.js';
import { growVessels, type VesselSegment } from './growVessels.js';
import { mulberry32 } from './mulberry32.js';

/**
 * Seeded, deterministic synthetic colour fundus photographs with known anatomy and lesions, for tests, demos and
 * load. They complement real photographs, never replace them: the look (dark surround, orange-red retina with
 * vignetting, yellow disc, darker macula, branching vessels, dark-red microaneurysms and blots, yellow exudates,
 * neovascular tufts) is only as realistic as unit tests need.
 */

/** Options of {@link synthFundus}. */
export interface SynthFundusOptions {
  /** Integer seed; the same options always give byte-identical images. */
  readonly seed: number;
  /** Image width in pixels. @default 1024 */
  readonly width?: number;
  /** Image height in pixels. @default round(width × 3/4) (768 for 1024), or round(width × 2848/4288) with `cutTopBottom` */
  readonly height?: number;
  /** Radius of the circular field of view. @default 0.46 × min(width, height), or 0.41 × width with `cutTopBottom` */
  readonly fovRadiusPx?: number;
  /** ICDR grade whose lesions are drawn. @default derived from the seed */
  readonly grade?: IcdrGrade;
  /** Which eye; right = the disc lies right of the fovea in the image. @default derived from the seed */
  readonly laterality?: 'left' | 'right';
  /** Field-of-view circle cut at top and bottom by the frame, as in 4288 × 2848 IDRiD photographs. @default false */
  readonly cutTopBottom?: boolean;
  /** Half-width of the triangular per-channel pixel noise, in 8-bit levels. @default 3 */
  readonly noiseLevels?: number;
}

/** One drawn lesion, in image pixels. */
export interface SyntheticLesion {
  readonly kind: 'dark' | 'bright';
  /** A label of the lesion-class table (shared/lesions/lesionClasses.ts), which also gives the kind. */
  readonly class: LesionLabel;
  readonly x: number;
  readonly y: number;
  readonly radius: number;
}

/** What was drawn, in image pixels. */
export interface SyntheticFundusTruth {
  readonly grade: IcdrGrade;
  readonly fov: { readonly cx: number; readonly cy: number; readonly radius: number };
  readonly opticDisc: { readonly x: number; readonly y: number; readonly radius: number };
  readonly fovea: { readonly x: number; readonly y: number };
  readonly laterality: 'left' | 'right';
  readonly lesions: SyntheticLesion[];
  /** Neovascular tufts (grade 4 only): centre and radius of each tangle. */
  readonly neovascularisation: { readonly x: number; readonly y: number; readonly radius: number }[];
}

/** A synthetic photograph and its ground truth. */
export interface SyntheticFundus {
  readonly image: RgbImage;
  readonly truth: SyntheticFundusTruth;
}

/** FOV diameter of the default 1024 × 768 image: lesion sizes in the brief are given at this scale. */
const referenceFovDiameterPx = 2 * 0.46 * 768;

/**
 * Draws a synthetic fundus photograph.
 *
 * Lesions by grade: 0 none; 1 a few microaneurysms near the macula; 2 more microaneurysms, a few blot
 * haemorrhages and exudates around the macula; 3 many haemorrhages in all four quadrants (around the FOV centre)
 * plus microaneurysms and exudates; 4 as 3 plus neovascular tufts near the disc.
 */
export function synthFundus(options: SynthFundusOptions): SyntheticFundus {
  const { seed } = options;
  if (!Number.isInteger(seed)) throw invalidArgument('seed', 'an integer', seed);
  const cut = options.cutTopBottom ?? false;
  const width = options.width ?? 1024;
  if (!Number.isInteger(width) || width < 64 || width > 8192) throw invalidArgument('width', 'an integer 64–8192', width);
  const height = options.height ?? Math.round(cut ? (width * 2848) / 4288 : (width * 3) / 4);
  if (!Number.isInteger(height) || height < 64 || height > 8192) throw invalidArgument('height', 'an integer 64–8192', height);
  const fovRadius = options.fovRadiusPx ?? (cut ? 0.41 * width : 0.46 * Math.min(width, height));
  if (!Number.isFinite(fovRadius) || fovRadius < 24 || fovRadius > width / 2) {
    throw invalidArgument('fovRadiusPx', `a number 24–${width / 2}`, options.fovRadiusPx);
  }
  if (options.grade !== undefined && !isIcdrGrade(options.grade)) throw invalidArgument('grade', 'an integer 0–4', options.grade);
  if (options.laterality !== undefined && options.laterality !== 'left' && options.laterality !== 'right') {
    throw invalidArgument('laterality', "'left' or 'right'", options.laterality);
  }
  const noiseLevels = options.noiseLevels ?? 3;
  if (!Number.isFinite(noiseLevels) || noiseLevels < 0) throw invalidArgument('noiseLevels', 'a number >= 0', noiseLevels);

  // Independent streams, so that fixing the grade or laterality does not move everything else.
  const choice = mulberry32(streamSeed(seed, 1));
  const layout = mulberry32(streamSeed(seed, 2));
  const grade = options.grade ?? (Math.min(4, Math.floor(choice() * 5)) as IcdrGrade);
  const laterality = options.laterality ?? (choice() < 0.5 ? 'left' : 'right');
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * layout();

  const fov = { cx: width / 2, cy: height / 2, radius: fovRadius };
  const fovDiameter = 2 * fovRadius;
  const sizeScale = fovDiameter / referenceFovDiameterPx;
  // IDRiD: disc diameter 0.152 ± 0.01 of the FOV diameter, fovea 2.5 disc diameters from the disc near the FOV centre.
  const discDiameter = uniform(0.14, 0.165) * fovDiameter;
  const discToFovea = uniform(2.3, 2.7) * discDiameter;
  const nasal = laterality === 'right' ? 1 : -1;
  const foveaX = fov.cx - nasal * uniform(0.25, 0.4) * discToFovea + uniform(-0.03, 0.03) * fovRadius;
  const foveaY = fov.cy + uniform(-0.04, 0.04) * fovRadius;
  const tilt = uniform(-0.05, 0.15);
  const fovea = { x: foveaX, y: foveaY };
  const opticDisc = { x: foveaX + nasal * discToFovea * Math.cos(tilt), y: foveaY - discToFovea * Math.sin(tilt), radius: discDiameter / 2 };

  const pixels = width * height;
  const vesselAlpha = new Uint8Array(pixels);
  const vesselKind = new Uint8Array(pixels);
  const tree = growVessels(mulberry32(streamSeed(seed, 3)), { fov, disc: opticDisc, fovea }, { tufts: grade === 4 ? 2 + Math.floor(layout() * 3) : 0 });
  for (const segment of tree.segments) paintSegment(vesselAlpha, vesselKind, width, height, segment);

  const lesions = placeLesions(grade, layout, { width, height, fov, opticDisc, fovea, discDiameter, sizeScale, vesselAlpha });
  const lesionAlpha = new Uint8Array(pixels);
  const lesionKind = new Uint8Array(pixels);
  const lesionShape = mulberry32(streamSeed(seed, 4));
  for (const lesion of lesions) paintLesion(lesionAlpha, lesionKind, width, height, lesion, lesionShape);

  const planes = shade({ width, height, fov, opticDisc, fovea, discDiameter, vesselAlpha, vesselKind, lesionAlpha, lesionKind }, mulberry32(streamSeed(seed, 5)));
  for (const plane of planes) blur121(plane, width, height);
  const image = quantise(planes, width, height, noiseLevels, mulberry32(streamSeed(seed, 6)));
  return {
    image,
    truth: { grade, fov, opticDisc, fovea, laterality, lesions, neovascularisation: tree.tufts },
  };
}

function streamSeed(seed: number, stream: number): number {
  return Math.imul((seed >>> 0) ^ Math.imul(stream, 0x9e3779b9), 0x85ebca6b) >>> 0;
}

const vesselKindCode = { artery: 1, vein: 2, neovascular: 3 } as const;

/** Paints a tapered capsule into an alpha plane, keeping the per-pixel maximum so overlapping joints do not darken twice. */
function paintSegment(alpha: Uint8Array, kind: Uint8Array, width: number, height: number, s: VesselSegment): void {
  const hwMax = Math.max(s.halfWidth0, s.halfWidth1);
  const x0 = Math.max(0, Math.floor(Math.min(s.x0, s.x1) - hwMax - 2));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(s.x0, s.x1) + hwMax + 2));
  const y0 = Math.max(0, Math.floor(Math.min(s.y0, s.y1) - hwMax - 2));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(s.y0, s.y1) + hwMax + 2));
  const dx = s.x1 - s.x0;
  const dy = s.y1 - s.y0;
  const len2 = dx * dx + dy * dy || 1;
  const code = vesselKindCode[s.kind];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const t = Math.min(1, Math.max(0, ((x - s.x0) * dx + (y - s.y0) * dy) / len2));
      const ex = x - (s.x0 + t * dx);
      const ey = y - (s.y0 + t * dy);
      const d = Math.sqrt(ex * ex + ey * ey);
      const hw = s.halfWidth0 + t * (s.halfWidth1 - s.halfWidth0);
      const edge = Math.min(1, Math.max(0, hw + 0.5 - d));
      if (edge <= 0) continue;
      // Thin vessels are fainter (partial-volume), and the centre is a little darker than the edge.
      const profile = Math.min(1, 0.35 + 0.65 * hw) * (0.7 + 0.3 * Math.sqrt(Math.max(0, 1 - (d * d) / ((hw + 0.5) * (hw + 0.5)))));
      const a = Math.round(255 * edge * profile);
      const i = y * width + x;
      if (a > alpha[i]!) {
        alpha[i] = a;
        kind[i] = code;
      }
    }
  }
}

interface PlacementContext {
  readonly width: number;
  readonly height: number;
  readonly fov: { cx: number; cy: number; radius: number };
  readonly opticDisc: { x: number; y: number; radius: number };
  readonly fovea: { x: number; y: number };
  readonly discDiameter: number;
  readonly sizeScale: number;
  readonly vesselAlpha: Uint8Array;
}

function placeLesions(grade: IcdrGrade, random: () => number, ctx: PlacementContext): SyntheticLesion[] {
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * random();
  const count = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const placed: SyntheticLesion[] = [];
  const { fov, fovea, discDiameter: dd, sizeScale } = ctx;
  const radiusOf: Record<LesionLabel, readonly [number, number]> = { microaneurysm: [2, 4], haemorrhage: [5, 12], exudate: [2, 6], soft_exudate: [6, 12] };

  const tryPlace = (cls: SyntheticLesion['class'], where: () => { x: number; y: number }): void => {
    const [lo, hi] = radiusOf[cls];
    const radius = uniform(lo, hi) * sizeScale;
    for (let attempt = 0; attempt < 60; attempt++) {
      const { x, y } = where();
      if (!isFree(ctx, placed, x, y, radius)) continue;
      placed.push({ kind: lesionClassByLabel(cls).kind, class: cls, x, y, radius });
      return;
    }
  };
  const nearFovea = (maxDiscDiameters: number) => () => {
    const angle = uniform(0, 2 * Math.PI);
    const distance = Math.sqrt(random()) * maxDiscDiameters * dd;
    return { x: fovea.x + Math.cos(angle) * distance, y: fovea.y + Math.sin(angle) * distance };
  };
  const inQuadrant = (quadrant: number) => () => {
    const angle = uniform(quadrant, quadrant + 1) * (Math.PI / 2);
    const distance = uniform(0.15, 0.92) * fov.radius;
    return { x: fov.cx + Math.cos(angle) * distance, y: fov.cy + Math.sin(angle) * distance };
  };
  const anywhere = () => inQuadrant(Math.floor(random() * 4))();
  const exudateClusters = (clusters: number, perCluster: [number, number], spreadDiscDiameters: number): void => {
    for (let c = 0; c < clusters; c++) {
      const centre = nearFovea(spreadDiscDiameters)();
      for (let k = count(...perCluster); k > 0; k--) {
        tryPlace('exudate', () => ({ x: centre.x + uniform(-0.6, 0.6) * dd, y: centre.y + uniform(-0.6, 0.6) * dd }));
      }
    }
  };

  if (grade === 1) {
    for (let k = count(2, 5); k > 0; k--) tryPlace('microaneurysm', nearFovea(2));
  } else if (grade === 2) {
    for (let k = count(6, 14); k > 0; k--) tryPlace('microaneurysm', nearFovea(3));
    for (let k = count(2, 5); k > 0; k--) tryPlace('haemorrhage', nearFovea(3));
    exudateClusters(count(1, 2), [3, 5], 2.5);
  } else if (grade >= 3) {
    for (let quadrant = 0; quadrant < 4; quadrant++) {
      for (let k = count(5, 8); k > 0; k--) tryPlace('haemorrhage', inQuadrant(quadrant));
    }
    for (let k = count(6, 12); k > 0; k--) tryPlace('microaneurysm', nearFovea(3));
    for (let k = count(4, 8); k > 0; k--) tryPlace('microaneurysm', anywhere);
    exudateClusters(count(2, 3), [3, 6], 3);
  }
  return placed;
}

function isFree(ctx: PlacementContext, placed: readonly SyntheticLesion[], x: number, y: number, radius: number): boolean {
  const { fov, opticDisc, sizeScale, width, height } = ctx;
  const margin = 2 * sizeScale + 1;
  if (Math.hypot(x - fov.cx, y - fov.cy) > fov.radius * 0.94 - radius) return false;
  if (x < radius + margin || y < radius + margin || x > width - 1 - radius - margin || y > height - 1 - radius - margin) return false;
  if (Math.hypot(x - opticDisc.x, y - opticDisc.y) < opticDisc.radius * 1.3 + radius + margin) return false;
  // Lesions on top of large vessels would make their contrast ambiguous in the ground truth.
  if (ctx.vesselAlpha[Math.round(y) * width + Math.round(x)]! > 40) return false;
  for (const other of placed) {
    if (Math.hypot(x - other.x, y - other.y) < radius + other.radius + margin) return false;
  }
  return true;
}

function paintLesion(alpha: Uint8Array, kind: Uint8Array, width: number, height: number, lesion: SyntheticLesion, random: () => number): void {
  const { x: cx, y: cy, radius: r } = lesion;
  // Blots and exudates get irregular, lobed borders; microaneurysms stay round.
  const lobes = lesion.class === 'microaneurysm' ? [] : [
    { amplitude: 0.12 * random(), frequency: 2 + Math.floor(random() * 2), phase: random() * 2 * Math.PI },
    { amplitude: 0.05 * random(), frequency: 5 + Math.floor(random() * 3), phase: random() * 2 * Math.PI },
  ];
  const strength = lesion.class === 'haemorrhage' ? 0.92 : lesion.class === 'microaneurysm' ? 0.85 : 0.9;
  const extent = r * 1.3 + 2;
  const code = lesion.kind === 'dark' ? 1 : 2;
  for (let y = Math.max(0, Math.floor(cy - extent)); y <= Math.min(height - 1, Math.ceil(cy + extent)); y++) {
    for (let x = Math.max(0, Math.floor(cx - extent)); x <= Math.min(width - 1, Math.ceil(cx + extent)); x++) {
      const d = Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
      let rr = r;
      if (lobes.length > 0) {
        const theta = Math.atan2(y - cy, x - cx);
        let m = 1;
        for (const lobe of lobes) m += lobe.amplitude * Math.sin(lobe.frequency * theta + lobe.phase);
        rr = r * m;
      }
      const edge = Math.min(1, Math.max(0, rr + 0.5 - d));
      if (edge <= 0) continue;
      const a = Math.round(255 * strength * edge * (1 - 0.25 * Math.min(1, (d * d) / (rr * rr))));
      const i = y * width + x;
      if (a > alpha[i]!) {
        alpha[i] = a;
        kind[i] = code;
      }
    }
  }
}

interface ShadeContext {
  readonly width: number;
  readonly height: number;
  readonly fov: { cx: number; cy: number; radius: number };
  readonly opticDisc: { x: number; y: number; radius: number };
  readonly fovea: { x: number; y: number };
  readonly discDiameter: number;
  readonly vesselAlpha: Uint8Array;
  readonly vesselKind: Uint8Array;
  readonly lesionAlpha: Uint8Array;
  readonly lesionKind: Uint8Array;
}

/** Per-channel multiplicative factors: what a fully opaque vessel or red lesion leaves of the background. */
const vesselFactors: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [0.86, 0.66, 0.7], // artery
  [0.7, 0.45, 0.5], // vein
  [0.72, 0.45, 0.5], // neovascular
];
const redLesionFactor = [0.6, 0.38, 0.42] as const;
const exudateColour = [250, 228, 115] as const;
const discColour = [246, 196, 112] as const;
const cupColour = [252, 226, 160] as const;
const surround = 3;

/** Computes the linear-light-ish colour planes: retina, disc, macula, vessels, lesions, dark surround. */
function shade(ctx: ShadeContext, random: () => number): [Float32Array, Float32Array, Float32Array] {
  const { width, height, fov, opticDisc, fovea, discDiameter } = ctx;
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * random();
  const pixels = width * height;
  const red = new Float32Array(pixels).fill(surround);
  const green = new Float32Array(pixels).fill(surround);
  const blue = new Float32Array(pixels).fill(surround);
  const base = [uniform(205, 235), uniform(95, 122), uniform(22, 40)];

  // Slow illumination unevenness: a sum of separable cosines, so each term costs one multiply per pixel.
  const terms = [0, 1].map(() => {
    const fx = (2 * Math.PI) / (uniform(1.5, 3) * fov.radius);
    const fy = (2 * Math.PI) / (uniform(1.5, 3) * fov.radius);
    const px = uniform(0, 2 * Math.PI);
    const py = uniform(0, 2 * Math.PI);
    return {
      amplitude: uniform(0.02, 0.05),
      xs: Float32Array.from({ length: width }, (_, x) => Math.cos(fx * x + px)),
      ys: Float32Array.from({ length: height }, (_, y) => Math.cos(fy * y + py)),
    };
  });
  // Choroidal texture: coarse random grid, bilinearly interpolated.
  const cell = Math.max(4, Math.round(fov.radius * 0.02));
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = random() * 2 - 1;
  const textureAmplitude = 0.035;

  const r2 = fov.radius * fov.radius;
  const maculaSigma2 = 2 * (0.8 * discDiameter) ** 2;
  const pitSigma2 = 2 * (0.12 * discDiameter) ** 2;
  const discR = opticDisc.radius;
  const yStart = Math.max(0, Math.floor(fov.cy - fov.radius - 1));
  const yEnd = Math.min(height - 1, Math.ceil(fov.cy + fov.radius + 1));
  const xStart = Math.max(0, Math.floor(fov.cx - fov.radius - 1));
  const xEnd = Math.min(width - 1, Math.ceil(fov.cx + fov.radius + 1));
  const t0 = terms[0]!;
  const t1 = terms[1]!;
  for (let y = yStart; y <= yEnd; y++) {
    const gy = y / cell;
    const gy0 = Math.floor(gy);
    const fy = gy - gy0;
    const dy = y - fov.cy;
    for (let x = xStart; x <= xEnd; x++) {
      const dx = x - fov.cx;
      const q = (dx * dx + dy * dy) / r2;
      const d = Math.sqrt(q) * fov.radius;
      const inside = Math.min(1, Math.max(0, fov.radius - d + 0.5));
      if (inside <= 0) continue;
      const i = y * width + x;
      const vignette = 1 - 0.4 * q * q;
      const illumination = 1 + t0.amplitude * t0.xs[x]! * t0.ys[y]! + t1.amplitude * t1.xs[x]! * t1.ys[y]!;
      const gx = x / cell;
      const gx0 = Math.floor(gx);
      const fx = gx - gx0;
      const g00 = grid[gy0 * gw + gx0]!;
      const g01 = grid[gy0 * gw + gx0 + 1]!;
      const g10 = grid[(gy0 + 1) * gw + gx0]!;
      const g11 = grid[(gy0 + 1) * gw + gx0 + 1]!;
      const texture = 1 + textureAmplitude * ((g00 * (1 - fx) + g01 * fx) * (1 - fy) + (g10 * (1 - fx) + g11 * fx) * fy);
      const fdx = x - fovea.x;
      const fdy = y - fovea.y;
      const fd2 = fdx * fdx + fdy * fdy;
      // Macular pigment darkens green and blue more than red.
      const macula = fd2 < 9 * maculaSigma2 ? 0.28 * Math.exp(-fd2 / maculaSigma2) + 0.12 * Math.exp(-fd2 / pitSigma2) : 0;
      const light = vignette * illumination * texture;
      let r = base[0]! * light * (1 - 0.6 * macula);
      let g = base[1]! * light * (1 - macula);
      let b = base[2]! * light * (1 - macula);

      const ox = x - opticDisc.x;
      const oy = y - opticDisc.y;
      const dd = Math.sqrt(ox * ox + oy * oy);
      if (dd < discR * 1.3) {
        const discA = Math.min(1, Math.max(0, (discR - dd) / (0.25 * discR) + 0.5));
        const cupA = Math.min(1, Math.max(0, (0.45 * discR - dd) / (0.2 * discR) + 0.5));
        const tone = 0.85 + 0.15 * illumination;
        r = r * (1 - discA) + discColour[0] * tone * discA;
        g = g * (1 - discA) + discColour[1] * tone * discA;
        b = b * (1 - discA) + discColour[2] * tone * discA;
        r = r * (1 - cupA) + cupColour[0] * cupA;
        g = g * (1 - cupA) + cupColour[1] * cupA;
        b = b * (1 - cupA) + cupColour[2] * cupA;
      }
      const va = ctx.vesselAlpha[i]! / 255;
      if (va > 0) {
        const f = vesselFactors[ctx.vesselKind[i]!]!;
        r *= 1 - va * (1 - f[0]);
        g *= 1 - va * (1 - f[1]);
        b *= 1 - va * (1 - f[2]);
      }
      const la = ctx.lesionAlpha[i]! / 255;
      if (la > 0) {
        if (ctx.lesionKind[i] === 1) {
          r *= 1 - la * (1 - redLesionFactor[0]);
          g *= 1 - la * (1 - redLesionFactor[1]);
          b *= 1 - la * (1 - redLesionFactor[2]);
        } else {
          // Exudates at the dim rim are dimmer too, as in a real photograph.
          const tone = 0.7 + 0.3 * vignette;
          r = r * (1 - la) + exudateColour[0] * tone * la;
          g = g * (1 - la) + exudateColour[1] * tone * la;
          b = b * (1 - la) + exudateColour[2] * tone * la;
        }
      }
      red[i] = surround + (r - surround) * inside;
      green[i] = surround + (g - surround) * inside;
      blue[i] = surround + (b - surround) * inside;
    }
  }
  return [red, green, blue];
}

/** In-place separable [1 2 1]/4 blur (σ ≈ 0.7 px): the camera's optical softness. Edges are clamped. */
function blur121(plane: Float32Array, width: number, height: number): void {
  const row = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    row.set(plane.subarray(o, o + width));
    for (let x = 0; x < width; x++) {
      plane[o + x] = 0.25 * row[Math.max(0, x - 1)]! + 0.5 * row[x]! + 0.25 * row[Math.min(width - 1, x + 1)]!;
    }
  }
  const previous = plane.slice(0, width);
  const current = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    current.set(plane.subarray(o, o + width));
    // The row below is still unblurred; at the last row the edge clamps to the current row.
    const below = y + 1 < height ? plane.subarray(o + width, o + 2 * width) : current;
    for (let x = 0; x < width; x++) plane[o + x] = 0.25 * previous[x]! + 0.5 * current[x]! + 0.25 * below[x]!;
    previous.set(current);
  }
}

/** Adds triangular noise and rounds to interleaved 8-bit RGB. */
function quantise(planes: readonly [Float32Array, Float32Array, Float32Array], width: number, height: number, noiseLevels: number, random: () => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const clamped = new Uint8ClampedArray(data.buffer);
  const [red, green, blue] = planes;
  for (let i = 0, j = 0; i < red.length; i++, j += 3) {
    clamped[j] = red[i]! + noiseLevels * (random() - random());
    clamped[j + 1] = green[i]! + noiseLevels * (random() - random());
    clamped[j + 2] = blue[i]! + noiseLevels * (random() - random());
  }
  return { width, height, data };
}
