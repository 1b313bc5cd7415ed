import type { MaskImage } from '../image/RgbImage.js';
import { rankCandidate, type CandidateRanker } from './CandidateRanker.js';
import { candidateFeatureNames, candidateFeatures, type CandidateContext } from './candidateFeatures.js';
import { lesionClasses, type LesionCode } from './lesionClasses.js';
import type { LesionMaps } from './LesionModel.js';
import type { NormalisedLesion } from './regroupByEntropy.js';
import { suppressClose } from './suppressClose.js';

/** A lesion candidate in normalised pixels as the learned stage writes it: the FRST stage's shape plus its origin. */
export interface ScoredCandidate extends Omit<NormalisedLesion, 'features'> {
  /** Where it came from: an FRST centre rescored by the maps, or a peak of a map that FRST missed. */
  readonly source: 'frst' | 'map';
  /** The map score, when a ranker replaced it in `score`. */
  readonly mapScore?: number;
  /** The ranker's features by name (only with `keepFeatures`). */
  readonly features?: Readonly<Record<string, number>>;
}

/** Options of {@link rescoreWithLesionMaps}. */
export interface RescoreOptions {
  /** Lowest map peak that becomes a new candidate. @default 0.02 */
  minPeak?: number;
  /** Peaks and candidates of one kind closer than this (normalised px) are one finding. @default 6 */
  minDistancePx?: number;
  /** Most candidates per kind (highest scores first). @default 400 */
  maxCandidates?: number;
  /** Keeps a position (normalised px) or drops it (optic disc, macula filters of the detector). @default keep all */
  keep?: (x: number, y: number) => boolean;
  /** What the ranker's features read (the green image, FOV circle, disc); without it there is no ranking. */
  context?: Omit<CandidateContext, 'maps'>;
  /** Replaces each surviving candidate's map score by the ranker's probability. @default none (map scores) */
  ranker?: CandidateRanker | null;
  /** Keep each candidate's ranker features (`features`; for `drgrade fit-lesion-ranker`). @default false */
  keepFeatures?: boolean;
}

/**
 * The learned stage on top of the FRST candidates: each FRST centre takes the highest probability of its kind's
 * classes within its radius (at least one map pixel) as its score and the class of that maximum; local maxima of
 * each class map that no candidate of that kind covers become new candidates (what FRST missed). Candidates of
 * one kind closer than `minDistancePx`, and dark ones whose centre lies inside a higher-scored dark one, are merged
 * into it (one blot, one finding). Returns candidates sorted by score.
 */
