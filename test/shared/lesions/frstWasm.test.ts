import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import type { FloatImage, MaskImage } from '../../../shared/image/RgbImage.js';
import { frst, frstJs, type FrstOptions, type FrstResult } from '../../../shared/lesions/frst.js';
import { frstWasm } from '../../../shared/lesions/frstWasm.js';
import { frstWasmBase64 } from '../../../shared/lesions/frstWasmBinary.js';

/**
 * The WebAssembly FRST against the TypeScript reference. Tolerance: every sample within 1e-5 of the reference
 * map's largest value (float32 rounding; the observed gap is about 2e-7). A single vote cast at a different pixel
 * changes a map by far more than that, and the unblurred cases below compare vote positions exactly.
 */
const relTol = 1e-5;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function randomImage(w: number, h: number, seed: number, kind: 'integer' | 'float'): FloatImage {
  const rnd = lcg(seed);
  const data = new Float32Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = kind === 'integer' ? Math.floor(rnd() * 256) : rnd() * 3 - 1;
  return { width: w, height: h, data };
}

/** Smooth random blobs: gradients with every direction and plenty of symmetric structure. */
function blobImage(w: number, h: number, seed: number): FloatImage {
  const rnd = lcg(seed);
  const data = new Float32Array(w * h).fill(128);
  for (let b = 0; b < 12; b++) {
    const cx = rnd() * w, cy = rnd() * h, r = 1.5 + rnd() * 5, a = (rnd() - 0.5) * 160;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x]! += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
  }
  for (let i = 0; i < data.length; i++) data[i] = Math.round(data[i]!);
  return { width: w, height: h, data };
}

/**
 * Pixels on the edge cases of vote rounding. At (20, 14) the float32 unit gradient is exactly (0.5, √3/2)
 * (gx = 1, gy = fround(√3), |g| rounds to 2), so odd radii put u·r on a Math.round tie (0.5 → 1, 7.5 → 8); at
 * (20, 30) gx = −1 (−0.5 → −0, −1.5 → −1). At (8, 22) gx = 0.0333518… and gy = 1 give u = 0.033333335 (a
 * float32 with its last bit set): 15u rounds to 1 only if that bit is kept.
 */
function tieImage(): FloatImage {
  const w = 40, h = 44;
  const data = new Float32Array(w * h);
  const s4 = Math.fround(Math.sqrt(3)) / 4;
  data[14 * w + 21] = 0.5;
  data[30 * w + 19] = 0.5;
  for (const x of [19, 20, 21]) {
    data[15 * w + x] = s4;
    data[31 * w + x] = s4;
  }
  data[22 * w + 9] = lastBitGx / 2;
  for (const x of [7, 8, 9]) data[23 * w + x] = 0.25;
  return { width: w, height: h, data };
}

/** Found by walking float32 values up from 0.0333; the test 'the edge-case image is what it claims' checks it. */
const lastBitGx = Math.fround(0.03335186839103699);

/**
 * Samples where float32 Sobel sums would round and the reference's float64 ones do not: 2^24 next to quarters
 * (`offset` 0), or integers 2^23 + 0..499 (a small range, but sums beyond 2^24 lose their odd units).
 */
