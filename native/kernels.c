/*
 * Image kernels of the analysis core for WebAssembly: the three-box Gaussian blur (shared/filters/boxBlur.ts),
 * the masked background subtraction of the enhanced image (shared/enhance/enhanceContrast.ts) and the window
 * histograms of the local-entropy image (shared/lesions/localEntropy.ts).
 *
 * Each function reproduces its TypeScript reference bit for bit: the same operations in the same order, float64
 * where the reference computes in JavaScript numbers, float32 where it stores into a Float32Array, no fused
 * multiply-adds (-ffp-contract=off). The shipped model was trained on enhanced images made by the reference, so
 * exactness is a requirement, not a nicety; test/shared/native/kernels.test.ts compares both paths.
 *
 * Freestanding (no libc): a bump allocator on top of __heap_base; the driver (shared/native/kernels.ts) resets it
 * at the start of every call.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

#include "arena.h"

ARENA_EXPORTS(k_reset, k_alloc)

/* ---------------------------------------------------------------------------------------------------------------
 * Box blur: boxRows / boxCols of boxBlur.ts. A running float64 sum per row (per column), edges clamped, each output
 * rounded to float32.
 * ------------------------------------------------------------------------------------------------------------- */

/* One row of the reference's boxRows; the running sum's dependency chain makes this latency-bound. */
static void box_row(const float *row, float *out, int w, int r, double inv) {
  const double first = row[0], last = row[w - 1];
  double acc = (double)r * first;
  for (int i = 0; i < r; i++) acc += row[i < w - 1 ? i : w - 1];
  int x = 0;
  /* The three branches of the reference's loop, split by where x + r and x - r fall. */
  for (; x < w && x < r && x + r < w; x++) {
    acc += row[x + r];
    out[x] = (float)(acc * inv);
    acc -= first;
  }
  for (; x < w && x - r < 0; x++) {
    acc += x + r < w ? (double)row[x + r] : last;
    out[x] = (float)(acc * inv);
    acc -= first;
  }
  for (; x + r < w; x++) {
    acc += row[x + r];
    out[x] = (float)(acc * inv);
    acc -= row[x - r];
  }
  for (; x < w; x++) {
    acc += last;
    out[x] = (float)(acc * inv);
    acc -= row[x - r];
  }
}

static void box_rows(const float *src, float *dst, int w, int h, int r) {
  if (r <= 0) {
    memcpy(dst, src, (unsigned long)w * (unsigned long)h * 4u);
    return;
  }
  const double inv = 1.0 / (double)(2 * r + 1);
  int y = 0;
  if (r < w) {
    /* Four rows at once in the middle section: four independent running sums keep the pipeline busy. Each row's
     * own sequence of operations is exactly the reference's. */
    for (; y + 4 <= h; y += 4) {
      const float *r0 = src + (long)y * w, *r1 = r0 + w, *r2 = r1 + w, *r3 = r2 + w;
      float *o0 = dst + (long)y * w, *o1 = o0 + w, *o2 = o1 + w, *o3 = o2 + w;
      double a0 = (double)r * r0[0], a1 = (double)r * r1[0], a2 = (double)r * r2[0], a3 = (double)r * r3[0];
      for (int i = 0; i < r; i++) {
        a0 += r0[i];
        a1 += r1[i];
        a2 += r2[i];
        a3 += r3[i];
      }
      const double f0 = r0[0], f1 = r1[0], f2 = r2[0], f3 = r3[0];
      const double l0 = r0[w - 1], l1 = r1[w - 1], l2 = r2[w - 1], l3 = r3[w - 1];
      int x = 0;
      for (; x < r; x++) { /* x + r < w holds: x < r < w - r is not guaranteed, so test it */
        if (x + r < w) {
          a0 += r0[x + r]; a1 += r1[x + r]; a2 += r2[x + r]; a3 += r3[x + r];
        } else {
          a0 += l0; a1 += l1; a2 += l2; a3 += l3;
        }
        o0[x] = (float)(a0 * inv); o1[x] = (float)(a1 * inv); o2[x] = (float)(a2 * inv); o3[x] = (float)(a3 * inv);
        a0 -= f0; a1 -= f1; a2 -= f2; a3 -= f3;
      }
      for (; x + r < w; x++) {
        a0 += r0[x + r]; a1 += r1[x + r]; a2 += r2[x + r]; a3 += r3[x + r];
        o0[x] = (float)(a0 * inv); o1[x] = (float)(a1 * inv); o2[x] = (float)(a2 * inv); o3[x] = (float)(a3 * inv);
        a0 -= r0[x - r]; a1 -= r1[x - r]; a2 -= r2[x - r]; a3 -= r3[x - r];
      }
      for (; x < w; x++) {
        a0 += l0; a1 += l1; a2 += l2; a3 += l3;
        o0[x] = (float)(a0 * inv); o1[x] = (float)(a1 * inv); o2[x] = (float)(a2 * inv); o3[x] = (float)(a3 * inv);
        a0 -= r0[x - r]; a1 -= r1[x - r]; a2 -= r2[x - r]; a3 -= r3[x - r];
      }
    }
  }
  for (; y < h; y++) box_row(src + (long)y * w, dst + (long)y * w, w, r, inv);
}

