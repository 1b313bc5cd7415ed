import type { FloatImage, MaskImage } from '../image/RgbImage.js';
import { resolveDetectOptions, type DetectLesionsOptions } from './DetectLesionsOptions.js';
import { downsampleMasked } from './downsampleMasked.js';
import { findCandidates, type MeasuredCandidate } from './findCandidates.js';
import { frst } from './frst.js';
import { localEntropy, sampleLocalEntropy } from './localEntropy.js';
import { noiseSigma } from './noiseSigma.js';
import { suppressClose } from './suppressClose.js';
import { highEntropyLevel, regroupByEntropy, type NormalisedLesion } from './regroupByEntropy.js';

export type { DetectLesionsOptions } from './DetectLesionsOptions.js';
export type { NormalisedLesion } from './regroupByEntropy.js';

/**
 * The FRST candidate generator of the two-step paradigm on a normalised, background-flattened green channel (flat
 * outside the mask, so the rim casts no votes): dark FRST centres (red lesions: microaneurysms, haemorrhages) and
 * bright ones (exudates), from the Tsallis-thresholded symmetry probability (findCandidates.ts), a coarse pass for
 * blot haemorrhages, then regrouping with a local-entropy image (regroupByEntropy.ts). The learned lesion stage
 * (rescoreWithLesionMaps.ts) rescores what this returns.
 */
export function detectLesions(green: FloatImage, mask: MaskImage, options: DetectLesionsOptions = {}): { lesions: NormalisedLesion[]; thresholds: { dark: number; bright: number } } {
  const o = resolveDetectOptions(options);
  const { dark, bright } = frst(green, { radii: o.radii, alpha: 2, beta: 0, voteMask: mask });
  const entropy = localEntropy(green, { window: Math.round(15 * o.scale) | 1, step: Math.max(2, Math.round(4 * o.scale)), range: [40, 160] });
  const noise = noiseSigma(green, mask);
  const thresholds = { dark: 0, bright: 0 };
  const byKind: Record<'dark' | 'bright', MeasuredCandidate[]> = { dark: [], bright: [] };
  for (const [kind, map] of [['dark', dark], ['bright', bright]] as const) {
    if (!map) continue;
    const pass = findCandidates(green, mask, map, kind, 1, Math.max(...o.radii), noise, o);
    thresholds[kind] = pass.threshold;
    byKind[kind].push(...pass.candidates);
  }
  // Blot haemorrhages are larger than the fine radii: a second, coarse pass (×4 smaller image, radii 2–6, i.e.
  // 8–24 px at 1024) finds them; the noise level of the fine image keeps the contrast test as strict.
  const f = Math.max(2, Math.round(4 * o.scale));
  const coarse = downsampleMasked(green, mask, f);
  const coarseDark = frst(coarse.image, { radii: [2, 3, 4, 5, 6], alpha: 2, beta: 0, polarity: 'dark', voteMask: coarse.mask }).dark!;
  byKind.dark.push(...findCandidates(coarse.image, coarse.mask, coarseDark, 'dark', f, 6, noise, o).candidates.map((c) => ({ ...c, coarse: true })));
  const out: NormalisedLesion[] = [];
  const highEntropy = o.collectFeatures ? Infinity : highEntropyLevel(entropy, mask);
  for (const kind of ['dark', 'bright'] as const) {
    // One lesion seen by both passes is one candidate: spacing over the merged list, the higher score winning.
    const cands = suppressClose(byKind[kind].sort((x, y) => y.score - x.score), o.minDistancePx, Infinity);
    if (o.collectFeatures) {
      for (const c of cands) {
        out.push({ kind, class: kind === 'bright' ? 'exudate' : c.coarse || c.radius > o.maxMicroaneurysmRadiusPx ? 'haemorrhage' : 'microaneurysm', x: c.x, y: c.y, radius: c.radius, score: c.score,
          features: { value: c.value, prob: c.symmetry, contrastSigma: c.contrastSigma, contrast: c.contrast, lineness: c.lineness, radius: c.radius, noise, coarse: c.coarse ? 1 : 0, entropy: sampleLocalEntropy(entropy, c.x, c.y) } });
      }
      continue;
    }
    out.push(...regroupByEntropy(cands, kind, entropy, highEntropy, o));
  }
  return { lesions: out, thresholds };
}
