/*
 * Fast Radial Symmetry Transform (Loy & Zelinsky, IEEE TPAMI 25(8):959-973, 2003) for WebAssembly SIMD128.
 *
 * The TypeScript reference is shared/lesions/frst.ts (frstJs); this file computes the same maps, driven by
 * shared/lesions/frstWasm.ts, which sorts the radii, builds the Gaussian kernels (with the same gaussianKernel
 * as the reference, so both paths blur with identical weights) and copies images in and out.
 *
 * Freestanding: no libc. Memory comes from a bump allocator on top of __heap_base that grows the linear memory;
 * the driver resets it at the start of every call.
 *
 * Layout of one call:
 *   frst_setup   Sobel gradient and the list of voting pixels, grouped by row (unit direction, magnitude,
 *                column). The gradient is computed exactly as the reference computes it (float64 when the input
 *                needs it, float32 when the input is small integers and float32 is provably exact), so the
 *                rounded vote offsets are bit-identical to the reference (integer radii up to 15 round in exact
 *                fixed point, see FIXED_SHIFT; other radii in float64 with Math.round's ties rule).
 *   frst_radius  once per radius, largest first. The orientation/magnitude projections are voted into a ring of
 *                2V+1 padded rows (V = vote reach) instead of whole images: a row is complete once the voters
 *                V rows below it have voted, so it is consumed right away (F_n, horizontal blur into a ring of
 *                2R+1 rows, vertical blur back into the accumulator) and zeroed for reuse. The working set stays
 *                in the L2 cache; the only full-image traffic is the accumulator and the voter list.
 *                Votes that fall outside the image land in the padding, which is never read (the reference
 *                drops them with a bounds test).
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))
#define INLINE static inline __attribute__((always_inline))

/* ---------------------------------------------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------------------------------------------- */

#include "arena.h"

ARENA_EXPORTS(frst_reset, frst_alloc)

/* ---------------------------------------------------------------------------------------------------------------
 * State of the current call
 * ------------------------------------------------------------------------------------------------------------- */

static int g_w, g_h;        /* image size */
static int g_V;             /* vote reach: padding around the image in the vote rings */
static int g_S;             /* rows in a vote ring: 2V + 1 */
static int g_RS;            /* floats per vote-ring row: (count, magnitude) pairs for w + 2V columns */
static int g_TS;            /* floats per row of the blur rings and the line buffer (multiple of 4) */
static int g_Rmax;          /* largest kernel radius of the call */
static int g_fixed;         /* 0: voters' directions in float32; 1 or 2: fixed-point mode (see FIXED_SHIFT) */
static float *g_ringD, *g_ringB; /* vote rings (null for a polarity not asked for) */
static float *g_accD, *g_accB;   /* accumulators = results */
static float *g_tmpD, *g_tmpB;   /* horizontally blurred rows, ring of 2 Rmax + 1 */
static float *g_line;            /* one row with clamped edges, for the horizontal blur */
static float *g_zeros;           /* a row of zeros: the accumulator before the first radius (never cleared) */
static int g_passes;             /* radii done since the setup */
static const float **g_rows;     /* 2 Rmax + 1 row pointers for the vertical blur */
static float *g_ax, *g_ay;       /* voters: unit gradient, float32 or int32 fixed point (see FIXED_SHIFT) */
static float *g_am;              /* voters: gradient magnitude */
static int32_t *g_col;           /* voters: 8 * (column + V), a byte offset in a ring row (0 = row padding) */
static int32_t *g_rowStart;      /* voters of image row y: [rowStart[y], rowStart[y + 1]), a multiple of 4 */

EXPORT(frst_dark) float *frst_dark(void) { return g_accD; }
EXPORT(frst_bright) float *frst_bright(void) { return g_accB; }

/* ---------------------------------------------------------------------------------------------------------------
 * Gradient
 * ------------------------------------------------------------------------------------------------------------- */

/*
 * True when float32 arithmetic reproduces the reference's float64 gradient exactly: integer samples with
 * |v| <= 2^20 keep every partial Sobel sum an exact integer below 2^24, and a range of at most 724 keeps
 * gx^2 + gy^2 <= 2 * (4 * 724)^2 < 2^24, so it is exact too and the float32 square root equals the float64 one
 * rounded to float32 (double rounding is innocuous for sqrt and division, 53 >= 2 * 24 + 2).
 */
