import { lesionClasses, type LesionCode } from './lesionClasses.js';
import type { LesionMaps } from './LesionModel.js';

/** Where on the retina, by distance from the fovea in disc diameters (DD). */
export const burdenRegions = ['macula', 'posterior', 'periphery'] as const;

/** Lesion burden of one photograph from its probability maps: per class and region, resolution-independent. */
export interface LesionBurden {
  /** Per class: area with probability ≥ 0.5 per region, in 1/10 000 of the retina's area. */
  readonly area: Readonly<Record<LesionCode, Readonly<Record<(typeof burdenRegions)[number], number>>>>;
  /** Per class: the highest probability anywhere. */
  readonly peak: Readonly<Record<LesionCode, number>>;
}

/**
 * Sums each class map above 0.5 by region: `macula` within 1 DD of the fovea, `posterior` 1–3 DD, `periphery`
 * beyond (without a fovea, the FOV centre stands in; without a disc, a disc diameter of 1/6.4 of the retina, IDRiD's
 * median). `fovea` and `retina` are in normalised pixels.
 */
export function lesionBurden(maps: LesionMaps, retina: { cx: number; cy: number; radius: number }, fovea: { x: number; y: number } | null, discDiameter: number | null): LesionBurden {
  const { width: w, height: h, stride } = maps;
  const f = fovea ?? { x: retina.cx, y: retina.cy };
  const dd = discDiameter && discDiameter > 0 ? discDiameter : (2 * retina.radius) / 6.4;
  const unit = (Math.PI * retina.radius * retina.radius) / 1e4;
  const area = {} as Record<LesionCode, Record<(typeof burdenRegions)[number], number>>;
  const peak = {} as Record<LesionCode, number>;
  for (const cls of lesionClasses) {
    const map = maps.maps[cls.code];
    const a = { macula: 0, posterior: 0, periphery: 0 };
    let best = 0;
    if (map) {
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const v = map[y * w + x]!;
        if (v > best) best = v;
        if (v < 0.5) continue;
        const nx = (x + 0.5) * stride, ny = (y + 0.5) * stride;
        if ((nx - retina.cx) ** 2 + (ny - retina.cy) ** 2 > retina.radius * retina.radius) continue;
        const d = Math.hypot(nx - f.x, ny - f.y) / dd;
        a[d <= 1 ? 'macula' : d <= 3 ? 'posterior' : 'periphery'] += (stride * stride) / unit;
      }
    }
    area[cls.code] = { macula: round4(a.macula), posterior: round4(a.posterior), periphery: round4(a.periphery) };
    peak[cls.code] = round4(best);
  }
  return { area, peak };
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
