import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeMask } from '../image/decodeImage.js';
import type { MaskImage } from '../image/RgbImage.js';
import { componentsNear, connectedComponents } from './connectedComponents.js';

type MaskCode = 'MA' | 'HE' | 'EX' | 'SE';
type Labelled = { labels: Int32Array; count: number } | null;

/** One photograph's ground truth from IDRiD's masks: the masks and their connected components. */
export interface LesionTruth {
  readonly stem: string;
  readonly width: number;
  readonly height: number;
  readonly masks: Readonly<Record<MaskCode, MaskImage | null>>;
  /** Components of MA ∪ HE (red lesions), MA, HE, EX and SE. */
  readonly components: Readonly<Record<'red' | MaskCode, Labelled>>;
}

/** What one candidate hits: component keys (`stem:label`) per scored set, and whether it is neither true nor false. */
export interface CandidateHits {
  readonly red: string[];
  readonly MA: string[];
  /** A dark candidate on a haemorrhage but no microaneurysm: ignored when scoring microaneurysms. */
  readonly maIgnored: boolean;
  readonly EX: string[];
  /** A bright candidate on a soft exudate but no hard one: ignored when scoring hard exudates. */
  readonly exIgnored: boolean;
}

/**
 * Reads `<masks>/<CLS>/<stem>_<CLS>.(png|tif|tiff)` for MA, HE, EX and SE; null when the photograph has none of MA,
 * HE and EX.
 */
export async function loadLesionTruth(masksDir: string, stem: string): Promise<LesionTruth | null> {
  const path = (cls: MaskCode) => ['png', 'tif', 'tiff'].map((e) => join(masksDir, cls, `${stem}_${cls}.${e}`)).find((p) => existsSync(p));
  const load = async (cls: MaskCode) => { const p = path(cls); return p ? decodeMask(await readFile(p)) : null; };
  const [ma = null, he = null, ex = null, se = null] = await Promise.all((['MA', 'HE', 'EX', 'SE'] as const).map(load));
  if (!ma && !he && !ex) return null;
  const base = (ma ?? he ?? ex)!;
  const union = (a: MaskImage | null, b: MaskImage | null): MaskImage | null => {
    const first = a ?? b;
    if (!first) return null;
    const data = new Uint8Array(first.width * first.height);
    for (let i = 0; i < data.length; i++) data[i] = (a?.data[i] ?? 0) || (b?.data[i] ?? 0) ? 1 : 0;
    return { width: first.width, height: first.height, data };
  };
  const label = (m: MaskImage | null): Labelled => (m ? connectedComponents(m) : null);
  return {
    stem,
    width: base.width,
    height: base.height,
    masks: { MA: ma, HE: he, EX: ex, SE: se },
    components: { red: label(union(ma, he)), MA: label(ma), HE: label(he), EX: label(ex), SE: label(se) },
  };
}

/**
 * The components a candidate (source pixels) hits, as in the Retinopathy Online Challenge: its centre lies in a
 * component or within 5 px of one at 4288 px width (scaled with the photograph's width).
 */
export function candidateHits(truth: LesionTruth, candidate: { readonly kind: 'dark' | 'bright'; readonly x: number; readonly y: number }): CandidateHits {
  const tolerance = (5 * truth.width) / 4288;
  const near = (l: Labelled): string[] => (l ? [...componentsNear(l.labels, truth.width, truth.height, candidate.x, candidate.y, tolerance)].map((k) => `${truth.stem}:${k}`) : []);
  if (candidate.kind === 'dark') {
    const ma = near(truth.components.MA);
    return { red: near(truth.components.red), MA: ma, maIgnored: ma.length === 0 && near(truth.components.HE).length > 0, EX: [], exIgnored: false };
  }
  const ex = near(truth.components.EX);
  return { red: [], MA: [], maIgnored: false, EX: ex, exIgnored: ex.length === 0 && near(truth.components.SE).length > 0 };
}