static int float32_is_exact(const float *src, int n) {
  v128_t ok = wasm_i32x4_splat(-1);
  v128_t lo = wasm_f32x4_splat(0.0f), hi = wasm_f32x4_splat(0.0f);
  if (n > 0) lo = hi = wasm_f32x4_splat(src[0]);
  const v128_t lim = wasm_f32x4_splat(1048576.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(src + i);
    ok = wasm_v128_and(ok, wasm_f32x4_eq(v, wasm_f32x4_nearest(v)));
    ok = wasm_v128_and(ok, wasm_f32x4_le(wasm_f32x4_abs(v), lim));
    lo = wasm_f32x4_min(lo, v);
    hi = wasm_f32x4_max(hi, v);
  }
  if (!wasm_i32x4_all_true(ok)) return 0;
  float los[4], his[4];
  wasm_v128_store(los, lo);
  wasm_v128_store(his, hi);
  float l = los[0], h = his[0];
  for (int j = 1; j < 4; j++) {
    if (los[j] < l) l = los[j];
    if (his[j] > h) h = his[j];
  }
  for (; i < n; i++) {
    float v = src[i];
    if (!(v == __builtin_nearbyintf(v)) || !(__builtin_fabsf(v) <= 1048576.0f)) return 0;
    if (v < l) l = v;
    if (v > h) h = v;
  }
  return h - l <= 724.0f;
}

/*
 * Gradient of interior row y (1 <= y <= h - 2), columns 1 .. w - 2, in float32 (only when float32_is_exact).
 * Writes the unit direction and the magnitude; keeps the largest gx^2 + gy^2 in *maxS.
 */
static void gradient_row_f32(const float *src, int w, int y, float *ax, float *ay, float *mag, double *maxS) {
  const float *r0 = src + (y - 1) * w, *r1 = src + y * w, *r2 = src + (y + 1) * w;
  v128_t vmax = wasm_f32x4_splat(0.0f);
  int x = 1;
  for (; x + 4 <= w - 1; x += 4) {
    v128_t a = wasm_v128_load(r0 + x - 1), b = wasm_v128_load(r0 + x), c = wasm_v128_load(r0 + x + 1);
    v128_t d = wasm_v128_load(r1 + x - 1), f = wasm_v128_load(r1 + x + 1);
    v128_t g = wasm_v128_load(r2 + x - 1), hh = wasm_v128_load(r2 + x), i = wasm_v128_load(r2 + x + 1);
    v128_t gx = wasm_f32x4_sub(wasm_f32x4_sub(wasm_f32x4_sub(wasm_f32x4_add(wasm_f32x4_add(c, wasm_f32x4_add(f, f)), i), a), wasm_f32x4_add(d, d)), g);
    v128_t gy = wasm_f32x4_sub(wasm_f32x4_sub(wasm_f32x4_sub(wasm_f32x4_add(wasm_f32x4_add(g, wasm_f32x4_add(hh, hh)), i), a), wasm_f32x4_add(b, b)), c);
    v128_t s = wasm_f32x4_add(wasm_f32x4_mul(gx, gx), wasm_f32x4_mul(gy, gy));
    v128_t m = wasm_f32x4_sqrt(s);
    vmax = wasm_f32x4_pmax(vmax, s);
    wasm_v128_store(ax + x, wasm_f32x4_div(gx, m));
    wasm_v128_store(ay + x, wasm_f32x4_div(gy, m));
    wasm_v128_store(mag + x, m);
  }
  float lanes[4];
  wasm_v128_store(lanes, vmax);
  float best = 0.0f;
  for (int j = 0; j < 4; j++) {
    if (lanes[j] > best) best = lanes[j];
  }
  for (; x < w - 1; x++) {
    float a = r0[x - 1], b = r0[x], c = r0[x + 1], d = r1[x - 1], f = r1[x + 1], g = r2[x - 1], hh = r2[x], i = r2[x + 1];
    float gx = c + 2 * f + i - a - 2 * d - g;
    float gy = g + 2 * hh + i - a - 2 * b - c;
    float s = gx * gx + gy * gy;
    float m = __builtin_sqrtf(s);
    if (s > best) best = s;
    ax[x] = gx / m;
    ay[x] = gy / m;
    mag[x] = m;
  }
  if ((double)best > *maxS) *maxS = best;
}

INLINE v128_t load2_f64(const float *p) { return wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p)); }

/*
 * Gradient of interior row y in float64, in the reference's order of operations (it evaluates
 * c + 2f + i - a - 2d - g left to right in float64), stored as float32 like the reference's Float32Arrays.
 */