static void box_cols(const float *src, float *dst, double *acc, int w, int h, int r) {
  if (r <= 0) {
    memcpy(dst, src, (unsigned long)w * (unsigned long)h * 4u);
    return;
  }
  const double inv = 1.0 / (double)(2 * r + 1);
  for (int x = 0; x < w; x++) acc[x] = (double)r * src[x];
  for (int i = 0; i < r; i++) {
    const float *row = src + (long)(i < h - 1 ? i : h - 1) * w;
    for (int x = 0; x < w; x++) acc[x] += row[x];
  }
  for (int y = 0; y < h; y++) {
    const float *add = src + (long)(y + r < h ? y + r : h - 1) * w;
    const float *sub = src + (long)(y - r >= 0 ? y - r : 0) * w;
    float *out = dst + (long)y * w;
    for (int x = 0; x < w; x++) {
      double a = acc[x] + add[x];
      out[x] = (float)(a * inv);
      acc[x] = a - sub[x];
    }
  }
}

/**
 * boxBlurGaussian: for each of `passes` radii, rows a -> b then columns b -> a; the result is in `a`.
 * `acc` holds w float64.
 */
EXPORT(k_box_blur) void k_box_blur(float *a, float *b, double *acc, int w, int h, const int32_t *radii, int passes) {
  for (int p = 0; p < passes; p++) {
    box_rows(a, b, w, h, radii[p]);
    box_cols(b, a, acc, w, h, radii[p]);
  }
}

/* ---------------------------------------------------------------------------------------------------------------
 * Enhancement: enhanceWithBackground of enhanceContrast.ts.
 * ------------------------------------------------------------------------------------------------------------- */

/*
 * The rows pass of boxRows on four interleaved planes (pixel i of plane c at [4 i + c]): four independent running
 * sums per row. Each plane sees exactly the reference's sequence of operations.
 */
static void box_rows4(const float *src, float *dst, int w, int h, int r) {
  if (r <= 0) {
    memcpy(dst, src, (unsigned long)w * (unsigned long)h * 16u);
    return;
  }
  const double inv = 1.0 / (double)(2 * r + 1);
  for (int y = 0; y < h; y++) {
    const float *row = src + (long)y * w * 4;
    float *out = dst + (long)y * w * 4;
    const float *first = row, *last = row + 4 * (long)(w - 1);
    double a0 = (double)r * first[0], a1 = (double)r * first[1], a2 = (double)r * first[2], a3 = (double)r * first[3];
    for (int i = 0; i < r; i++) {
      const float *p = row + 4 * (long)(i < w - 1 ? i : w - 1);
      a0 += p[0];
      a1 += p[1];
      a2 += p[2];
      a3 += p[3];
    }
    for (int x = 0; x < w; x++) {
      const float *add = x + r < w ? row + 4 * (long)(x + r) : last;
      a0 += add[0];
      a1 += add[1];
      a2 += add[2];
      a3 += add[3];
      out[4 * x] = (float)(a0 * inv);
      out[4 * x + 1] = (float)(a1 * inv);
      out[4 * x + 2] = (float)(a2 * inv);
      out[4 * x + 3] = (float)(a3 * inv);
      const float *sub = x - r >= 0 ? row + 4 * (long)(x - r) : first;
      a0 -= sub[0];
      a1 -= sub[1];
      a2 -= sub[2];
      a3 -= sub[3];
    }
  }
}

