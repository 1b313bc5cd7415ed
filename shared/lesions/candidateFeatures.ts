import type { FloatImage } from '../image/RgbImage.js';
import { lesionClasses, type LesionCode } from './lesionClasses.js';

/**
 * What the candidate ranker (CandidateRanker.ts) reads of one candidate, in this order. A ranker file lists the
 * names it was fitted on and is refused when they differ from these (a ranker of another code version).
 * - `logitScore`, `logitScore2`: logit of the candidate's map score (the highest probability of its kind's classes
 *   within its radius) and its square (confident maps saturate; the square lets the fit bend at the top).
 * - `logitClassA`, `logitClassB`: logits of the kind's two classes at the centre (MA/HE, EX/SE), so a haemorrhage-
 *   like blot and a microaneurysm-like dot can be told apart.
 * - `logitMass`: logit of the mean of the kind's map within 3 map pixels: a lone hot pixel versus a blob.
 * - `logRadius`, `logRadius2`: log of the radius in normalised pixels, and its square (a 70 px "microaneurysm" is a
 *   stretch of vessel).
 * - `elongation`: log of the ratio of the principal second moments of the pixels above half the peak within 6 map
 *   pixels: vessels are long, lesions round.
 * - `areaFraction`: share of that window above half the peak.
 * - `fromFrst`: 1 when the FRST stage proposed the candidate, 0 for a map peak FRST missed.
 * - `contrast`: the flattened green image's ring-minus-centre contrast (darker centre for dark candidates, brighter
 *   for bright ones) in units of the ring's spread.
 * - `rimDistance`: distance from the FOV centre in FOV radii (rim artefacts sit near 1).
 * - `discDistance`: distance from the optic disc centre in disc diameters, clipped to 8 (4 without a disc).
 */
export const candidateFeatureNames = [
  'logitScore', 'logitScore2', 'logitClassA', 'logitClassB', 'logitMass', 'logRadius', 'logRadius2',
  'elongation', 'areaFraction', 'fromFrst', 'contrast', 'rimDistance', 'discDistance',
] as const;

/** Where a candidate sits and what the analysis knows around it (normalised pixels). */
export interface CandidateContext {
  /** The lesion model's maps (LesionModel.ts `LesionMaps`; restated here so this file imports no model code). */
  readonly maps: { readonly width: number; readonly height: number; readonly stride: number; readonly maps: Readonly<Partial<Record<LesionCode, Float32Array>>> };
  /** Flattened green channel of the normalised image (background 100; dark lesions below, bright above). */
  readonly green: FloatImage;
  readonly circle: { readonly cx: number; readonly cy: number; readonly radius: number };
  readonly disc: { readonly x: number; readonly y: number; readonly radius: number } | null;
}

const logitLimit = 12;

/** Logit of a probability, clipped to ±12 (float32 maps saturate at about 1 − 1e-7). */
export function clippedLogit(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.max(-logitLimit, Math.min(logitLimit, Math.log(q / (1 - q))));
}