static void gradient_row_f64(const float *src, int w, int y, float *ax, float *ay, float *mag, double *maxS) {
  const float *r0 = src + (y - 1) * w, *r1 = src + y * w, *r2 = src + (y + 1) * w;
  v128_t vmax = wasm_f64x2_splat(0.0);
  const v128_t two = wasm_f64x2_splat(2.0);
  int x = 1;
  for (; x + 2 <= w - 1; x += 2) {
    v128_t a = load2_f64(r0 + x - 1), b = load2_f64(r0 + x), c = load2_f64(r0 + x + 1);
    v128_t d = load2_f64(r1 + x - 1), f = load2_f64(r1 + x + 1);
    v128_t g = load2_f64(r2 + x - 1), hh = load2_f64(r2 + x), i = load2_f64(r2 + x + 1);
    v128_t gx = wasm_f64x2_sub(wasm_f64x2_sub(wasm_f64x2_sub(wasm_f64x2_add(wasm_f64x2_add(c, wasm_f64x2_mul(two, f)), i), a), wasm_f64x2_mul(two, d)), g);
    v128_t gy = wasm_f64x2_sub(wasm_f64x2_sub(wasm_f64x2_sub(wasm_f64x2_add(wasm_f64x2_add(g, wasm_f64x2_mul(two, hh)), i), a), wasm_f64x2_mul(two, b)), c);
    v128_t s = wasm_f64x2_add(wasm_f64x2_mul(gx, gx), wasm_f64x2_mul(gy, gy));
    vmax = wasm_f64x2_pmax(vmax, s);
    v128_t m32 = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_sqrt(s));
    v128_t gx32 = wasm_f32x4_demote_f64x2_zero(gx), gy32 = wasm_f32x4_demote_f64x2_zero(gy);
    wasm_v128_store64_lane(ax + x, wasm_f32x4_div(gx32, m32), 0);
    wasm_v128_store64_lane(ay + x, wasm_f32x4_div(gy32, m32), 0);
    wasm_v128_store64_lane(mag + x, m32, 0);
  }
  double best = wasm_f64x2_extract_lane(vmax, 0);
  if (wasm_f64x2_extract_lane(vmax, 1) > best) best = wasm_f64x2_extract_lane(vmax, 1);
  for (; x < w - 1; x++) {
    double a = r0[x - 1], b = r0[x], c = r0[x + 1], d = r1[x - 1], f = r1[x + 1], g = r2[x - 1], hh = r2[x], i = r2[x + 1];
    double gx = c + 2 * f + i - a - 2 * d - g;
    double gy = g + 2 * hh + i - a - 2 * b - c;
    double s = gx * gx + gy * gy;
    if (s > best) best = s;
    float m = (float)__builtin_sqrt(s);
    ax[x] = (float)gx / m;
    ay[x] = (float)gy / m;
    mag[x] = m;
  }
  if (best > *maxS) *maxS = best;
}

/*
 * Fixed-point unit gradient for integer radii, so that round(u * r) costs three integer operations instead of a
 * float64 detour. The float32 u is stored as U = trunc(u * 2^s), s = FIXED_SHIFT + mode - 1.
 *
 * Mode 1, |r| <= 8, s = 27: for |u| >= 1/16 the float32 u is a multiple of 2^-27, so U is exact and
 * round(u * r) = (U * r + 2^26) >> 27 exactly (arithmetic shift = floor, ties towards +infinity like Math.round;
 * |U * r| <= 2^30 + small, no overflow). For |u| < 1/16, |u * r| < 1/2 and both give 0 (truncation keeps
 * |U * r| < 2^26).
 * Mode 2, |r| <= 15, s = 28: U is exact for |u| >= 1/32 and |u| < 1/32 gives 0 as above. U * r could overflow,
 * so with U = 2B + b: floor((U r + 2^27) / 2^28) = (B r + ((b r + 2^27) >> 1)) >> 27 (nested floor divisions),
 * where |B r| <= 15 * 2^27 + small < 2^31.
 */
#define FIXED_SHIFT 27
#define FIXED_MAX_RADIUS_1 8
#define FIXED_MAX_RADIUS_2 15

/* ---------------------------------------------------------------------------------------------------------------
 * Setup
 * ------------------------------------------------------------------------------------------------------------- */

#define ALLOC(ptr, type, count)                                               \
  do {                                                                        \
    uint64_t bytes_ = (uint64_t)(count) * sizeof(type);                      \
    if (bytes_ > 0xFFFF0000ull) return -1;                                    \
    (ptr) = (type *)frst_alloc((uint32_t)bytes_);                             \
    if (!(ptr)) return -1;                                                    \
  } while (0)

/*
 * Appends the voters of one row (columns 1 .. w - 2 of the gradient row buffers) at `count`: magnitude above the
 * threshold and above 0, inside the mask, and a direction that is a number (a gradient that overflows float32
 * gives inf / inf; the reference's vote offsets are then NaN and its bounds test drops the votes).
 * Four columns at a time when all four vote (the usual case).
 */
