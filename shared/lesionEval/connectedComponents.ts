import type { MaskImage } from '../image/RgbImage.js';

/** 8-connected component labels of a mask (0 = background, 1..count) using a two-pass union–find. */
export function connectedComponents(mask: MaskImage): { labels: Int32Array; count: number } {
  const { width: w, height: h, data } = mask;
  const labels = new Int32Array(w * h);
  const parent: number[] = [0];
  const find = (a: number): number => { while (parent[a] !== a) { parent[a] = parent[parent[a]!]!; a = parent[a]!; } return a; };
  const union = (a: number, b: number) => { const ra = find(a), rb = find(b); if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb); };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!data[i]) continue;
      let label = 0;
      const neighbours = [x > 0 ? labels[i - 1]! : 0, y > 0 ? labels[i - w]! : 0, y > 0 && x > 0 ? labels[i - w - 1]! : 0, y > 0 && x < w - 1 ? labels[i - w + 1]! : 0];
      for (const nb of neighbours) if (nb) { if (!label) label = nb; else union(label, nb); }
      if (!label) { label = parent.length; parent.push(label); }
      labels[i] = label;
    }
  }
  const remap = new Int32Array(parent.length);
  let count = 0;
  for (let l = 1; l < parent.length; l++) { const r = find(l); if (!remap[r]) remap[r] = ++count; remap[l] = remap[r]!; }
  for (let i = 0; i < labels.length; i++) if (labels[i]) labels[i] = remap[labels[i]!]!;
  return { labels, count };
}

/** Labels of the components within `tolerancePx` of (x, y) (a disc around the point). */
export function componentsNear(labels: Int32Array, width: number, height: number, x: number, y: number, tolerancePx: number): Set<number> {
  const out = new Set<number>();
  const r = Math.ceil(tolerancePx);
  const cx = Math.round(x), cy = Math.round(y);
  for (let dy = -r; dy <= r; dy++) {
    const yy = cy + dy;
    if (yy < 0 || yy >= height) continue;
    for (let dx = -r; dx <= r; dx++) {
      const xx = cx + dx;
      if (xx < 0 || xx >= width || dx * dx + dy * dy > tolerancePx * tolerancePx) continue;
      const l = labels[yy * width + xx]!;
      if (l) out.add(l);
    }
  }
  return out;
}