function hugeImage(offset = 0): FloatImage {
  const rnd = lcg(77 + offset);
  const w = 26, h = 21;
  const data = new Float32Array(w * h);
  for (let i = 0; i < data.length; i++) {
    data[i] = offset ? offset + Math.floor(rnd() * 500) : rnd() < 0.3 ? 16777216 : Math.floor(rnd() * 8) / 4;
  }
  return { width: w, height: h, data };
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * Largest |wasm − js| relative to the reference's largest finite |value| (0 when both are all zero); samples that
 * are not finite (a gradient overflowing float32) must be the same in both.
 */
function relativeGap(js: FloatImage, wasm: FloatImage): number {
  expect([wasm.width, wasm.height, wasm.data.length]).toEqual([js.width, js.height, js.data.length]);
  let gap = 0, scale = 0, mismatchedNonFinite = 0;
  for (let i = 0; i < js.data.length; i++) {
    const a = js.data[i]!, b = wasm.data[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      if (!Object.is(a, b)) mismatchedNonFinite++;
      continue;
    }
    gap = Math.max(gap, Math.abs(a - b));
    scale = Math.max(scale, Math.abs(a));
  }
  expect(mismatchedNonFinite).toBe(0);
  return scale === 0 ? gap : gap / scale;
}

function expectSame(image: FloatImage, options: FrstOptions): { js: FrstResult; wasm: FrstResult } {
  const js = frstJs(image, options);
  const wasm = frstWasm(image, options);
  for (const key of ['dark', 'bright'] as const) {
    const a = js[key], b = wasm[key];
    expect(b === null).toBe(a === null);
    if (a && b) expect(relativeGap(a, b)).toBeLessThanOrEqual(relTol);
  }
  return { js, wasm };
}

function argmax(img: FloatImage): [number, number] {
  let best = -Infinity, bi = 0;
  img.data.forEach((v, i) => { if (v > best) { best = v; bi = i; } });
  return [bi % img.width, Math.floor(bi / img.width)];
}

describe('frstWasm equals the reference frstJs', () => {
  it('on random images of many sizes, integer and float samples, default options', () => {
    const sizes: [number, number][] = [[1, 1], [2, 3], [3, 3], [7, 5], [5, 1], [1, 9], [4, 4], [13, 11], [33, 17], [64, 48], [97, 61]];
    sizes.forEach(([w, h], i) => {
      expectSame(randomImage(w, h, 10 + i, 'integer'), {});
      expectSame(randomImage(w, h, 50 + i, 'float'), {});
    });
  });

  it('on smooth blob images, with every polarity', () => {
    const img = blobImage(80, 60, 7);
    const both = expectSame(img, {});
    expect(maxAbs(both.js.dark!.data)).toBeGreaterThan(1);
    expect(maxAbs(both.js.bright!.data)).toBeGreaterThan(1);
    const dark = expectSame(img, { polarity: 'dark' });
    expect(dark.wasm.bright).toBeNull();
    expect(dark.wasm.dark!.data).toEqual(both.wasm.dark!.data);
    const bright = expectSame(img, { polarity: 'bright' });
    expect(bright.wasm.dark).toBeNull();
    expect(bright.wasm.bright!.data).toEqual(both.wasm.bright!.data);
  });

  it('with α = 1, 3 and 0.5 (lookup-table path) and α = 2', () => {
    const img = blobImage(50, 40, 3);
    for (const alpha of [1, 3, 0.5, 2]) expectSame(img, { alpha });
    expectSame(randomImage(31, 23, 4, 'float'), { alpha: 3 });
  });

  it('with β > 0 (gradient threshold), up to a β that silences every pixel', () => {
    const img = blobImage(60, 45, 11);
    for (const beta of [0.05, 0.2, 0.5]) {
      const { js } = expectSame(img, { beta });
      expect(maxAbs(js.dark!.data)).toBeGreaterThan(0);
    }
    // β = 1: only pixels whose float32 magnitude rounds above the float64 maximum vote, in both paths.
    expectSame(img, { beta: 1 });
    const silent = expectSame(img, { beta: 1.01 });
    expect(maxAbs(silent.wasm.dark!.data)).toBe(0);
    expectSame(randomImage(40, 30, 12, 'float'), { beta: 0.3, alpha: 1 });
  });

  it('with a vote mask', () => {
    const img = blobImage(70, 50, 21);
    const rnd = lcg(22);
    const mask: MaskImage = { width: 70, height: 50, data: new Uint8Array(70 * 50).map(() => (rnd() < 0.6 ? 1 + Math.floor(rnd() * 255) : 0)) };
    const { js } = expectSame(img, { voteMask: mask });
    const unmasked = frstJs(img, {});
    expect(relativeGap(unmasked.dark!, js.dark!)).toBeGreaterThan(0.01);
    const none: MaskImage = { width: 70, height: 50, data: new Uint8Array(70 * 50) };
    expect(maxAbs(frstWasm(img, { voteMask: none }).bright!.data)).toBe(0);
  });

  it('with radius subsets, unsorted and repeated radii, half-integer and large radii', () => {
    const img = blobImage(64, 52, 31);
    const sets: number[][] = [[1], [8], [2, 5], [3, 1, 2], [2, 2, 4], [1.5, 2.5, 4], [0.5, 3.7], [3, 10], [12], [15, -9], [16], [-2, 3], [0, 2]];
    for (const radii of sets) expectSame(img, { radii });
    expectSame(randomImage(29, 19, 32, 'float'), { radii: [2.5, 6, 9], alpha: 3, beta: 0.1 });
    expectSame(img, { radii: [1, 2, 3], sigmaPerRadius: 0.5 });
  });

  it('the edge-case image is what it claims (unit gradients as the reference computes them)', () => {
    const u = Math.fround(lastBitGx / Math.fround(Math.sqrt(lastBitGx * lastBitGx + 1)));
    expect(u * 2 ** 28 % 2).toBe(1);
    expect(Math.round(u * 15)).toBe(1);
    expect(Math.round((u - 2 ** -28) * 15)).toBe(0);
    expect(Math.fround(1 / Math.fround(Math.sqrt(1 + Math.fround(Math.sqrt(3)) ** 2)))).toBe(0.5);
  });

  it('casts the same votes: with no smoothing the maps have identical support, ties of Math.round included', () => {
    // sigmaPerRadius = 0 gives the kernel [0, 1, 0]: the maps are the mean F_n, one non-zero pixel per voted cell.
    // Horizontal and vertical steps give unit directions of exactly ±1, so r = 2.5 lands on Math.round ties
    // (2.5 → 3, −2.5 → −2).
    const w = 24, h = 20;
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = (x >= 11 ? 90 : 10) + (y >= 9 ? 40 : 0);
    const images = [{ width: w, height: h, data }, tieImage(), hugeImage(), hugeImage(8388608), blobImage(40, 30, 41), randomImage(30, 22, 42, 'float')];
    for (const img of images) {
      // Integer radii up to 8 and up to 15 take native/frst.c's two fixed-point modes, the others float64.
      for (const radii of [[1, 2, 3, 4, 5, 6, 7, 8], [9, 11, 13, 15], [3, 17], [2.5], [1.5, 3.5, 7]]) {
        const { js, wasm } = expectSame(img, { radii, sigmaPerRadius: 0 });
        for (const key of ['dark', 'bright'] as const) {
          const supportJs = [...js[key]!.data].map((v) => v !== 0);
          const supportWasm = [...wasm[key]!.data].map((v) => v !== 0);
          expect(supportWasm).toEqual(supportJs);
        }
      }
    }
  });

  it('matches the reference where gradients overflow float32 (dropped votes, infinite maps)', () => {
    // A block of 3e38: inside its edge the float32 gradient is inf (direction inf / inf, offsets NaN: the
    // reference's bounds test drops those votes); at its corners gx and gy stay finite but |g| is inf.
    // The infinite votes spread through the blurs; the left part of the image stays finite.
    const w = 120, h = 40;
    const img = blobImage(w, h, 71);
    for (let y = 24; y < h; y++) for (let x = 100; x < w; x++) img.data[y * w + x] = 3e38;
    const { js } = expectSame(img, {});
    const finite = js.dark!.data.filter(Number.isFinite);
    expect(finite.length).toBeGreaterThan((w * h) / 2);
    expect(finite.length).toBeLessThan(w * h);
    expect(maxAbs(finite)).toBeGreaterThan(1);
  });

  it('stays correct when one instance serves images of different sizes in turn', () => {
    expectSame(blobImage(90, 70, 51), {});
    expectSame(blobImage(9, 7, 52), { polarity: 'bright' });
    expectSame(blobImage(120, 33, 53), { voteMask: { width: 120, height: 33, data: new Uint8Array(120 * 33).fill(1) } });
    expectSame(blobImage(90, 70, 51), { radii: [1.5, 4] });
  });
});

describe('frstWasm on an image with a dark and a bright disc', () => {
  /** A 64 × 40 grey image (128) with a dark disc (60) at (16, 20) and a bright disc (200) at (46, 21), radius 4. */
  function discs(): FloatImage {
    const w = 64, h = 40;
    const data = new Float32Array(w * h).fill(128);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      if ((x - 16) ** 2 + (y - 20) ** 2 <= 16) data[y * w + x] = 60;
      if ((x - 46) ** 2 + (y - 21) ** 2 <= 16) data[y * w + x] = 200;
    }
    return { width: w, height: h, data };
  }

  it('puts the maxima on the centres, like the reference', () => {
    const { wasm } = expectSame(discs(), {});
    expect(argmax(wasm.dark!)).toEqual([16, 20]);
    expect(argmax(wasm.bright!)).toEqual([46, 21]);
    expect(wasm.dark!.data[21 * 64 + 46]!).toBeLessThan(wasm.dark!.data[20 * 64 + 16]! * 0.05);
  });

  it('is what frst() computes by default; implementation: "js" selects the reference', () => {
    const img = discs();
    const byDefault = frst(img);
    const wasm = frstWasm(img);
    const js = frstJs(img);
    expect(byDefault.dark!.data).toEqual(wasm.dark!.data);
    expect(frst(img, { implementation: 'wasm' }).bright!.data).toEqual(wasm.bright!.data);
    expect(frst(img, { implementation: 'js' }).dark!.data).toEqual(js.dark!.data);
    // The two paths round differently, so the checks above tell them apart.
    expect(wasm.dark!.data).not.toEqual(js.dark!.data);
  });
});