static int compact_row(int count, const float *rax, const float *ray, const float *rmag, const uint8_t *mrow, int w, float threshold, int fixed) {
  const v128_t vt = wasm_f32x4_splat(threshold), zero = wasm_f32x4_splat(0.0f);
  const float fscale = fixed ? (float)(1 << (FIXED_SHIFT + fixed - 1)) : 1.0f;
  const v128_t scale = wasm_f32x4_splat(fscale);
  const v128_t lane8 = wasm_i32x4_make(0, 8, 16, 24);
  int x = 1;
  for (; x + 4 <= w - 1; x += 4) {
    v128_t m = wasm_v128_load(rmag + x);
    v128_t ax = wasm_v128_load(rax + x), ay = wasm_v128_load(ray + x);
    v128_t act = wasm_v128_and(wasm_f32x4_gt(m, vt), wasm_f32x4_gt(m, zero));
    act = wasm_v128_and(act, wasm_v128_and(wasm_f32x4_eq(ax, ax), wasm_f32x4_eq(ay, ay)));
    if (mrow) {
      v128_t mk = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(mrow + x)));
      act = wasm_v128_andnot(act, wasm_i32x4_eq(mk, wasm_i32x4_splat(0)));
    }
    const int bits = wasm_i32x4_bitmask(act);
    if (bits == 15) {
      if (fixed) {
        ax = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_mul(ax, scale));
        ay = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_mul(ay, scale));
      }
      wasm_v128_store(g_ax + count, ax);
      wasm_v128_store(g_ay + count, ay);
      wasm_v128_store(g_am + count, m);
      wasm_v128_store(g_col + count, wasm_i32x4_add(wasm_i32x4_splat(8 * (x + g_V)), lane8));
      count += 4;
    } else if (bits) {
      for (int j = 0; j < 4; j++) {
        if (!((bits >> j) & 1)) continue;
        if (fixed) {
          ((int32_t *)g_ax)[count] = (int32_t)(rax[x + j] * fscale);
          ((int32_t *)g_ay)[count] = (int32_t)(ray[x + j] * fscale);
        } else {
          g_ax[count] = rax[x + j];
          g_ay[count] = ray[x + j];
        }
        g_am[count] = rmag[x + j];
        g_col[count] = 8 * (x + j + g_V);
        count++;
      }
    }
  }
  for (; x < w - 1; x++) {
    float m = rmag[x];
    if (!(m > threshold && m > 0.0f && (!mrow || mrow[x]) && rax[x] == rax[x] && ray[x] == ray[x])) continue;
    if (fixed) {
      ((int32_t *)g_ax)[count] = (int32_t)(rax[x] * fscale);
      ((int32_t *)g_ay)[count] = (int32_t)(ray[x] * fscale);
    } else {
      g_ax[count] = rax[x];
      g_ay[count] = ray[x];
    }
    g_am[count] = m;
    g_col[count] = 8 * (x + g_V);
    count++;
  }
  return count;
}

/**
 * Prepares a call: allocates the rings and accumulators, computes the gradient and the voters.
 * `flags`: 1 = dark, 2 = bright. `reach`: largest |vote offset| + 1. `rmax`: largest kernel radius.
 * `fixed`: 0, or the fixed-point mode (1: every radius an integer with |r| <= 8; 2: with |r| <= 15).
 * Voters are interior pixels with magnitude > beta * (largest magnitude) and > 0, inside `mask` when given.
 * Returns the number of voters, or -1 when the memory cannot grow.
 */
EXPORT(frst_setup)
int frst_setup(const float *src, const uint8_t *mask, int w, int h, int flags, int reach, int rmax, double beta, int fixed) {
  g_w = w;
  g_h = h;
  g_fixed = fixed == 1 || fixed == 2 ? fixed : 0;
  fixed = g_fixed;
  g_V = reach < 1 ? 1 : reach;
  g_S = 2 * g_V + 1;
  g_RS = 2 * (w + 2 * g_V);
  g_Rmax = rmax < 1 ? 1 : rmax;
  g_TS = ((w + 2 * g_Rmax + 8) + 3) & ~3;
  const int n = w * h;
  g_ringD = g_ringB = 0;
  g_accD = g_accB = 0;
  g_tmpD = g_tmpB = 0;
  if (flags & 1) {
    ALLOC(g_ringD, float, (uint64_t)g_S * g_RS);
    ALLOC(g_accD, float, (uint64_t)n + 4);
    ALLOC(g_tmpD, float, (uint64_t)(2 * g_Rmax + 1) * g_TS);
    memset(g_ringD, 0, (uint64_t)g_S * g_RS * sizeof(float));
  }
  if (flags & 2) {
    ALLOC(g_ringB, float, (uint64_t)g_S * g_RS);
    ALLOC(g_accB, float, (uint64_t)n + 4);
    ALLOC(g_tmpB, float, (uint64_t)(2 * g_Rmax + 1) * g_TS);
    memset(g_ringB, 0, (uint64_t)g_S * g_RS * sizeof(float));
  }
  ALLOC(g_line, float, g_TS);
  ALLOC(g_zeros, float, g_TS);
  memset(g_zeros, 0, (unsigned long)g_TS * sizeof(float));
  g_passes = 0;
  ALLOC(g_rows, const float *, 2 * g_Rmax + 1);
  ALLOC(g_rowStart, int32_t, h + 1);
  float *rax, *ray, *rmag;
  ALLOC(rax, float, w + 8);
  ALLOC(ray, float, w + 8);
  ALLOC(rmag, float, w + 8);

  const int interior = w >= 3 && h >= 3;
  const int exact32 = interior && float32_is_exact(src, n);
  double threshold = 0.0; /* >= 0 */
  if (interior && beta > 0) {
    double maxS = 0.0;
    for (int y = 1; y < h - 1; y++) {
      if (exact32) gradient_row_f32(src, w, y, rax, ray, rmag, &maxS);
      else gradient_row_f64(src, w, y, rax, ray, rmag, &maxS);
    }
    threshold = beta * __builtin_sqrt(maxS);
  }
  /* m > threshold (float64) <=> m > threshold rounded down to float32, for float32 m. */
  float threshold32 = (float)threshold;
  if ((double)threshold32 > threshold) threshold32 = __builtin_bit_cast(float, __builtin_bit_cast(uint32_t, threshold32) - 1u);

  /* Every interior pixel may vote; each row's list is padded to a multiple of 4. */
  uint64_t capacity = 4;
  if (interior) capacity += (uint64_t)(h - 2) * (uint64_t)(w - 2 + 3);
  ALLOC(g_ax, float, capacity);
  ALLOC(g_ay, float, capacity);
  ALLOC(g_am, float, capacity);
  ALLOC(g_col, int32_t, capacity);

  int count = 0;
  g_rowStart[0] = 0;
  for (int y = 0; y < h; y++) {
    if (interior && y >= 1 && y < h - 1) {
      double unused = 0.0;
      if (exact32) gradient_row_f32(src, w, y, rax, ray, rmag, &unused);
      else gradient_row_f64(src, w, y, rax, ray, rmag, &unused);
      count = compact_row(count, rax, ray, rmag, mask ? mask + y * w : 0, w, threshold32, fixed);
      while (count & 3) {
        g_ax[count] = 0.0f; /* also int32 0 */
        g_ay[count] = 0.0f;
        g_am[count] = 0.0f;
        g_col[count] = 0;
        count++;
      }
    }
    g_rowStart[y + 1] = count;
  }
  return count;
}

