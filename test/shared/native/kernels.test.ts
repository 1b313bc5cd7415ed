import { describe, expect, it } from 'vitest';
import { enhanceWithBackground, enhanceWithBackgroundJs } from '../../../shared/enhance/enhanceContrast.js';
import { boxBlurGaussian, boxBlurGaussianJs } from '../../../shared/filters/boxBlur.js';
import type { FloatImage, MaskImage, RgbImage } from '../../../shared/image/RgbImage.js';
import { downsampleJs } from '../../../shared/landmarks/findLandmarks.js';
import { frst } from '../../../shared/lesions/frst.js';
import { localEntropy, localEntropyJs } from '../../../shared/lesions/localEntropy.js';
import { symmetryMaxima } from '../../../shared/lesions/symmetryProbability.js';
import { landmarkDownsampleWasm } from '../../../shared/native/kernels.js';

/**
 * The WebAssembly kernels (native/kernels.c) against their TypeScript references: exactly equal, element for
 * element. The shipped model was trained on enhanced images made by the reference, so "close" would not do.
 */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function rgbImage(w: number, h: number, seed: number): RgbImage {
  const rnd = lcg(seed);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    // A smooth gradient plus noise: background subtraction has something to remove.
    data[(y * w + x) * 3 + c] = Math.min(255, Math.floor(40 + (120 * x) / w + (60 * y) / h + 40 * rnd()));
  }
  return { width: w, height: h, data };
}

function discMask(w: number, h: number, cx: number, cy: number, r: number): MaskImage {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = (x - cx) ** 2 + (y - cy) ** 2 <= r * r ? 1 : 0;
  return { width: w, height: h, data };
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

describe('WebAssembly kernels', () => {
  it('box blur equals the TypeScript blur bit for bit, including radii wider than the image', () => {
    const rnd = lcg(7);
    for (const [w, h, sigma] of [[97, 83, 2.5], [128, 64, 11], [70, 300, 40], [64, 64, 200], [4096, 1, 3], [1, 4096, 3]] as const) {
      const data = new Float32Array(w * h);
      for (let i = 0; i < data.length; i++) data[i] = rnd() * 255 - 20;
      const image: FloatImage = { width: w, height: h, data };
      const wasm = boxBlurGaussian(image, sigma).data;
      const js = boxBlurGaussianJs(image, sigma).data;
      expect(firstDifference(wasm, js), `${w}×${h} σ ${sigma}`).toBe(-1);
      expect(data[0]).not.toBe(wasm[0]); // the input is not blurred in place
    }
  });

  it('enhancement equals the reference bit for bit, call after call (the arena is reused, outputs never stale)', () => {
    const calls = [
      { image: rgbImage(301, 280, 1), mask: discMask(301, 280, 150, 140, 135), sigma: 10 },
      { image: rgbImage(301, 280, 2), mask: discMask(301, 280, 100, 100, 60), sigma: 10 },
      { image: rgbImage(160, 200, 3), mask: discMask(160, 200, 80, 100, 90), sigma: 160 / 30 },
    ];
    for (const [k, { image, mask, sigma }] of calls.entries()) {
      const wasm = enhanceWithBackground(image, mask, { sigmaPx: sigma });
      const js = enhanceWithBackgroundJs(image, mask, { sigmaPx: sigma });
      expect(firstDifference(wasm.enhanced.data, js.enhanced.data), `call ${k}: enhanced`).toBe(-1);
      for (let c = 0; c < 3; c++) expect(firstDifference(wasm.background[c]!, js.background[c]!), `call ${k}: background ${c}`).toBe(-1);
      // Outside the mask the enhanced image is black.
      const outside = mask.data.indexOf(0);
      expect([...wasm.enhanced.data.subarray(outside * 3, outside * 3 + 3)]).toEqual([0, 0, 0]);
    }
  });

  it('local entropy equals the reference bit for bit (borders, odd and even windows, values out of range, NaN)', () => {
    const rnd = lcg(11);
    const w = 123, h = 77;
    const data = new Float32Array(w * h);
    for (let i = 0; i < data.length; i++) data[i] = rnd() < 0.01 ? Number.NaN : rnd() * 300 - 30;
    const image: FloatImage = { width: w, height: h, data };
    for (const options of [{}, { window: 15, step: 4, range: [40, 160] as const }, { window: 8, step: 3, levels: 32 }, { window: 31, step: 1, levels: 256 }]) {
      const wasm = localEntropy(image, options);
      const js = localEntropyJs(image, options);
      expect([wasm.width, wasm.height, wasm.step]).toEqual([js.width, js.height, js.step]);
      expect(firstDifference(wasm.data, js.data), JSON.stringify(options)).toBe(-1);
    }
  });

  it('landmark downsampling equals the reference bit for bit', () => {
    const image = rgbImage(262, 199, 5);
    const mask = discMask(262, 199, 130, 100, 95);
    for (const f of [1, 3, 4]) {
      const wasm = landmarkDownsampleWasm(image.data, mask.data, image.width, image.height, f);
      const js = downsampleJs(image, mask, f);
      expect(firstDifference(wasm.lum, js.lum.data), `f ${f}: lum`).toBe(-1);
      expect(firstDifference(wasm.red, js.red.data), `f ${f}: red`).toBe(-1);
      expect(firstDifference(wasm.mask, js.mask), `f ${f}: mask`).toBe(-1);
    }
  });

  it('symmetry maxima: WebAssembly and TypeScript give the same threshold and the same maxima in the same order', () => {
    const rnd = lcg(3);
    const w = 211, h = 173;
    const data = new Float32Array(w * h);
    for (let i = 0; i < data.length; i++) data[i] = 100 + 12 * rnd();
    // Dark and bright blobs, and a plateau (equal values) that must count once.
    for (const [cx, cy, r, d] of [[40, 40, 3, -30], [120, 90, 5, -20], [170, 140, 2, 25], [60, 130, 4, 30]] as const) {
      for (let y = cy - r; y <= cy + r; y++) for (let x = cx - r; x <= cx + r; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) data[y * w + x] = 100 + d;
    }
    const mask = discMask(w, h, 105, 86, 84);
    const maps = frst({ width: w, height: h, data }, { radii: [1, 2, 3, 4, 5], voteMask: mask });
    const plateau = { width: w, height: h, data: new Float32Array(w * h).fill(1) };
    for (const map of [maps.dark!, maps.bright!, plateau]) {
      for (const minScore of [0, 0.25, 0.5]) {
        const wasm = symmetryMaxima(map, mask, minScore, 6);
        const js = symmetryMaxima(map, mask, minScore, 6, { implementation: 'js' });
        expect(wasm.threshold).toBe(js.threshold);
        expect(wasm.maxima).toEqual(js.maxima);
      }
    }
    expect(symmetryMaxima(maps.dark!, mask, 0.5, 6).maxima.length).toBeGreaterThan(0);
  });
});