/** The feature vector of one candidate, in {@link candidateFeatureNames} order. */
export function candidateFeatures(
  candidate: { readonly kind: 'dark' | 'bright'; readonly x: number; readonly y: number; readonly radius: number; readonly score: number; readonly source: 'frst' | 'map' },
  context: CandidateContext,
): number[] {
  const { maps, green, circle, disc } = context;
  const { width: mw, height: mh, stride } = maps;
  const codes = lesionClasses.filter((c) => c.kind === candidate.kind).map((c) => c.code);
  const present = codes.map((c) => maps.maps[c]).filter((m): m is Float32Array => m !== undefined);
  const u = (candidate.x - (stride - 1) / 2) / stride, v = (candidate.y - (stride - 1) / 2) / stride;
  const at = (m: Float32Array | undefined): number => (m ? bilinear(m, mw, mh, u, v) : 0);
  const kindMax = (i: number): number => {
    let best = 0;
    for (const m of present) if (m[i]! > best) best = m[i]!;
    return best;
  };
  const cu = Math.max(0, Math.min(mw - 1, Math.round(u))), cv = Math.max(0, Math.min(mh - 1, Math.round(v)));

  // Mass: the mean of the kind's map within 3 map pixels.
  let sum = 0, n = 0;
  for (let y = Math.max(0, cv - 3); y <= Math.min(mh - 1, cv + 3); y++) for (let x = Math.max(0, cu - 3); x <= Math.min(mw - 1, cu + 3); x++) {
    if ((x - cu) ** 2 + (y - cv) ** 2 > 9.5) continue;
    sum += kindMax(y * mw + x);
    n++;
  }
  const mass = n ? sum / n : 0;

  // Shape of what lies above half the peak within 6 map pixels: second moments → elongation, and area.
  let peak = 0;
  for (let y = Math.max(0, cv - 1); y <= Math.min(mh - 1, cv + 1); y++) for (let x = Math.max(0, cu - 1); x <= Math.min(mw - 1, cu + 1); x++) peak = Math.max(peak, kindMax(y * mw + x));
  const half = peak / 2;
  let count = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, window = 0;
  for (let y = cv - 6; y <= cv + 6; y++) for (let x = cu - 6; x <= cu + 6; x++) {
    window++;
    if (x < 0 || y < 0 || x >= mw || y >= mh || peak <= 0 || kindMax(y * mw + x) < half) continue;
    const dx = x - cu, dy = y - cv;
    count++; sx += dx; sy += dy; sxx += dx * dx; syy += dy * dy; sxy += dx * dy;
  }
  let elongation = 0;
  if (count >= 3) {
    const mx = sx / count, my = sy / count;
    const a = sxx / count - mx * mx, b = sxy / count - mx * my, c = syy / count - my * my;
    const root = Math.sqrt(((a - c) / 2) ** 2 + b * b);
    const l1 = (a + c) / 2 + root, l2 = Math.max(0, (a + c) / 2 - root);
    elongation = Math.log((l1 + 0.25) / (l2 + 0.25));
  }

  // Ring-minus-centre contrast of the flattened green image.
  const r = Math.min(30, Math.max(1, candidate.radius));
  const inner = Math.max(3, r + 2), outer = Math.max(6, r + 5);
  const gx = Math.round(candidate.x), gy = Math.round(candidate.y);
  let centre = 0, cn = 0, ring = 0, ring2 = 0, rn = 0;
  for (let y = Math.max(0, gy - Math.ceil(outer)); y <= Math.min(green.height - 1, gy + Math.ceil(outer)); y++) {
    for (let x = Math.max(0, gx - Math.ceil(outer)); x <= Math.min(green.width - 1, gx + Math.ceil(outer)); x++) {
      const d2 = (x - gx) ** 2 + (y - gy) ** 2;
      const g = green.data[y * green.width + x]!;
      if (d2 <= 2) { centre += g; cn++; }
      else if (d2 >= inner * inner && d2 <= outer * outer) { ring += g; ring2 += g * g; rn++; }
    }
  }
  let contrast = 0;
  if (cn && rn) {
    const ringMean = ring / rn;
    const ringSd = Math.sqrt(Math.max(0, ring2 / rn - ringMean * ringMean));
    contrast = ((candidate.kind === 'dark' ? 1 : -1) * (ringMean - centre / cn)) / (ringSd + 1);
  }

  const logScore = clippedLogit(candidate.score);
  const logRadius = Math.log(Math.max(1, candidate.radius));
  return [
    logScore,
    (logScore * logScore) / logitLimit,
    clippedLogit(at(maps.maps[codes[0]!])),
    clippedLogit(at(codes[1] ? maps.maps[codes[1]] : undefined)),
    clippedLogit(mass),
    logRadius,
    logRadius * logRadius,
    elongation,
    count / window,
    candidate.source === 'frst' ? 1 : 0,
    contrast,
    Math.hypot(candidate.x - circle.cx, candidate.y - circle.cy) / circle.radius,
    disc ? Math.min(8, Math.hypot(candidate.x - disc.x, candidate.y - disc.y) / (2 * disc.radius)) : 4,
  ];
}

/** Bilinear sample of a map at map coordinates (clamped at the edges). */
export function bilinear(m: Float32Array, w: number, h: number, u: number, v: number): number {
  const x0 = Math.max(0, Math.min(w - 1, Math.floor(u))), y0 = Math.max(0, Math.min(h - 1, Math.floor(v)));
  const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, u - x0)), fy = Math.max(0, Math.min(1, v - y0));
  return (m[y0 * w + x0]! * (1 - fx) + m[y0 * w + x1]! * fx) * (1 - fy) + (m[y1 * w + x0]! * (1 - fx) + m[y1 * w + x1]! * fx) * fy;
}
