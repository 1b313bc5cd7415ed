import type { FloatImage } from '../image/RgbImage.js';

/**
 * Radius (where the mean radial profile crosses half-way between centre and surround), relative contrast
 * (|surround − centre| / surround) and lineness (how much of the contrast is lost along the darkest axis through
 * the centre: 1 = a line such as a vessel, 0 = an isotropic blob).
 */
export function measureCandidate(img: FloatImage, x: number, y: number, kind: 'dark' | 'bright', maxR: number): { radius: number; contrast: number; lineness: number } {
  const { width: w, height: h, data } = img;
  const sample = (px: number, py: number) => data[Math.min(h - 1, Math.max(0, Math.round(py))) * w + Math.min(w - 1, Math.max(0, Math.round(px)))]!;
  const dirs = 8;
  const profile: number[] = [sample(x, y)];
  const rays: number[][] = Array.from({ length: dirs }, () => []);
  for (let r = 1; r <= maxR; r++) {
    let s = 0;
    for (let a = 0; a < dirs; a++) {
      const v = sample(x + r * Math.cos((a * 2 * Math.PI) / dirs), y + r * Math.sin((a * 2 * Math.PI) / dirs));
      rays[a]!.push(v);
      s += v;
    }
    profile.push(s / dirs);
  }
  const centre = profile[0]!, surround = profile[maxR]!;
  const sign = kind === 'dark' ? 1 : -1;
  const contrast = Math.max(0, (sign * (surround - centre)) / Math.max(1, surround));
  const half = (centre + surround) / 2;
  let radius = maxR;
  for (let r = 1; r <= maxR; r++) if (sign * (profile[r]! - half) >= 0) { radius = r; break; }
  // Along each of the four axes through the centre, the mean of the two opposite samples at 2 radii + 2.
  const d = Math.min(maxR, 2 * radius + 2) - 1;
  let worstAxis = Infinity;
  for (let a = 0; a < dirs / 2; a++) {
    const v = (rays[a]![d]! + rays[a + dirs / 2]![d]!) / 2;
    worstAxis = Math.min(worstAxis, sign * (v - centre));
  }
  const depth = sign * (surround - centre);
  const lineness = depth > 0 ? Math.max(0, Math.min(1, 1 - worstAxis / depth)) : 1;
  return { radius, contrast, lineness };
}
