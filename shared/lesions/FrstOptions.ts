import type { FloatImage, MaskImage } from '../image/RgbImage.js';

/** Options of `frst` (frst.ts), shared with its WebAssembly driver (frstWasm.ts), so neither imports the other's types. */
export interface FrstOptions {
  /** Radii in pixels. @default [1, 2, 3, 4, 5, 6, 7, 8] */
  radii?: readonly number[];
  /** Radial strictness α. @default 2 */
  alpha?: number;
  /** Gradient threshold β as a fraction of the largest gradient magnitude. @default 0 */
  beta?: number;
  /** Which polarities to compute. @default 'both' */
  polarity?: 'both' | 'dark' | 'bright';
  /** Only pixels where the mask is non-zero cast votes (e.g. an eroded field of view). @default all pixels */
  voteMask?: MaskImage;
  /** Gaussian σ per radius as a multiple of n. @default 0.25 */
  sigmaPerRadius?: number;
  /**
   * 'wasm': native/frst.c through frstWasm.ts (about 20× faster; same votes, maps equal to the reference within
   * float32 rounding); 'js': {@link frstJs}, the reference. @default 'wasm'
   */
  implementation?: 'wasm' | 'js';
}

/** Symmetry maps (mean over radii); `null` for a polarity not asked for. */
export interface FrstResult {
  readonly dark: FloatImage | null;
  readonly bright: FloatImage | null;
}

