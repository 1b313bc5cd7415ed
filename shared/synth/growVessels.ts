/**
 * Grows the synthetic retinal vessel tree as short tapered segments: four arteries and four veins leave the optic
 * disc (superior/inferior temporal arcades curving around the macula, shorter nasal vessels), branch a few levels
 * and thin out; optional neovascular tufts are fine tortuous loops near the disc (proliferative DR).
 * Pure geometry: the caller paints the segments.
 */

/** One straight piece of a vessel, in image pixels. Half-widths vary linearly from start to end. */
export interface VesselSegment {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly halfWidth0: number;
  readonly halfWidth1: number;
  readonly kind: 'artery' | 'vein' | 'neovascular';
}

/** The anatomy the tree is grown around, in image pixels. */
export interface VesselGeometry {
  readonly fov: { readonly cx: number; readonly cy: number; readonly radius: number };
  readonly disc: { readonly x: number; readonly y: number; readonly radius: number };
  readonly fovea: { readonly x: number; readonly y: number };
}

/** Options of {@link growVessels}. */
export interface GrowVesselsOptions {
  /** Number of neovascular tufts near the disc. @default 0 */
  readonly tufts?: number;
  /** Deepest branching level (0 = trunks only). @default 2 */
  readonly maxDepth?: number;
}

/** The grown tree: its segments and the tufts' centres and radii (the tufts' ground truth). */
export interface VesselTree {
  readonly segments: VesselSegment[];
  readonly tufts: { x: number; y: number; radius: number }[];
}

/**
 * Grows a vessel tree from the disc.
 *
 * @param random Uniform [0, 1) source (e.g. {@link import('./mulberry32.js').mulberry32}); the only randomness used.
 * @param geometry FOV, disc and fovea; the temporal side is the fovea's side of the disc.
 */