/* ---------------------------------------------------------------------------------------------------------------
 * Voting
 * ------------------------------------------------------------------------------------------------------------- */

/* Math.round semantics (nearest, ties towards +infinity) on two float64 lanes; x - floor(x) is exact here. */
INLINE v128_t js_round(v128_t x) {
  v128_t f = wasm_f64x2_floor(x);
  v128_t up = wasm_f64x2_ge(wasm_f64x2_sub(x, f), wasm_f64x2_splat(0.5));
  return wasm_f64x2_add(f, wasm_v128_and(up, wasm_f64x2_splat(1.0)));
}

/* round(u * r) for four float32 lanes, computed in float64 like the reference. */
INLINE v128_t offsets(v128_t u, v128_t r) {
  v128_t lo = wasm_f64x2_promote_low_f32x4(u);
  v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(u, u, 2, 3, 2, 3));
  v128_t ilo = wasm_i32x4_trunc_sat_f64x2_zero(js_round(wasm_f64x2_mul(lo, r)));
  v128_t ihi = wasm_i32x4_trunc_sat_f64x2_zero(js_round(wasm_f64x2_mul(hi, r)));
  return wasm_i32x4_shuffle(ilo, ihi, 0, 1, 4, 5);
}

INLINE void vote(float *cell, v128_t pair) {
  wasm_v128_store64_lane(cell, wasm_f32x4_add(wasm_v128_load64_zero(cell), pair), 0);
}

/* round(u * r) from fixed-point lanes (see FIXED_SHIFT). */
INLINE v128_t offsets_fixed(v128_t u, v128_t r, int mode) {
  if (mode == 1) return wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_mul(u, r), wasm_i32x4_splat(1 << (FIXED_SHIFT - 1))), FIXED_SHIFT);
  v128_t high = wasm_i32x4_mul(wasm_i32x4_shr(u, 1), r);
  v128_t low = wasm_i32x4_mul(wasm_v128_and(u, wasm_i32x4_splat(1)), r);
  low = wasm_i32x4_shr(wasm_i32x4_add(low, wasm_i32x4_splat(1 << FIXED_SHIFT)), 1);
  return wasm_i32x4_shr(wasm_i32x4_add(high, low), FIXED_SHIFT);
}

#define VOTE_LANE(addr, lane, pair) vote((float *)(uintptr_t)wasm_i32x4_extract_lane(addr, lane), pair)