/**
 * rgb: w*h*3 bytes; mask: w*h bytes; out: w*h*3 bytes; backgrounds: 3 planes of w*h float32 (written);
 * scratch: 2 buffers of w*h*4 float32; acc: 4*w float64.
 * The three masked channels and the mask are blurred together, interleaved (one pass over memory, four running
 * sums at once); the columns pass on interleaved data is the plain columns pass over a 4w-wide image.
 */
EXPORT(k_enhance) void k_enhance(const uint8_t *rgb, const uint8_t *mask, int w, int h, const int32_t *radii, int passes,
                                 double gain, uint8_t *out, float *backgrounds, float *scratch, double *acc) {
  const long n = (long)w * h;
  float *planes = scratch;
  float *tmp = scratch + 4 * n;
  for (long i = 0; i < n; i++) {
    const int inside = mask[i] != 0;
    planes[4 * i] = inside ? (float)rgb[i * 3] : 0.0f;
    planes[4 * i + 1] = inside ? (float)rgb[i * 3 + 1] : 0.0f;
    planes[4 * i + 2] = inside ? (float)rgb[i * 3 + 2] : 0.0f;
    planes[4 * i + 3] = inside ? 1.0f : 0.0f;
  }
  for (int p = 0; p < passes; p++) {
    box_rows4(planes, tmp, w, h, radii[p]);
    box_cols(tmp, planes, acc, 4 * w, h, radii[p]);
  }
  for (int c = 0; c < 3; c++) {
    float *bg = backgrounds + (long)c * n;
    for (long i = 0; i < n; i++) {
      if (!mask[i]) {
        bg[i] = 0.0f;
        out[i * 3 + c] = 0; /* the arena is reused: every output byte is written */
        continue;
      }
      const double pixel = rgb[i * 3 + c];
      const double mblur = planes[4 * i + 3];
      const double b = mblur > 1e-3 ? (double)planes[4 * i + c] / mblur : pixel;
      bg[i] = (float)b;
      const double v = 128.0 + gain * (pixel - b);
      /* Uint8Array stores truncate; v is clamped to [0, 255] first, as in the reference. */
      out[i * 3 + c] = (uint8_t)(int)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
  }
}

/* ---------------------------------------------------------------------------------------------------------------
 * Local entropy: the grey-level histograms of localEntropy.ts (the entropy itself, which needs log2, is computed
 * by the driver from these counts).
 * ------------------------------------------------------------------------------------------------------------- */

/**
 * data: w*h float32; q: w*h bytes (scratch); counts: gw*gh*levels uint16 (written), the histogram of the
 * `win` x `win` window (clipped to the image) centred on every grid point (gx*step, gy*step).
 */
EXPORT(k_entropy_counts) void k_entropy_counts(const float *data, uint8_t *q, int w, int h, double lo, double scale, int levels,
                                               int win, int step, uint16_t *counts) {
  const long n = (long)w * h;
  for (long i = 0; i < n; i++) {
    const double v = __builtin_floor(((double)data[i] - lo) * scale);
    /* NaN compares false both ways and ends as 0, as a NaN stored into a Uint8Array does. */
    q[i] = v < 0 ? 0 : v >= levels ? (uint8_t)(levels - 1) : (v == v ? (uint8_t)(int)v : 0);
  }
  const int gw = (w + step - 1) / step, gh = (h + step - 1) / step;
  const int half = win >> 1;
  uint32_t hist[256];
  for (int gy = 0; gy < gh; gy++) {
    const int cy = gy * step;
    const int y0 = cy - half > 0 ? cy - half : 0, y1 = cy + half < h - 1 ? cy + half : h - 1;
    const uint8_t *band = q + (long)y0 * w;
    const int rows = y1 - y0 + 1;
    /* The window slides along the row: columns that leave are subtracted, columns that enter are added. */
    int wx0 = 0, wx1 = -1; /* columns now in hist: wx0..wx1 (empty) */
    for (int b = 0; b < levels; b++) hist[b] = 0;
    for (int gx = 0; gx < gw; gx++) {
      const int cx = gx * step;
      const int x0 = cx - half > 0 ? cx - half : 0, x1 = cx + half < w - 1 ? cx + half : w - 1;
      if (x0 > wx1) {
        for (int b = 0; b < levels; b++) hist[b] = 0;
        wx0 = x0;
        wx1 = x0 - 1;
      }
      for (; wx0 < x0; wx0++)
        for (int y = 0; y < rows; y++) hist[band[(long)y * w + wx0]]--;
      for (; wx1 < x1; wx1++)
        for (int y = 0; y < rows; y++) hist[band[(long)y * w + wx1 + 1]]++;
      uint16_t *dst = counts + ((long)gy * gw + gx) * levels;
      for (int b = 0; b < levels; b++) dst[b] = (uint16_t)hist[b];
    }
  }
}

/* ---------------------------------------------------------------------------------------------------------------
 * Symmetry probability and local maxima: symmetryProbability.ts and localMaxima in detectLesions.ts, in three
 * steps with the driver computing the percentile and the Tsallis threshold in between.
 * ------------------------------------------------------------------------------------------------------------- */

/** Step 1: the largest value and the count inside the mask, then the 4096-bin (`fine_bins`) histogram over [0, max]. */
EXPORT(k_sym_fine) double k_sym_fine(const float *map, const uint8_t *mask, long n, uint32_t *fine, int fine_bins, uint32_t *count_out) {
  double max = 0;
  uint32_t count = 0;
  for (long i = 0; i < n; i++)
    if (mask[i]) {
      count++;
      if ((double)map[i] > max) max = map[i];
    }
  for (int b = 0; b < fine_bins; b++) fine[b] = 0;
  const double fine_scale = max > 0 ? (double)(fine_bins - 1) / max : 0;
  for (long i = 0; i < n; i++)
    if (mask[i]) {
      const double v = map[i];
      fine[v > 0 ? (int)__builtin_floor(v * fine_scale) : 0]++;
    }
  *count_out = count;
  return max;
}

/** Step 2: the `bins`-bin histogram of map / top inside the mask (float64 counts, as the reference's Float64Array). */
EXPORT(k_sym_hist) void k_sym_hist(const float *map, const uint8_t *mask, long n, double top, double *hist, int bins) {
  for (int b = 0; b < bins; b++) hist[b] = 0;
  for (long i = 0; i < n; i++)
    if (mask[i]) {
      const double f = __builtin_floor(((double)map[i] / top) * bins);
      const double k = f < 0 ? 0 : f; /* Math.max(0, ...) */
      hist[k < bins - 1 ? (int)k : bins - 1]++;
    }
}

/**
 * Step 3: the local maxima of `map` whose probability (the float32 value the reference's probability map holds) is
 * at least min_score: 8-neighbour maxima, plateaus kept once at their first pixel in raster order, at least
 * `border` pixels from the edges. Writes up to `capacity` pixel indices into `found` and their probabilities into
 * `probs`, in raster order; returns how many maxima there were. The probability is computed only where needed:
 * the reference's conditions are all required, so their order does not change the result.
 */
EXPORT(k_sym_maxima) long k_sym_maxima(const float *map, const uint8_t *mask, int w, int h, double threshold, double top, double min_score, int border,
                                       int32_t *found, float *probs, long capacity) {
  const double above = 0.5 / (top - threshold > 1e-9 ? top - threshold : 1e-9);
  const double below = 0.5 / threshold;
  long count = 0;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int y = border; y < h - border; y++) {
    for (int x = border; x < w - border; x++) {
      const long i = (long)y * w + x;
      /* Four pixels at a time: skip them all when none can be a maximum (the usual case). */
      if (x + 4 <= w - border) {
        const float *p = map + i;
        const v128_t c = wasm_v128_load(p);
        v128_t bad = wasm_f32x4_le(c, zero);
        bad = wasm_v128_or(bad, wasm_f32x4_lt(c, wasm_v128_load(p - 1)));
        bad = wasm_v128_or(bad, wasm_f32x4_lt(c, wasm_v128_load(p + 1)));
        bad = wasm_v128_or(bad, wasm_f32x4_lt(c, wasm_v128_load(p - w)));
        bad = wasm_v128_or(bad, wasm_f32x4_lt(c, wasm_v128_load(p + w)));
        bad = wasm_v128_or(bad, wasm_f32x4_lt(c, wasm_v128_load(p - w - 1)));
        bad = wasm_v128_or(bad, wasm_f32x4_lt(c, wasm_v128_load(p - w + 1)));
        bad = wasm_v128_or(bad, wasm_f32x4_lt(c, wasm_v128_load(p + w - 1)));
        bad = wasm_v128_or(bad, wasm_f32x4_lt(c, wasm_v128_load(p + w + 1)));
        if (wasm_i32x4_all_true(bad)) {
          x += 3;
          continue;
        }
      }
      const float v = map[i];
      if (v <= 0 || !mask[i]) continue;
      if (v < map[i - 1] || v < map[i + 1] || v < map[i - w] || v < map[i + w] || v < map[i - w - 1] || v < map[i - w + 1] ||
          v < map[i + w - 1] || v < map[i + w + 1])
        continue;
      if (v == map[i - 1] || v == map[i - w] || v == map[i - w - 1] || v == map[i - w + 1]) continue;
      const double dv = v;
      float p;
      if (dv <= threshold) {
        p = (float)(below * dv);
      } else {
        const double q = 0.5 + above * (dv - threshold);
        p = (float)(q < 1 ? q : 1);
      }
      if ((double)p < min_score) continue;
      if (count < capacity) {
        found[count] = (int32_t)i;
        probs[count] = p;
      }
      count++;
    }
  }
  return count;
}