export function growVessels(random: () => number, geometry: VesselGeometry, options: GrowVesselsOptions = {}): VesselTree {
  const { fov, disc, fovea } = geometry;
  const maxDepth = options.maxDepth ?? 2;
  const discDiameter = 2 * disc.radius;
  const discToFovea = Math.max(Math.hypot(fovea.x - disc.x, fovea.y - disc.y), discDiameter);
  // +1 when the fovea (temporal side) lies right of the disc in the image.
  const t = fovea.x >= disc.x ? 1 : -1;
  const segments: VesselSegment[] = [];
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * random();
  const stepPx = Math.max(1.5, fov.radius * 0.012);
  const minHalfWidth = Math.max(0.35, disc.radius * 0.012);

  const grow = (x: number, y: number, theta: number, halfWidth: number, kappa: number, lengthPx: number, kind: 'artery' | 'vein', depth: number): void => {
    let length = 0;
    let nextBranch = uniform(0.25, 0.5) * discToFovea;
    // Smoothed random turning: vessels meander gently instead of jittering.
    let drift = 0;
    while (length < lengthPx) {
      drift = 0.85 * drift + (random() - 0.5) * 0.012;
      theta += kappa * stepPx * Math.exp(-length / discToFovea) + drift;
      const nx = x + Math.cos(theta) * stepPx;
      const ny = y + Math.sin(theta) * stepPx;
      if (Math.hypot(nx - fov.cx, ny - fov.cy) > fov.radius * 0.985) return;
      const hw0 = halfWidth * (1 - (0.55 * length) / lengthPx);
      length += stepPx;
      const hw1 = halfWidth * (1 - (0.55 * Math.min(length, lengthPx)) / lengthPx);
      if (hw1 < minHalfWidth) return;
      segments.push({ x0: x, y0: y, x1: nx, y1: ny, halfWidth0: hw0, halfWidth1: hw1, kind });
      x = nx;
      y = ny;
      if (depth < maxDepth && length >= nextBranch) {
        nextBranch += uniform(0.35, 0.7) * discToFovea;
        const side = random() < 0.5 ? -1 : 1;
        grow(x, y, theta + side * uniform(0.5, 1.1), hw1 * uniform(0.5, 0.7), (uniform(-1, 1) * 0.8) / discToFovea,
          Math.min(lengthPx - length, fov.radius) * uniform(0.3, 0.6) + discToFovea * 0.2, kind, depth + 1);
      }
    }
  };

  const trunks = [
    // Superior / inferior temporal arcades: leave vertically, then bend toward the temporal side around the macula.
    { theta: -Math.PI / 2 + t * 0.25, kappa: t / (0.7 * discToFovea), lengthPx: 2.2 * fov.radius },
    { theta: Math.PI / 2 - t * 0.25, kappa: -t / (0.7 * discToFovea), lengthPx: 2.2 * fov.radius },
    // Superior / inferior nasal vessels: shorter, bending away from the macula.
    { theta: -Math.PI / 2 - t * 0.6, kappa: -t * (0.3 / discToFovea), lengthPx: 1.2 * fov.radius },
    { theta: Math.PI / 2 + t * 0.6, kappa: t * (0.3 / discToFovea), lengthPx: 1.2 * fov.radius },
  ];
  for (const trunk of trunks) {
    for (const kind of ['vein', 'artery'] as const) {
      const offset = kind === 'vein' ? uniform(-0.15, -0.05) : uniform(0.05, 0.15);
      const halfWidth = (kind === 'vein' ? 0.047 : 0.036) * discDiameter;
      const sx = disc.x + uniform(-0.2, 0.2) * disc.radius;
      const sy = disc.y + uniform(-0.2, 0.2) * disc.radius;
      grow(sx, sy, trunk.theta + offset, halfWidth, trunk.kappa * uniform(0.85, 1.15), trunk.lengthPx, kind, 0);
    }
  }
  // Small macular branches heading straight for the fovea.
  const towardFovea = Math.atan2(fovea.y - disc.y, fovea.x - disc.x);
  for (const side of [-1, 1]) {
    grow(disc.x, disc.y, towardFovea + side * uniform(0.25, 0.45), 0.02 * discDiameter, (-side * 0.5) / discToFovea,
      0.6 * discToFovea, side < 0 ? 'artery' : 'vein', maxDepth);
  }

  const tufts: { x: number; y: number; radius: number }[] = [];
  for (let k = 0; k < (options.tufts ?? 0); k++) {
    const angle = uniform(0, 2 * Math.PI);
    const distance = uniform(0.6, 1.6) * disc.radius;
    const cx = disc.x + Math.cos(angle) * distance;
    const cy = disc.y + Math.sin(angle) * distance;
    const radius = uniform(0.35, 0.55) * discDiameter;
    tufts.push({ x: cx, y: cy, radius });
    const halfWidth = Math.max(0.45, 0.008 * discDiameter);
    const tuftStepPx = Math.max(0.8, radius * 0.05);
    for (let loop = 0, loops = 3 + Math.floor(random() * 4); loop < loops; loop++) {
      let x = cx;
      let y = cy;
      let theta = uniform(0, 2 * Math.PI);
      let turn = uniform(0.15, 0.45) * (random() < 0.5 ? -1 : 1);
      for (let s = 0, steps = Math.round((radius * uniform(3, 5)) / tuftStepPx); s < steps; s++) {
        if (random() < 0.08) turn = -turn;
        theta += turn + (random() - 0.5) * 0.3;
        // Turn back toward the centre so the tuft stays a compact tangle.
        if (Math.hypot(x - cx, y - cy) > radius) theta = Math.atan2(cy - y, cx - x) + uniform(-0.6, 0.6);
        const nx = x + Math.cos(theta) * tuftStepPx;
        const ny = y + Math.sin(theta) * tuftStepPx;
        segments.push({ x0: x, y0: y, x1: nx, y1: ny, halfWidth0: halfWidth, halfWidth1: halfWidth, kind: 'neovascular' });
        x = nx;
        y = ny;
      }
    }
  }
  return { segments, tufts };
}