/* Casts the votes of image row y: (1, magnitude) into the positively (bright) and negatively (dark) affected cells. */
INLINE void vote_row(int y, double r, int fixed, int dark, int bright) {
  /*
   * Image row y + d lives in ring slot (y mod S) + V + d, wrapped back by S rows once it passes slot S - 1, that
   * is for d >= wrapAt. Cell address = row base + d * row bytes + 8 * column, minus the ring size when wrapped.
   */
  const int S = g_S, RS4 = g_RS * 4, centre = y % S + g_V, wrapAt = S - centre;
  const v128_t vRS4 = wasm_i32x4_splat(RS4), ringBytes = wasm_i32x4_splat(S * RS4);
  const v128_t wrapB = wasm_i32x4_splat(wrapAt), wrapD = wasm_i32x4_splat(-wrapAt);
  const v128_t rowB = wasm_i32x4_splat((int32_t)((uintptr_t)g_ringB + (uint32_t)(centre * RS4)));
  const v128_t rowD = wasm_i32x4_splat((int32_t)((uintptr_t)g_ringD + (uint32_t)(centre * RS4)));
  const v128_t rf = wasm_f64x2_splat(r), ri = wasm_i32x4_splat((int32_t)r);
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (int k = g_rowStart[y], end = g_rowStart[y + 1]; k < end; k += 4) {
    v128_t dx, dy;
    if (fixed) {
      dx = offsets_fixed(wasm_v128_load(g_ax + k), ri, fixed);
      dy = offsets_fixed(wasm_v128_load(g_ay + k), ri, fixed);
    } else {
      dx = offsets(wasm_v128_load(g_ax + k), rf);
      dy = offsets(wasm_v128_load(g_ay + k), rf);
    }
    const v128_t col8 = wasm_v128_load(g_col + k);
    const v128_t off = wasm_i32x4_add(wasm_i32x4_mul(dy, vRS4), wasm_i32x4_shl(dx, 3));
    const v128_t m = wasm_v128_load(g_am + k);
    const v128_t pair0 = wasm_i32x4_shuffle(one, m, 0, 4, 0, 0);
    const v128_t pair1 = wasm_i32x4_shuffle(one, m, 0, 5, 0, 0);
    const v128_t pair2 = wasm_i32x4_shuffle(one, m, 0, 6, 0, 0);
    const v128_t pair3 = wasm_i32x4_shuffle(one, m, 0, 7, 0, 0);
    if (bright) {
      v128_t a = wasm_i32x4_add(wasm_i32x4_add(rowB, col8), off);
      a = wasm_i32x4_sub(a, wasm_v128_and(wasm_i32x4_ge(dy, wrapB), ringBytes));
      VOTE_LANE(a, 0, pair0);
      VOTE_LANE(a, 1, pair1);
      VOTE_LANE(a, 2, pair2);
      VOTE_LANE(a, 3, pair3);
    }
    if (dark) {
      v128_t a = wasm_i32x4_sub(wasm_i32x4_add(rowD, col8), off);
      a = wasm_i32x4_sub(a, wasm_v128_and(wasm_i32x4_le(dy, wrapD), ringBytes));
      VOTE_LANE(a, 0, pair0);
      VOTE_LANE(a, 1, pair1);
      VOTE_LANE(a, 2, pair2);
      VOTE_LANE(a, 3, pair3);
    }
  }
}

/* ---------------------------------------------------------------------------------------------------------------
 * F_n, horizontal blur, vertical blur
 * ------------------------------------------------------------------------------------------------------------- */

/*
 * line[R + x] = acc[x] + F_n(x) for one row, F_n = (M / kn) * (min(O, kn) / kn)^alpha, with clamped edges;
 * alpha = 2 is computed directly, any other alpha reads lut[j] = (min(j, kn) / kn)^alpha for counts j < kn and
 * lut[last] for counts >= kn (counts are integers).
 */
static void fn_row(float *cells, const float *acc, float *line, int w, int R, float kn, const float *lut, int last) {
  const float invK = 1.0f / kn;
  float *out = line + R;
  int x = 0;
  if (!lut) {
    const v128_t vk = wasm_f32x4_splat(kn), vinv = wasm_f32x4_splat(invK);
    for (; x + 4 <= w; x += 4) {
      v128_t c0 = wasm_v128_load(cells + 2 * x), c1 = wasm_v128_load(cells + 2 * x + 4);
      wasm_v128_store(cells + 2 * x, wasm_i32x4_splat(0));
      wasm_v128_store(cells + 2 * x + 4, wasm_i32x4_splat(0));
      v128_t o = wasm_i32x4_shuffle(c0, c1, 0, 2, 4, 6);
      v128_t m = wasm_i32x4_shuffle(c0, c1, 1, 3, 5, 7);
      v128_t q = wasm_f32x4_mul(wasm_f32x4_pmin(vk, o), vinv);
      v128_t f = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(m, vinv), q), q);
      wasm_v128_store(out + x, wasm_f32x4_add(wasm_v128_load(acc + x), f));
    }
    for (; x < w; x++) {
      float o = cells[2 * x], m = cells[2 * x + 1];
      cells[2 * x] = cells[2 * x + 1] = 0.0f;
      float q = (o < kn ? o : kn) * invK;
      out[x] = acc[x] + m * invK * q * q;
    }
  } else {
    for (; x < w; x++) {
      float o = cells[2 * x], m = cells[2 * x + 1];
      cells[2 * x] = cells[2 * x + 1] = 0.0f;
      int j = o < kn ? (int)o : last;
      out[x] = acc[x] + m * invK * lut[j];
    }
  }
  const float left = out[0], right = out[w - 1];
  for (int i = 1; i <= R; i++) line[R - i] = left;
  for (int i = 0; i < R + 4; i++) out[w + i] = right;
}

