/**
 * How bright a disc-sized circle is against its surround, at several radii around one place: the centre is first
 * found with `centringRadius` (the best within 0.75 of it, on a grid of radius / 8), then for each radius r the
 * mean of `relative` inside r minus its mean in the ring r–1.6 r (mask pixels only; −∞ where either is empty).
 * For a uniformly bright disc of radius R the contrast peaks at r = R: a smaller circle's ring holds disc, a
 * larger circle's inside holds background. Centring with a large radius keeps a small circle from settling on the
 * bright cup of a large disc.
 */
export function discContrastProfile(relative: Float32Array, mask: Uint8Array, width: number, height: number, x: number, y: number, radii: readonly number[], centringRadius: number): number[] {
  const step = Math.max(1, centringRadius / 8), reach = 0.75 * centringRadius;
  let best = -Infinity, cx = x, cy = y;
  for (let dy = -reach; dy <= reach; dy += step) for (let dx = -reach; dx <= reach; dx += step) {
    if (dx * dx + dy * dy > reach * reach) continue;
    const c = discContrast(relative, mask, width, height, x + dx, y + dy, centringRadius);
    if (c > best) { best = c; cx = x + dx; cy = y + dy; }
  }
  return radii.map((r) => discContrast(relative, mask, width, height, cx, cy, r));
}

function discContrast(values: Float32Array, mask: Uint8Array, width: number, height: number, cx: number, cy: number, r: number): number {
  const outer = 1.6 * r;
  let inSum = 0, inCount = 0, ringSum = 0, ringCount = 0;
  const x0 = Math.max(0, Math.floor(cx - outer)), x1 = Math.min(width - 1, Math.ceil(cx + outer));
  const y0 = Math.max(0, Math.floor(cy - outer)), y1 = Math.min(height - 1, Math.ceil(cy + outer));
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
    const i = y * width + x;
    if (!mask[i]) continue;
    const d2 = (x - cx) ** 2 + (y - cy) ** 2;
    if (d2 <= r * r) { inSum += values[i]!; inCount++; } else if (d2 <= outer * outer) { ringSum += values[i]!; ringCount++; }
  }
  return inCount && ringCount ? inSum / inCount - ringSum / ringCount : -Infinity;
}
