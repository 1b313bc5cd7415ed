/** Greedy spacing in `sorted` order: keeps a candidate unless a kept one lies closer than `minDistance`; stops at `limit` kept. */
export function suppressClose<T extends { x: number; y: number }>(sorted: T[], minDistance: number, limit: number): T[] {
  const kept: T[] = [];
  if (limit <= 0) return kept;
  const cell = Math.max(1, minDistance);
  // Cells keyed by number: gy · stride + gx, with gx, gy offset by one so that neighbours of cell 0 stay distinct.
  const stride = 1 << 20;
  const grid = new Map<number, T[]>();
  for (const c of sorted) {
    const gx = Math.floor(c.x / cell) + 1, gy = Math.floor(c.y / cell) + 1;
    let close = false;
    for (let dy = -1; dy <= 1 && !close; dy++) for (let dx = -1; dx <= 1 && !close; dx++) {
      for (const k of grid.get((gy + dy) * stride + gx + dx) ?? []) if (Math.hypot(k.x - c.x, k.y - c.y) < minDistance) { close = true; break; }
    }
    if (close) continue;
    kept.push(c);
    if (kept.length >= limit) break;
    const key = gy * stride + gx;
    const list = grid.get(key);
    if (list) list.push(c); else grid.set(key, [c]);
  }
  return kept;
}