/* out[x] = sum_i k[i] line[x + i], a symmetric kernel of radius R (k[R - i] = k[R + i]), four columns at a time. */
INLINE void hblur_body(const float *line, float *out, int w, const float *k, const int R) {
  v128_t kk[64];
  for (int i = 0; i <= R; i++) kk[i] = wasm_f32x4_splat(k[R + i]);
  const float *c = line + R;
  for (int x = 0; x < w; x += 4) {
    v128_t s = wasm_f32x4_mul(kk[0], wasm_v128_load(c + x));
    for (int i = 1; i <= R; i++) {
      s = wasm_f32x4_add(s, wasm_f32x4_mul(kk[i], wasm_f32x4_add(wasm_v128_load(c + x - i), wasm_v128_load(c + x + i))));
    }
    wasm_v128_store(out + x, s);
  }
}

static void hblur_generic(const float *line, float *out, int w, const float *k, int R) {
  const float *c = line + R;
  for (int x = 0; x < w; x += 4) {
    v128_t s = wasm_f32x4_mul(wasm_f32x4_splat(k[R]), wasm_v128_load(c + x));
    for (int i = 1; i <= R; i++) {
      s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_f32x4_splat(k[R + i]), wasm_f32x4_add(wasm_v128_load(c + x - i), wasm_v128_load(c + x + i))));
    }
    wasm_v128_store(out + x, s);
  }
}

static void hblur(const float *line, float *out, int w, const float *k, int R) {
  switch (R) {
    case 1: hblur_body(line, out, w, k, 1); break;
    case 2: hblur_body(line, out, w, k, 2); break;
    case 3: hblur_body(line, out, w, k, 3); break;
    case 4: hblur_body(line, out, w, k, 4); break;
    case 5: hblur_body(line, out, w, k, 5); break;
    case 6: hblur_body(line, out, w, k, 6); break;
    default: hblur_generic(line, out, w, k, R); break;
  }
}

/* acc[x] = scale * sum_i k[i] rows[i][x] (rows already clamped at the image edges), symmetric kernel. */
INLINE void vblur_body(const float *const *rows, float *acc, int w, const float *k, const int R, float scale) {
  v128_t kk[64];
  for (int i = 0; i <= R; i++) kk[i] = wasm_f32x4_splat(k[R + i] * 1.0f);
  const v128_t vs = wasm_f32x4_splat(scale);
  int x = 0;
  for (; x + 4 <= w; x += 4) {
    v128_t s = wasm_f32x4_mul(kk[0], wasm_v128_load(rows[R] + x));
    for (int i = 1; i <= R; i++) {
      s = wasm_f32x4_add(s, wasm_f32x4_mul(kk[i], wasm_f32x4_add(wasm_v128_load(rows[R - i] + x), wasm_v128_load(rows[R + i] + x))));
    }
    wasm_v128_store(acc + x, wasm_f32x4_mul(s, vs));
  }
  for (; x < w; x++) {
    float s = k[R] * rows[R][x];
    for (int i = 1; i <= R; i++) s += k[R + i] * (rows[R - i][x] + rows[R + i][x]);
    acc[x] = s * scale;
  }
}

static void vblur_generic(const float *const *rows, float *acc, int w, const float *k, int R, float scale) {
  const v128_t vs = wasm_f32x4_splat(scale);
  int x = 0;
  for (; x + 4 <= w; x += 4) {
    v128_t s = wasm_f32x4_mul(wasm_f32x4_splat(k[R]), wasm_v128_load(rows[R] + x));
    for (int i = 1; i <= R; i++) {
      s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_f32x4_splat(k[R + i]), wasm_f32x4_add(wasm_v128_load(rows[R - i] + x), wasm_v128_load(rows[R + i] + x))));
    }
    wasm_v128_store(acc + x, wasm_f32x4_mul(s, vs));
  }
  for (; x < w; x++) {
    float s = k[R] * rows[R][x];
    for (int i = 1; i <= R; i++) s += k[R + i] * (rows[R - i][x] + rows[R + i][x]);
    acc[x] = s * scale;
  }
}