/* ---------------------------------------------------------------------------------------------------------------
 * Landmark downsampling: downsample of findLandmarks.ts (f x f blocks: luminance 0.25 R + 0.65 G + 0.1 B, red,
 * and the mask's majority), each block summed row-major in float64.
 * ------------------------------------------------------------------------------------------------------------- */

EXPORT(k_landmark_downsample) void k_landmark_downsample(const uint8_t *rgb, const uint8_t *mask, int W, int w, int h, int f, float *lum, float *red,
                                                         uint8_t *m, double *sums) {
  double *sl = sums, *sr = sums + w, *sm = sums + 2 * (long)w;
  const double k = (double)f * f;
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < w; x++) sl[x] = sr[x] = sm[x] = 0;
    for (int yy = 0; yy < f; yy++) {
      const long row = (long)(y * f + yy) * W;
      for (int x = 0; x < w; x++) {
        double l = sl[x], r = sr[x], s = sm[x];
        long i = row + (long)x * f;
        for (int xx = 0; xx < f; xx++, i++) {
          l += 0.25 * rgb[i * 3] + 0.65 * rgb[i * 3 + 1] + 0.1 * rgb[i * 3 + 2];
          r += rgb[i * 3];
          s += mask[i];
        }
        sl[x] = l;
        sr[x] = r;
        sm[x] = s;
      }
    }
    for (int x = 0; x < w; x++) {
      lum[(long)y * w + x] = (float)(sl[x] / k);
      red[(long)y * w + x] = (float)(sr[x] / k);
      m[(long)y * w + x] = sm[x] * 2 > k ? 1 : 0;
    }
  }
}
