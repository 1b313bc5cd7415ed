import type { LesionClass } from '../analysis/AnalysisResult.js';
import type { FloatImage, MaskImage } from '../image/RgbImage.js';
import { frst } from './frst.js';
import { localEntropy, sampleLocalEntropy, type LocalEntropyImage } from './localEntropy.js';
import { symmetryProbability } from './symmetryProbability.js';

/**
 * Lesion candidates of the two-step paradigm on a normalised, background-flattened green channel:
 * dark FRST centres (red lesions: microaneurysms, haemorrhages) and bright ones (exudates), scored by the
 * Tsallis-thresholded symmetry probability map, filtered by field of view, optic disc, distance from the fovea and
 * mutual distance, then regrouped with a local-entropy image.
 */
export interface DetectLesionsOptions {
  /** Scale of the normalised image relative to a 1024 px retina (distances below are at 1024 px). @default 1 */
  scale?: number;
  /** FRST radii at 1024 px. @default [1, 2, 3, 4, 5, 6, 7, 8] */
  radii?: readonly number[];
  /** Optic disc (normalised pixels); candidates inside 1.2 disc radii are dropped. */
  disc?: { x: number; y: number; radius: number } | null;
  /** Fovea (normalised pixels). */
  fovea?: { x: number; y: number } | null;
  /** Keep candidates within this many disc diameters of the fovea; `null` = whole retina. @default 2 */
  maculaDiscDiameters?: number | null;
  /** Minimum distance between kept candidates of one kind, px at 1024. @default 6 */
  minDistancePx?: number;
  /** Most candidates kept per kind (highest scores first). @default 300 */
  maxCandidates?: number;
  /** Lowest symmetry probability kept. @default 0.25 */
  minScore?: number;
  /** Largest microaneurysm radius, px at 1024. @default 3.5 */
  maxMicroaneurysmRadiusPx?: number;
  /** Candidates of one kind closer than this (px at 1024) in a high-entropy region are regrouped. @default 10 */
  groupDistancePx?: number;
}

/** A candidate in normalised pixels. */
export interface NormalisedLesion {
  readonly kind: 'dark' | 'bright';
  readonly class: LesionClass;
  readonly x: number;
  readonly y: number;
  readonly radius: number;
  readonly score: number;
}

/** Detects dark and bright lesion candidates. `green` must be flat outside the mask (no rim edge). */
export function detectLesions(green: FloatImage, mask: MaskImage, options: DetectLesionsOptions = {}): { lesions: NormalisedLesion[]; thresholds: { dark: number; bright: number } } {
  const scale = options.scale ?? 1;
  const radii = (options.radii ?? [1, 2, 3, 4, 5, 6, 7, 8]).map((r) => Math.max(1, Math.round(r * scale)));
  const maxR = Math.max(...radii);
  const { dark, bright } = frst(green, { radii: [...new Set(radii)], alpha: 2, beta: 0, voteMask: mask });
  const entropy = localEntropy(green, { window: Math.round(15 * scale) | 1, step: Math.max(2, Math.round(4 * scale)), range: [40, 160] });
  const out: NormalisedLesion[] = [];
  const thresholds = { dark: 0, bright: 0 };
  for (const [kind, map] of [['dark', dark], ['bright', bright]] as const) {
    if (!map) continue;
    const prob = symmetryProbability(map, mask);
    thresholds[kind] = prob.threshold;
    const raw = localMaxima(map, prob.probability, mask, options.minScore ?? 0.25, Math.max(2, maxR + 1));
    const filtered = raw.filter((c) => keepByAnatomy(c.x, c.y, options));
    const spaced = suppressClose(filtered, (options.minDistancePx ?? 6) * scale).slice(0, options.maxCandidates ?? 300);
    const withRadius = spaced.map((c) => ({ ...c, radius: estimateRadius(green, c.x, c.y, kind, Math.round(12 * scale)) }));
    out.push(...regroup(withRadius, kind, entropy, mask, options, scale));
  }
  return { lesions: out, thresholds };
}

interface RawCandidate { x: number; y: number; value: number; score: number }

function localMaxima(map: FloatImage, prob: Float32Array, mask: MaskImage, minScore: number, border: number): RawCandidate[] {
  const { width: w, height: h, data } = map;
  const out: RawCandidate[] = [];
  for (let y = border; y < h - border; y++) {
    for (let x = border; x < w - border; x++) {
      const i = y * w + x;
      const v = data[i]!;
      if (!mask.data[i] || prob[i]! < minScore || v <= 0) continue;
      if (v < data[i - 1]! || v < data[i + 1]! || v < data[i - w]! || v < data[i + w]! ||
          v < data[i - w - 1]! || v < data[i - w + 1]! || v < data[i + w - 1]! || v < data[i + w + 1]!) continue;
      // Plateaus: keep only the first pixel in raster order.
      if (v === data[i - 1]! || v === data[i - w]! || v === data[i - w - 1]! || v === data[i - w + 1]!) continue;
      out.push({ x, y, value: v, score: prob[i]! });
    }
  }
  out.sort((a, b) => b.value - a.value);
  return out;
}