/* Vertical blur of output row yo from the ring of horizontally blurred rows (row j in slot j mod (2R + 1)). */
static void vblur_row(const float *tmp, float *acc, int yo, int R, const float *k, float scale) {
  const int h = g_h, T = 2 * R + 1;
  for (int i = -R; i <= R; i++) {
    int yy = yo + i;
    yy = yy < 0 ? 0 : yy >= h ? h - 1 : yy;
    g_rows[R + i] = tmp + (yy % T) * g_TS;
  }
  float *out = acc + yo * g_w;
  switch (R) {
    case 1: vblur_body(g_rows, out, g_w, k, 1, scale); break;
    case 2: vblur_body(g_rows, out, g_w, k, 2, scale); break;
    case 3: vblur_body(g_rows, out, g_w, k, 3, scale); break;
    case 4: vblur_body(g_rows, out, g_w, k, 4, scale); break;
    case 5: vblur_body(g_rows, out, g_w, k, 5, scale); break;
    case 6: vblur_body(g_rows, out, g_w, k, 6, scale); break;
    default: vblur_generic(g_rows, out, g_w, k, R, scale); break;
  }
}

/* Adds F_n of image row ty to the accumulator row (zeroing its cells) and blurs it horizontally into the ring. */
static void consume_row(float *ringRow, float *acc, float *tmp, int ty, int R, const float *k, float kn, const float *lut, int last) {
  fn_row(ringRow + 2 * g_V, g_passes ? acc + ty * g_w : g_zeros, g_line, g_w, R, kn, lut, last);
  hblur(g_line, tmp + (ty % (2 * R + 1)) * g_TS, g_w, k, R);
}

INLINE void radius_pass(double r, int fixed, float kn, const float *k, int R, const float *lut, int last, float scale, int dark, int bright) {
  const int h = g_h, V = g_V, S = g_S, RS = g_RS;
  for (int y = 0; y < h + 2 * V; y++) {
    if (y < h) vote_row(y, r, fixed, dark, bright);
    /* Padded row y (image row y - V) has all its votes now. */
    const int slot = y % S, ty = y - V;
    if (ty >= 0 && ty < h) {
      if (dark) consume_row(g_ringD + slot * RS, g_accD, g_tmpD, ty, R, k, kn, lut, last);
      if (bright) consume_row(g_ringB + slot * RS, g_accB, g_tmpB, ty, R, k, kn, lut, last);
      if (ty - R >= 0) {
        if (dark) vblur_row(g_tmpD, g_accD, ty - R, R, k, scale);
        if (bright) vblur_row(g_tmpB, g_accB, ty - R, R, k, scale);
      }
    } else {
      /* Votes beyond the top or bottom edge; the padding columns of interior rows are never read. */
      if (dark) memset(g_ringD + slot * RS, 0, (unsigned long)RS * sizeof(float));
      if (bright) memset(g_ringB + slot * RS, 0, (unsigned long)RS * sizeof(float));
    }
  }
  for (int yo = h - R < 0 ? 0 : h - R; yo < h; yo++) {
    if (dark) vblur_row(g_tmpD, g_accD, yo, R, k, scale);
    if (bright) vblur_row(g_tmpB, g_accB, yo, R, k, scale);
  }
}

/**
 * One radius of the Horner cascade: acc = blur_k(acc + F_n) for each polarity, then acc *= scale.
 * `k`: symmetric kernel of radius R (2R + 1 taps, R <= Rmax of the setup); with a fixed-point setup, r must be
 * an integer within the mode's limit. `lut`: null for alpha = 2, else
 * (min(j, kn) / kn)^alpha for j = 0 .. last (see fn_row). Returns 0, or -1 for arguments the setup did not prepare for.
 */
EXPORT(frst_radius)
int frst_radius(double r, float kn, const float *k, int R, const float *lut, int last, float scale) {
  if (R < 1 || R > g_Rmax || g_h <= 0 || g_w <= 0) return g_h <= 0 || g_w <= 0 ? 0 : -1;
  const int dark = g_accD != 0, bright = g_accB != 0;
  const int fixed = g_fixed;
  const int limit = fixed == 1 ? FIXED_MAX_RADIUS_1 : FIXED_MAX_RADIUS_2;
  if (fixed && !(r == (double)(int)r && r >= -limit && r <= limit)) return -1;
  if (fixed == 1) {
    if (dark && bright) radius_pass(r, 1, kn, k, R, lut, last, scale, 1, 1);
    else if (dark) radius_pass(r, 1, kn, k, R, lut, last, scale, 1, 0);
    else if (bright) radius_pass(r, 1, kn, k, R, lut, last, scale, 0, 1);
  } else if (fixed == 2) {
    if (dark && bright) radius_pass(r, 2, kn, k, R, lut, last, scale, 1, 1);
    else if (dark) radius_pass(r, 2, kn, k, R, lut, last, scale, 1, 0);
    else if (bright) radius_pass(r, 2, kn, k, R, lut, last, scale, 0, 1);
  } else {
    if (dark && bright) radius_pass(r, 0, kn, k, R, lut, last, scale, 1, 1);
    else if (dark) radius_pass(r, 0, kn, k, R, lut, last, scale, 1, 0);
    else if (bright) radius_pass(r, 0, kn, k, R, lut, last, scale, 0, 1);
  }
  g_passes++;
  return 0;
}