describe('frstWasm input checks and packaging', () => {
  const img = blobImage(10, 8, 61);
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (error) {
      return isDrgradeError(error) ? error.code : 'not a DrgradeError';
    }
    return undefined;
  };

  it('rejects inputs the reference would turn into NaN or garbage', () => {
    expect(code(() => frstWasm(img, { radii: [] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => frstWasm(img, { radii: [2, Number.NaN] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => frstWasm(img, { alpha: Number.POSITIVE_INFINITY }))).toBe('INVALID_ARGUMENT');
    expect(code(() => frstWasm(img, { beta: Number.NaN }))).toBe('INVALID_ARGUMENT');
    expect(code(() => frstWasm({ width: 10, height: 8, data: new Float32Array(79) }))).toBe('INVALID_ARGUMENT');
    expect(code(() => frstWasm(img, { voteMask: { width: 8, height: 10, data: new Uint8Array(80) } }))).toBe('INVALID_ARGUMENT');
    expect(code(() => frstWasm(img))).toBeUndefined();
  });

  it('returns empty maps for an empty image', () => {
    const r = frstWasm({ width: 0, height: 5, data: new Float32Array(0) }, { polarity: 'dark' });
    expect(r.dark).toEqual({ width: 0, height: 5, data: new Float32Array(0) });
    expect(r.bright).toBeNull();
  });

  it('embeds exactly the committed native/frst.wasm (rebuild both with native/build.sh)', () => {
    const file = readFileSync(new URL('../../../native/frst.wasm', import.meta.url));
    expect(Buffer.from(frstWasmBase64, 'base64').equals(file)).toBe(true);
  });
});
