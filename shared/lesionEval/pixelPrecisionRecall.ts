/**
 * Pixel-level precision–recall of 8-bit probability maps against binary masks, accumulated over photographs in
 * 256-bin histograms (the maps are quantised to 8 bits, as the IDRiD 2018 challenge's submissions were). The area is
 * the average precision: Σ (Rₖ − Rₖ₋₁) · Pₖ over the thresholds from high to low (no interpolation).
 */
export class PixelPrecisionRecall {
  readonly #pos = new Map<string, Float64Array>();
  readonly #neg = new Map<string, Float64Array>();

  constructor(classes: readonly string[]) {
    for (const c of classes) {
      this.#pos.set(c, new Float64Array(256));
      this.#neg.set(c, new Float64Array(256));
    }
  }

  /** Adds one photograph: `prob` (0–255) and `truth` (non-zero = lesion) of equal length. */
  add(cls: string, prob: Uint8Array, truth: Uint8Array): void {
    const pos = this.#pos.get(cls), neg = this.#neg.get(cls);
    if (!pos || !neg) throw new Error(`Expected a class of ${[...this.#pos.keys()].join(', ')} but received ${cls}`);
    if (prob.length !== truth.length) throw new Error(`Expected maps of equal size but received ${prob.length} and ${truth.length} pixels`);
    for (let i = 0; i < prob.length; i++) {
      if (truth[i]) pos[prob[i]!]!++;
      else neg[prob[i]!]!++;
    }
  }

  /** Lesion pixels seen for a class. */
  positives(cls: string): number {
    return (this.#pos.get(cls) ?? new Float64Array(0)).reduce((s, v) => s + v, 0);
  }

  /** Average precision of a class, or `null` when no lesion pixel was seen. */
  aupr(cls: string): number | null {
    const pos = this.#pos.get(cls), neg = this.#neg.get(cls);
    if (!pos || !neg) return null;
    const total = pos.reduce((s, v) => s + v, 0);
    if (total === 0) return null;
    let tp = 0, fp = 0, recall = 0, area = 0;
    for (let t = 255; t >= 0; t--) {
      tp += pos[t]!;
      fp += neg[t]!;
      if (tp + fp === 0) continue;
      const r = tp / total;
      area += (r - recall) * (tp / (tp + fp));
      recall = r;
    }
    return area;
  }
}