export function rescoreWithLesionMaps(frst: readonly { kind: 'dark' | 'bright'; x: number; y: number; radius: number }[], maps: LesionMaps, mask: MaskImage, options: RescoreOptions = {}): ScoredCandidate[] {
  const { width: mw, height: mh, stride } = maps;
  const minPeak = options.minPeak ?? 0.02;
  const minDistance = options.minDistancePx ?? 6;
  const keep = options.keep ?? (() => true);
  const out: ScoredCandidate[] = [];
  for (const kind of ['dark', 'bright'] as const) {
    const classes = lesionClasses.filter((c) => c.kind === kind && maps.maps[c.code]);
    if (classes.length === 0) continue;
    const found: ScoredCandidate[] = [];
    const peaks = new Map<ScoredCandidate, { map: Float32Array; x: number; y: number; v: number }>();
    for (const c of frst) {
      if (c.kind !== kind) continue;
      const best = maxInDisc(maps, classes.map((k) => k.code), c.x / stride, c.y / stride, Math.max(1, c.radius / stride));
      found.push({ kind, class: lesionClasses.find((k) => k.code === best.code)!.label, x: c.x, y: c.y, radius: c.radius, score: best.value, source: 'frst' });
    }
    for (const cls of classes) {
      const map = maps.maps[cls.code]!;
      for (let y = 1; y < mh - 1; y++) {
        for (let x = 1; x < mw - 1; x++) {
          const i = y * mw + x;
          const v = map[i]!;
          if (v < minPeak) continue;
          if (v < map[i - 1]! || v < map[i + 1]! || v < map[i - mw]! || v < map[i + mw]! || v < map[i - mw - 1]! || v < map[i - mw + 1]! || v < map[i + mw - 1]! || v < map[i + mw + 1]!) continue;
          const nx = x * stride + (stride - 1) / 2, ny = y * stride + (stride - 1) / 2;
          const mi = Math.round(ny) * mask.width + Math.round(nx);
          if (!mask.data[mi]) continue;
          const peak: ScoredCandidate = { kind, class: cls.label, x: nx, y: ny, radius: 0, score: v, source: 'map' };
          found.push(peak);
          peaks.set(peak, { map, x, y, v });
        }
      }
    }
    found.sort((a, b) => b.score - a.score);
    // A peak's radius is measured only once it survives spacing (spacing does not read it): most peaks do not.
    const spaced = suppressClose(found.filter((c) => keep(c.x, c.y)), minDistance, Infinity).map((c) => {
      const p = peaks.get(c);
      return p ? { ...c, radius: blobRadius(p.map, mw, mh, p.x, p.y, p.v) * stride } : c;
    });
    // Dark blots (haemorrhages) swallow the weaker peaks inside them; exudates stay one finding per peak, because
    // they come in clusters of separate specks (merging them cost 5 points of exudate sensitivity at 8 FP per image).
    const limit = options.maxCandidates ?? 400;
    const kept = kind === 'dark' ? insideNone(spaced, limit) : spaced.slice(0, limit);
    const context = options.context ? { ...options.context, maps } : null;
    const ranker = context ? (options.ranker ?? null) : null;
    if (!context || (!ranker && !options.keepFeatures)) {
      out.push(...kept);
      continue;
    }
    // Ranked after spacing, so the candidates a ranker was fitted on are the ones it scores here.
    for (const c of kept) {
      const features = candidateFeatures(c, context);
      const named = options.keepFeatures ? { features: Object.fromEntries(candidateFeatureNames.map((n, i) => [n, Math.round(features[i]! * 1e5) / 1e5])) } : {};
      out.push(ranker ? { ...c, score: rankCandidate(ranker, kind, features), mapScore: Math.round(c.score * 1e6) / 1e6, ...named } : { ...c, ...named });
    }
  }
  return out.sort((a, b) => b.score - a.score).map((c) => ({ ...c, score: Math.round(c.score * 1e6) / 1e6 }));
}

/** Highest value over the given class maps within a disc (map pixels); the class of that maximum. */
function maxInDisc(maps: LesionMaps, codes: readonly LesionCode[], cx: number, cy: number, r: number): { value: number; code: LesionCode } {
  const { width: w, height: h } = maps;
  let value = 0;
  let code = codes[0]!;
  const x0 = Math.max(0, Math.floor(cx - r)), x1 = Math.min(w - 1, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r)), y1 = Math.min(h - 1, Math.ceil(cy + r));
  for (const k of codes) {
    const m = maps.maps[k]!;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 > r * r + 0.5) continue;
      const v = m[y * w + x]!;
      if (v > value) { value = v; code = k; }
    }
  }
  return { value, code };
}

/** Equivalent radius (map pixels) of the pixels above half the peak within 8 map pixels of it. */
function blobRadius(map: Float32Array, w: number, h: number, px: number, py: number, peak: number): number {
  let n = 0;
  const half = peak / 2;
  for (let y = Math.max(0, py - 8); y <= Math.min(h - 1, py + 8); y++) for (let x = Math.max(0, px - 8); x <= Math.min(w - 1, px + 8); x++) if (map[y * w + x]! >= half) n++;
  return Math.max(1, Math.sqrt(n / Math.PI));
}

/** Drops, in score order, every candidate whose centre lies inside an already kept one's radius; stops at `limit` kept. */
function insideNone(sorted: readonly ScoredCandidate[], limit: number): ScoredCandidate[] {
  const kept: ScoredCandidate[] = [];
  for (const c of sorted) {
    if (kept.length >= limit) break;
    if (!kept.some((k) => Math.hypot(k.x - c.x, k.y - c.y) < k.radius)) kept.push(c);
  }
  return kept;
}