function keepByAnatomy(x: number, y: number, options: DetectLesionsOptions): boolean {
  const disc = options.disc;
  if (disc && Math.hypot(x - disc.x, y - disc.y) < 1.2 * disc.radius) return false;
  const macula = options.maculaDiscDiameters === undefined ? 2 : options.maculaDiscDiameters;
  if (macula !== null && options.fovea && disc) {
    if (Math.hypot(x - options.fovea.x, y - options.fovea.y) > macula * 2 * disc.radius) return false;
  }
  return true;
}

function suppressClose<T extends { x: number; y: number }>(sorted: T[], minDistance: number): T[] {
  const kept: T[] = [];
  const cell = Math.max(1, minDistance);
  const grid = new Map<string, T[]>();
  for (const c of sorted) {
    const gx = Math.floor(c.x / cell), gy = Math.floor(c.y / cell);
    let close = false;
    for (let dy = -1; dy <= 1 && !close; dy++) for (let dx = -1; dx <= 1 && !close; dx++) {
      for (const k of grid.get(`${gx + dx},${gy + dy}`) ?? []) if (Math.hypot(k.x - c.x, k.y - c.y) < minDistance) { close = true; break; }
    }
    if (close) continue;
    kept.push(c);
    const key = `${gx},${gy}`;
    const list = grid.get(key);
    if (list) list.push(c); else grid.set(key, [c]);
  }
  return kept;
}

/** Radius where the mean radial profile crosses half-way between the centre value and the surround. */
function estimateRadius(img: FloatImage, x: number, y: number, kind: 'dark' | 'bright', maxR: number): number {
  const { width: w, height: h, data } = img;
  const sample = (px: number, py: number) => data[Math.min(h - 1, Math.max(0, Math.round(py))) * w + Math.min(w - 1, Math.max(0, Math.round(px)))]!;
  const profile: number[] = [sample(x, y)];
  for (let r = 1; r <= maxR; r++) {
    let s = 0;
    for (let a = 0; a < 8; a++) s += sample(x + r * Math.cos((a * Math.PI) / 4), y + r * Math.sin((a * Math.PI) / 4));
    profile.push(s / 8);
  }
  const centre = profile[0]!, surround = profile[maxR]!;
  const half = (centre + surround) / 2;
  for (let r = 1; r <= maxR; r++) {
    const v = profile[r]!;
    if (kind === 'dark' ? v >= half : v <= half) return r;
  }
  return maxR;
}

function regroup(cands: (RawCandidate & { radius: number })[], kind: 'dark' | 'bright', entropy: LocalEntropyImage, mask: MaskImage, options: DetectLesionsOptions, scale: number): NormalisedLesion[] {
  // High-entropy (textured) neighbourhoods: above the 75th percentile of the local entropy inside the FOV.
  const values: number[] = [];
  for (let gy = 0; gy < entropy.height; gy++) for (let gx = 0; gx < entropy.width; gx++) {
    const x = gx * entropy.step, y = gy * entropy.step;
    if (mask.data[Math.min(mask.height - 1, y) * mask.width + Math.min(mask.width - 1, x)]) values.push(entropy.data[gy * entropy.width + gx]!);
  }
  values.sort((a, b) => a - b);
  const highEntropy = values.length ? values[Math.floor(values.length * 0.75)]! : Infinity;
  const parent = cands.map((_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) { parent[i] = parent[parent[i]!]!; i = parent[i]!; } return i; };
  const groupDistance = (options.groupDistancePx ?? 10) * scale;
  const textured = cands.map((c) => sampleLocalEntropy(entropy, c.x, c.y) >= highEntropy);
  for (let i = 0; i < cands.length; i++) {
    if (!textured[i]) continue;
    for (let j = i + 1; j < cands.length; j++) {
      if (!textured[j]) continue;
      const a = cands[i]!, b = cands[j]!;
      if (Math.hypot(a.x - b.x, a.y - b.y) <= groupDistance + a.radius + b.radius) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, (RawCandidate & { radius: number })[]>();
  cands.forEach((c, i) => { const r = find(i); const g = groups.get(r); if (g) g.push(c); else groups.set(r, [c]); });
  const maxMa = (options.maxMicroaneurysmRadiusPx ?? 3.5) * scale;
  const out: NormalisedLesion[] = [];
  for (const members of groups.values()) {
    let sw = 0, sx = 0, sy = 0, best = 0;
    for (const m of members) { sw += m.score; sx += m.x * m.score; sy += m.y * m.score; best = Math.max(best, m.score); }
    const x = sx / sw, y = sy / sw;
    let radius = 0;
    for (const m of members) radius = Math.max(radius, Math.hypot(m.x - x, m.y - y) + m.radius);
    const cls: LesionClass = kind === 'bright' ? 'exudate' : members.length > 1 || radius > maxMa ? 'haemorrhage' : 'microaneurysm';
    out.push({ kind, class: cls, x, y, radius, score: Math.round(best * 1000) / 1000 });
  }
  out.sort((a, b) => b.score - a.score);
  return out;
}
