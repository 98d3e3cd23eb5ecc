/* Pex int8 micro-kernels for ARMv7E-M: convolution, depthwise convolution,
 * fully connected, and the partial-execution producer, consumer and finish.
 * The design and the measured instruction counts are in docs/kernels.md.
 *
 * Compile for the target with
 *   clang-22 --target=thumbv7em-none-eabihf -mcpu=cortex-m4 -O3
 * (DSP extension through ACLE intrinsics); any other compiler or target
 * builds the portable path of pex_dsp.h, with the same results. */

#include "pex_kernels.h"
#include "pex_dsp.h"

/* ---- Requantisation --------------------------------------------------
 *
 * TOSA apply_scale_32 with double rounding is
 *   (x * m + round(x)) >> s,  round = 2^(s-1) + (s > 31 ? (x >= 0 ? 2^30 : -2^30) : 0).
 * It is evaluated as one 64-bit multiply-accumulate whose high word is the
 * result:
 *   s <= 31: x' = x << (32 - s) (fits int32 since |x| < 2^(s-1) is
 *            required), result = (x' * m + 2^31) >> 32;
 *   s >= 32: result = ((x * m + 2^(s-1) + 2^30 - [x < 0] 2^31) >> 32) >> (s - 32),
 * so with a table indexed by s holding the 64-bit rounding term, the sign
 * multiplier (0 or -2^31), the pre-shift and the post-shift, one output costs
 * LSL, SMLAL, LSR, SMLAL, ASR (plus loading the rounding term). */

typedef struct {
  int64_t round;
  int32_t signMul;
  uint8_t pre, post;
  uint16_t unused;
} RqShift;

#define RQ_ROUND(s)                                                            \
  ((s) <= 31 ? (int64_t)0x80000000u                                            \
             : ((int64_t)1 << (((s) - 1) & 63)) + ((int64_t)1 << 30))
/* Shifts 0 and 1 are outside TOSA's [2, 62]; their entries are never used
 * by valid parameters and are kept harmless (no shift by 32 or more). */
#define RQ(s)                                                                  \
  {RQ_ROUND(s), (s) <= 31 ? 0 : INT32_MIN,                                     \
   (uint8_t)((s) <= 1 ? 30 : (s) <= 31 ? 32 - (s) : 0),                        \
   (uint8_t)((s) <= 31 ? 0 : (s) - 32), 0}
#define RQ8(s)                                                                 \
  RQ(s), RQ(s + 1), RQ(s + 2), RQ(s + 3), RQ(s + 4), RQ(s + 5), RQ(s + 6),     \
      RQ(s + 7)
static const RqShift rqTable[64] = {RQ8(0),  RQ8(8),  RQ8(16), RQ8(24),
                                    RQ8(32), RQ8(40), RQ8(48), RQ8(56)};

static inline int32_t rqApply(int32_t acc, int32_t m, const RqShift *e) {
  int32_t x = (int32_t)((uint32_t)acc << e->pre);
  int64_t v = e->round + (int64_t)x * m +
              (int64_t)(int32_t)((uint32_t)x >> 31) * e->signMul;
  return (int32_t)(v >> 32) >> e->post;
}

int32_t pex_apply_scale_32(int32_t value, int32_t multiplier, int32_t shift) {
  return rqApply(value, multiplier, &rqTable[shift & 63]);
}

/* ---- Output stage --------------------------------------------------------
 *
 * y + output_zp, saturated to int8 (SSAT) and clamped to the activation
 * range. The MLPerf Tiny models never narrow the range (their activations
 * are folded into the output quantisation), so the full-range case is a
 * specialised loop with SSAT only. */

typedef struct {
  int32_t zp, lo, hi, full;
} OutRange;

static inline OutRange outRange(int32_t zp, int32_t actMin, int32_t actMax) {
  OutRange r;
  r.zp = zp;
  r.lo = actMin < -128 ? -128 : actMin;
  r.hi = actMax > 127 ? 127 : actMax;
  r.full = r.lo == -128 && r.hi == 127;
  return r;
}

static inline int32_t outClamp(int32_t y, OutRange r, const int full) {
  y += r.zp;
  if (full) {
#if PEX_DSP_ACLE
    return __ssat(y, 8);
#else
    return y < -128 ? -128 : y > 127 ? 127 : y;
#endif
  }
  y = y < r.lo ? r.lo : y;
  return y > r.hi ? r.hi : y;
}

static inline int8_t rqOut(int32_t acc, int32_t m, const RqShift *e,
                           OutRange r) {
  return (int8_t)outClamp(rqApply(acc, m, e), r, 0);
}

/* out[q * outStride + c] = output(acc[q * accStride + c] + bias[c]) for
 * `pixels` pixels and `channels` channels, channel by channel so that the
 * channel's parameters stay in registers. Shifts of 32 and more (every
 * TFLite multiplier below one) need no pre-shift; shifts below 32 need no
 * sign term: each class has its own loop. */
static inline __attribute__((always_inline)) void
requantChannels(const int32_t *acc, int32_t pixels, int32_t channels,
                int32_t accStride, const int32_t *bias,
                const int32_t *multiplier, const int8_t *shift, OutRange r,
                int8_t *out, int32_t outStride, const int full) {
  for (int32_t c = 0; c < channels; ++c) {
    const int32_t s = shift[c];
    const RqShift *e = &rqTable[s];
    const int64_t round = e->round;
    const int32_t m = multiplier[c];
    const uint32_t b = bias ? (uint32_t)bias[c] : 0;
    const int32_t *a = acc + c, *end = a + pixels * accStride;
    int8_t *y = out + c;
    if (s >= 32) {
      const uint32_t post = e->post;
#pragma clang loop unroll(disable)
      for (; a != end; a += accStride, y += outStride) {
        const int32_t x = (int32_t)((uint32_t)*a + b);
        const int64_t v = round + (int64_t)x * m -
                          ((int64_t)((uint32_t)x >> 31) << 31);
        *y = (int8_t)outClamp((int32_t)(v >> 32) >> post, r, full);
      }
    } else {
      const uint32_t pre = e->pre;
#pragma clang loop unroll(disable)
      for (; a != end; a += accStride, y += outStride) {
        const int32_t x = (int32_t)(((uint32_t)*a + b) << pre);
        const int64_t v = round + (int64_t)x * m;
        *y = (int8_t)outClamp((int32_t)(v >> 32), r, full);
      }
    }
  }
}

static void requantBlock(const int32_t *acc, int32_t pixels, int32_t channels,
                         int32_t accStride, const int32_t *bias,
                         const int32_t *multiplier, const int8_t *shift,
                         OutRange r, int8_t *out, int32_t outStride) {
  if (r.full)
    requantChannels(acc, pixels, channels, accStride, bias, multiplier, shift,
                    r, out, outStride, 1);
  else
    requantChannels(acc, pixels, channels, accStride, bias, multiplier, shift,
                    r, out, outStride, 0);
}

/* The output stage of one channel's sums acc[q * accStride] (q < count)
 * to out[q * ops], full range, bias already in the sums: the narrow paths'
 * output stage (one channel of a block of pixels), without requantBlock's
 * per-channel set-up and bias. */
static void requantRun(const int32_t *acc, int32_t accStride, int32_t count,
                       int32_t m, int32_t s, int32_t zp, int8_t *out,
                       int32_t ops) {
  const RqShift *e = &rqTable[s];
  const int64_t round = e->round;
  const int8_t *end = out + count * ops;
  if (s >= 32) {
    const uint32_t post = e->post;
#pragma clang loop unroll(disable)
    for (; out != end; out += ops) {
      const int32_t x = *acc;
      acc += accStride;
      const int64_t v =
          round + (int64_t)x * m - ((int64_t)((uint32_t)x >> 31) << 31);
      *out = (int8_t)outClamp((int32_t)(v >> 32) >> post,
                              (OutRange){zp, -128, 127, 1}, 1);
    }
  } else {
    const uint32_t pre = e->pre;
#pragma clang loop unroll(disable)
    for (; out != end; out += ops) {
      const int32_t x = (int32_t)((uint32_t)*acc << pre);
      acc += accStride;
      *out = (int8_t)outClamp((int32_t)((round + (int64_t)x * m) >> 32),
                              (OutRange){zp, -128, 127, 1}, 1);
    }
  }
}

/* The output stage of two pixels' sums (s0[c], s1[c]) for n channels:
 * each channel's parameters are loaded once for both. */
static inline __attribute__((always_inline)) void
requantTwo(const int32_t *s0, const int32_t *s1, int32_t n,
           const int32_t *multiplier, const int8_t *shift, OutRange r,
           int8_t *y0, int8_t *y1, const int full) {
#pragma clang loop unroll(disable)
  for (int32_t c = 0; c < n; ++c) {
    const int32_t s = shift[c], m = multiplier[c];
    const RqShift *e = &rqTable[s];
    const int64_t round = e->round;
    const int32_t a = s0[c], b = s1[c];
    int32_t ya, yb;
    if (s >= 32) {
      const uint32_t post = e->post;
      const int64_t va = round + (int64_t)a * m - ((int64_t)((uint32_t)a >> 31) << 31);
      const int64_t vb = round + (int64_t)b * m - ((int64_t)((uint32_t)b >> 31) << 31);
      ya = (int32_t)(va >> 32) >> post;
      yb = (int32_t)(vb >> 32) >> post;
    } else {
      const uint32_t pre = e->pre;
      ya = (int32_t)((round + (int64_t)(int32_t)((uint32_t)a << pre) * m) >> 32);
      yb = (int32_t)((round + (int64_t)(int32_t)((uint32_t)b << pre) * m) >> 32);
    }
    y0[c] = (int8_t)outClamp(ya, r, full);
    y1[c] = (int8_t)outClamp(yb, r, full);
  }
}

/* The output stage of one pixel's sums s[c] for n channels. */
static inline __attribute__((always_inline)) void
requantOne(const int32_t *s, int32_t n, const int32_t *multiplier,
           const int8_t *shift, OutRange r, int8_t *y, const int full) {
#pragma clang loop unroll(disable)
  for (int32_t c = 0; c < n; ++c) {
    const int32_t sh = shift[c], m = multiplier[c], a = s[c];
    const RqShift *e = &rqTable[sh];
    int32_t v;
    if (sh >= 32)
      v = (int32_t)((e->round + (int64_t)a * m -
                     ((int64_t)((uint32_t)a >> 31) << 31)) >> 32) >> e->post;
    else
      v = (int32_t)((e->round + (int64_t)(int32_t)((uint32_t)a << e->pre) * m) >> 32);
    y[c] = (int8_t)outClamp(v, r, full);
  }
}

static inline uint32_t negZeroPoint2(int32_t zp) {
  return ((uint32_t)-zp & 0xFFFFu) | ((uint32_t)-zp << 16);
}

/* ---- Window geometry ---------------------------------------------------- */

static inline int32_t firstTap(int32_t origin, int32_t dilation) {
  /* Smallest k >= 0 with origin + k * dilation >= 0. */
  return origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
}

static inline int32_t endTap(int32_t origin, int32_t dilation, int32_t kernel,
                             int32_t size) {
  /* One past the largest k < kernel with origin + k * dilation < size. */
  if (origin >= size)
    return 0;
  const int32_t k = (size - 1 - origin) / dilation + 1;
  return k < kernel ? k : kernel;
}

/* The output positions [*lo, *hi) of one dimension whose whole window
 * (kernel taps `dilation` apart, origin position * stride - pad) lies
 * inside [0, size). */
static void insideRange(int32_t pad, int32_t stride, int32_t dilation,
                        int32_t kernel, int32_t size, int32_t out,
                        int32_t *lo, int32_t *hi) {
  const int32_t span = size - 1 - (kernel - 1) * dilation + pad;
  int32_t l = (pad + stride - 1) / stride;
  int32_t h = span < 0 ? 0 : span / stride + 1;
  if (h > out)
    h = out;
  if (l > h)
    l = h;
  *lo = l;
  *hi = h;
}

/* ---- im2col pair buffers -------------------------------------------------
 *
 * The convolution works on two output pixels at a time. Their input windows
 * (K = taps * cin values each) are written as int16 (x - input_zp; padding
 * is 0) into one "pair buffer" of 4-word groups: group g holds, for pixel 0
 * then pixel 1, values 4g..4g+3 in the order x0 x2 | x1 x3, which is what
 * SXTB16 and SXTB16 ROR #8 make of four weights, so neither side needs
 * reordering and LDRD loads each half. The K % 4 values after the last
 * group follow in natural order, pixel 0's then pixel 1's.
 *
 * When the weights are not contiguous across taps (a consumer slice of a
 * KxK convolution: rows of Cw > cin values), the buffer is one such segment
 * of length cin per tap, and the dot product runs tap by tap. */

static inline int32_t pairIndex(int32_t i, int32_t len, int32_t pix) {
  const int32_t full = len & ~3;
  if (i < full)
    return 8 * (i >> 2) + 4 * pix + (((i & 1) << 1) | ((i & 2) >> 1));
  return 2 * full + pix * (len & 3) + (i - full);
}

/* Writes n values (src - zp, or zeros when src is NULL) of pixel pix at
 * positions i0.. of a segment of length len. */
static void putRun(int16_t *seg, int32_t len, int32_t pix, int32_t i0,
                   const int8_t *src, int32_t n, int32_t zp) {
  const int32_t full = len & ~3, end = i0 + n;
  int32_t i = i0;
  while (i < end) {
    if ((i & 3) == 0 && i + 4 <= full && i + 4 <= end) {
      const int32_t stop = end < full ? end : full;
      int16_t *dst = seg + 8 * (i >> 2) + 4 * pix;
      int32_t groups = (stop - i) >> 2;
      i += 4 * groups;
      if (src) {
        const uint32_t nzp2 = negZeroPoint2(zp);
        for (; groups > 0; --groups) {
          const uint32_t v = pex_load32(src);
          src += 4;
          pex_store32(dst, pex_sxtab16(nzp2, v));
          pex_store32(dst + 2, pex_sxtab16_ror8(nzp2, v));
          dst += 8;
        }
      } else {
        for (; groups > 0; --groups) {
          pex_store32(dst, 0);
          pex_store32(dst + 2, 0);
          dst += 8;
        }
      }
      continue;
    }
    seg[pairIndex(i, len, pix)] = (int16_t)(src ? *src++ - zp : 0);
    ++i;
  }
}

static inline void copyBytes(int8_t *dst, const int8_t *src, int32_t n) {
  for (; n >= 4; n -= 4, src += 4, dst += 4)
    pex_store32(dst, pex_load32(src));
  for (; n > 0; --n)
    *dst++ = *src++;
}

typedef struct {
  const pex_conv_params *p;
  const int8_t *input; /* channel 0 of the channels read */
  int32_t cin;         /* channels read per tap */
  int32_t taps;
  int32_t segmented;   /* one segment per tap (weights not contiguous across taps) */
  int32_t segLen;      /* cin if segmented, else taps * cin */
  int8_t *stage;       /* int8 window staging when cin % 4 != 0 (else NULL) */
} Im2col;

/* The raw int8 window of output pixel (oy, ox), padding = zp, in the
 * order of the weights: used when cin % 4 != 0 (the first layers), where
 * groups of four straddle taps. A kernel row inside the input is one
 * contiguous run when the pixels are dense. */
static void gatherWindow(const Im2col *c, int8_t *dst, int32_t oy,
                         int32_t ox) {
  const pex_conv_params *p = c->p;
  const int32_t cin = c->cin, kh = p->kernel_h, kw = p->kernel_w;
  const int32_t dh = p->dilation_h, dw = p->dilation_w;
  const int32_t inH = p->in_h, inW = p->in_w, ips = p->in_pixel_stride;
  const int32_t rowLen = kw * cin;
  const int8_t zp = (int8_t)p->input_zp;
  const int32_t iy0 = oy * p->stride_h - p->pad_top;
  const int32_t ix0 = ox * p->stride_w - p->pad_left;
  const int32_t rowInside =
      dw == 1 && ips == cin && ix0 >= 0 && ix0 + kw <= inW;
  for (int32_t ky = 0; ky < kh; ++ky, dst += rowLen) {
    const int32_t iy = iy0 + ky * dh;
    if (iy < 0 || iy >= inH) {
      for (int32_t j = 0; j < rowLen; ++j)
        dst[j] = zp;
      continue;
    }
    const int8_t *row = c->input + iy * inW * ips;
    if (rowInside) {
      copyBytes(dst, row + ix0 * ips, rowLen);
      continue;
    }
    for (int32_t kx = 0; kx < kw; ++kx) {
      const int32_t ix = ix0 + kx * dw;
      int8_t *d = dst + kx * cin;
      if (ix >= 0 && ix < inW)
        copyBytes(d, row + ix * ips, cin);
      else
        for (int32_t j = 0; j < cin; ++j)
          d[j] = zp;
    }
  }
}

/* Fills pixel pix of the pair buffer with the window of output pixel
 * (oy, ox). */
static void im2col(const Im2col *c, int16_t *buf, int32_t pix, int32_t oy,
                   int32_t ox) {
  const pex_conv_params *p = c->p;
  const int32_t cin = c->cin, zp = p->input_zp;
  if (c->taps == 1) {
    const int32_t iy = oy * p->stride_h - p->pad_top;
    const int32_t ix = ox * p->stride_w - p->pad_left;
    const int8_t *src =
        iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w
            ? c->input + (iy * p->in_w + ix) * p->in_pixel_stride
            : 0;
    putRun(buf, cin, pix, 0, src, cin, zp);
    return;
  }
  if (c->stage) {
    gatherWindow(c, c->stage, oy, ox);
    putRun(buf, c->segLen, pix, 0, c->stage, c->segLen, zp);
    return;
  }
  int32_t t = 0;
  for (int32_t ky = 0; ky < p->kernel_h; ++ky) {
    const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
    const int32_t rowOk = iy >= 0 && iy < p->in_h;
    for (int32_t kx = 0; kx < p->kernel_w; ++kx, ++t) {
      const int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
      const int8_t *src = rowOk && ix >= 0 && ix < p->in_w
                              ? c->input + (iy * p->in_w + ix) * p->in_pixel_stride
                              : 0;
      if (c->segmented)
        putRun(buf + t * 2 * cin, cin, pix, 0, src, cin, zp);
      else
        putRun(buf, c->segLen, pix, t * cin, src, cin, zp);
    }
  }
}

/* ---- The 2x2 micro-kernel ------------------------------------------------
 *
 * Two pixels (one pair buffer) times two weight rows (w0 and w0 + wRow),
 * `groups` groups of four values: per group LDRD x2 for the pixels, LDR x2
 * for the weights, SXTB16 x4 and SMLAD x8: 16 multiply-accumulates in 18
 * instructions with the loop. */

typedef struct {
  int32_t s00, s01, s10, s11; /* [pixel][row] */
} Acc2x2;

static inline void mac2x2(const int16_t *x, const int8_t *w0, int32_t wRow,
                          int32_t groups, Acc2x2 *a) {
  if (groups <= 0)
    return;
#if PEX_DSP_ACLE
  /* The loop reads `row` and `end` after writing the sums and pointers, so
   * every output is early-clobber ("+&r"): otherwise the compiler may give
   * an input the register of an output with the same initial value (the
   * odd last row passes row 0 and zero sums). */
  const int16_t *end = x + 8 * groups;
  uint32_t w, wa, xa, xb, ya, yb;
  __asm volatile("1:\n\t"
                 "ldr     %[w], [%[wp], %[row]]\n\t"
                 "ldrd    %[xa], %[xb], [%[xp]], #8\n\t"
                 "sxtb16  %[wa], %[w]\n\t"
                 "sxtb16  %[w], %[w], ror #8\n\t"
                 "smlad   %[s01], %[xa], %[wa], %[s01]\n\t"
                 "smlad   %[s01], %[xb], %[w], %[s01]\n\t"
                 "ldrd    %[ya], %[yb], [%[xp]], #8\n\t"
                 "smlad   %[s11], %[ya], %[wa], %[s11]\n\t"
                 "smlad   %[s11], %[yb], %[w], %[s11]\n\t"
                 "ldr     %[w], [%[wp]], #4\n\t"
                 "sxtb16  %[wa], %[w]\n\t"
                 "sxtb16  %[w], %[w], ror #8\n\t"
                 "smlad   %[s00], %[xa], %[wa], %[s00]\n\t"
                 "smlad   %[s00], %[xb], %[w], %[s00]\n\t"
                 "smlad   %[s10], %[ya], %[wa], %[s10]\n\t"
                 "smlad   %[s10], %[yb], %[w], %[s10]\n\t"
                 "cmp     %[xp], %[end]\n\t"
                 "bne     1b\n\t"
                 : [s00] "+&r"(a->s00), [s01] "+&r"(a->s01),
                   [s10] "+&r"(a->s10), [s11] "+&r"(a->s11), [xp] "+&r"(x),
                   [wp] "+&r"(w0), [w] "=&r"(w), [wa] "=&r"(wa),
                   [xa] "=&r"(xa), [xb] "=&r"(xb), [ya] "=&r"(ya),
                   [yb] "=&r"(yb)
                 : [row] "r"(wRow), [end] "r"(end)
                 : "cc", "memory");
#else
  int32_t s00 = a->s00, s01 = a->s01, s10 = a->s10, s11 = a->s11;
  for (; groups > 0; --groups) {
    const uint32_t xa = pex_load32(x), xb = pex_load32(x + 2);
    const uint32_t ya = pex_load32(x + 4), yb = pex_load32(x + 6);
    x += 8;
    uint32_t w = pex_load32(w0 + wRow);
    uint32_t wa = pex_sxtb16(w), wb = pex_sxtb16_ror8(w);
    s01 = pex_smlad(xb, wb, pex_smlad(xa, wa, s01));
    s11 = pex_smlad(yb, wb, pex_smlad(ya, wa, s11));
    w = pex_load32(w0);
    w0 += 4;
    wa = pex_sxtb16(w);
    wb = pex_sxtb16_ror8(w);
    s00 = pex_smlad(xb, wb, pex_smlad(xa, wa, s00));
    s10 = pex_smlad(yb, wb, pex_smlad(ya, wa, s10));
  }
  a->s00 = s00;
  a->s01 = s01;
  a->s10 = s10;
  a->s11 = s11;
#endif
}

/* Adds the dot products of `groups` groups of the pair buffer x with n
 * weight rows (w, w + wRow, ...) to row0[o] (pixel 0) and row1[o] (pixel
 * 1). An odd last row is paired with itself. */
static void macRows(const int16_t *x, int32_t groups, const int8_t *w,
                    int32_t wRow, int32_t n, int32_t *row0, int32_t *row1) {
  if (groups <= 0)
    return;
  int32_t o = 0;
  for (; o + 2 <= n; o += 2) {
    Acc2x2 a = {row0[o], row0[o + 1], row1[o], row1[o + 1]};
    mac2x2(x, w, wRow, groups, &a);
    row0[o] = a.s00;
    row0[o + 1] = a.s01;
    row1[o] = a.s10;
    row1[o + 1] = a.s11;
    w += 2 * wRow;
  }
  if (o < n) {
    Acc2x2 a = {row0[o], 0, row1[o], 0};
    mac2x2(x, w, 0, groups, &a);
    row0[o] = a.s00;
    row1[o] = a.s10;
  }
}

/* The same for the len % 4 values after the groups of a segment of length
 * len (natural order, pixel 0's then pixel 1's). */
static void macTails(const int16_t *seg, int32_t len, const int8_t *w,
                     int32_t wRow, int32_t n, int32_t *row0, int32_t *row1) {
  const int32_t full = len & ~3, tail = len & 3;
  const int16_t *x = seg + 2 * full, *y = x + tail;
  w += full;
  for (int32_t o = 0; o < n; ++o, w += wRow) {
    uint32_t s0 = (uint32_t)row0[o], s1 = (uint32_t)row1[o];
    for (int32_t i = 0; i < tail; ++i) {
      s0 += (uint32_t)(x[i] * w[i]);
      s1 += (uint32_t)(y[i] * w[i]);
    }
    row0[o] = (int32_t)s0;
    row1[o] = (int32_t)s1;
  }
}

#if PEX_DSP_ACLE
/* The fast path of the convolution, for two pixels, one segment of at
 * least four values, full-range output and a bias: for `pairs` output
 * channel pairs, the 2x2 micro-kernel followed by the output stage of the
 * four sums, entirely in registers. The job's weight, bias, multiplier,
 * shift and output pointers advance as it goes. */
typedef struct {
  const int16_t *buf;   /* 0: the pair buffer */
  int32_t groups;       /* 4: groups of four values, >= 1 */
  const int8_t *w;      /* 8: weight row of the first channel */
  int32_t wRow;         /* 12 */
  const int32_t *bias;  /* 16 */
  const int32_t *mult;  /* 20 */
  const int8_t *shift;  /* 24 */
  int8_t *out;          /* 28: pixel 0, first channel; pixel 1 at + ops */
  int32_t ops;          /* 32 */
  int32_t pairs;        /* 36: >= 1 */
  int32_t zp;           /* 40 */
  const RqShift *table; /* 44 */
  int32_t tail;         /* 48: values after the groups, 0..3 */
} PairJob;

_Static_assert(sizeof(RqShift) == 16 && __builtin_offsetof(RqShift, signMul) == 8 &&
                   __builtin_offsetof(RqShift, pre) == 12 &&
                   __builtin_offsetof(RqShift, post) == 13,
               "pairJob's assembly reads RqShift as four words");

/* The group loop of the 2x2 micro-kernel shared by pairJob and accJob: r1
 * the pair buffer, r2 its groups, r3 the weight row of the first channel, r4
 * the distance to the second's; sums r6, r7 (pixel 0, 1 of the first
 * channel) and r8, r9 (of the second); clobbers r0, r2, r5, r10-r12, lr. */
#define PEX_MAC2X2_ASM_GROUPS                                                  \
  "add     r10, r1, r2, lsl #4\n"                                              \
  "1:\n\t"                                                                     \
  "ldr     r11, [r3, r4]\n\t"                                                  \
  "ldrd    r0, r2, [r1], #8\n\t"                                               \
  "sxtb16  r12, r11\n\t"                                                       \
  "sxtb16  r11, r11, ror #8\n\t"                                               \
  "smlad   r7, r0, r12, r7\n\t"                                                \
  "smlad   r7, r2, r11, r7\n\t"                                                \
  "ldrd    r5, lr, [r1], #8\n\t"                                               \
  "smlad   r9, r5, r12, r9\n\t"                                                \
  "smlad   r9, lr, r11, r9\n\t"                                                \
  "ldr     r11, [r3], #4\n\t"                                                  \
  "sxtb16  r12, r11\n\t"                                                       \
  "sxtb16  r11, r11, ror #8\n\t"                                               \
  "smlad   r6, r0, r12, r6\n\t"                                                \
  "smlad   r6, r2, r11, r6\n\t"                                                \
  "smlad   r8, r5, r12, r8\n\t"                                                \
  "smlad   r8, lr, r11, r8\n\t"                                                \
  "cmp     r1, r10\n\t"                                                        \
  "bne     1b\n\t"

/* Then the r10 (0..3) values after the groups: pixel 0's at r1, pixel 1's
 * after them, weights at r3 and r3 + r4; then the job's weight row (at
 * offset 8 of both jobs, the job at [sp]) advances past the channel pair.
 * Clobbers r0-r2, r5, r10-r12. */
#define PEX_MAC2X2_ASM_TAIL                                                    \
  "cmp     r10, #0\n\t"                                                        \
  "beq     3f\n\t"                                                             \
  "add     r12, r1, r10, lsl #1\n"                                              \
  "4:\n\t"                                                                     \
  "ldrsh   r0, [r1], #2\n\t"                                                   \
  "ldrsh   r2, [r12], #2\n\t"                                                  \
  "ldrsb   r5, [r3, r4]\n\t"                                                   \
  "ldrsb   r11, [r3], #1\n\t"                                                  \
  "smlabb  r7, r0, r5, r7\n\t"                                                 \
  "smlabb  r9, r2, r5, r9\n\t"                                                 \
  "smlabb  r6, r0, r11, r6\n\t"                                                \
  "smlabb  r8, r2, r11, r8\n\t"                                                \
  "subs    r10, r10, #1\n\t"                                                   \
  "bne     4b\n"                                                                \
  "3:\n\t"                                                                     \
  "ldr     r0, [sp]\n\t"                                                       \
  "ldr     r1, [r0, #8]\n\t"                                                   \
  "add     r1, r1, r4, lsl #1\n\t"                                             \
  "str     r1, [r0, #8]\n\t"

/* Per channel: x <<= pre; hi:lo = round + x * m + (x >>> 31) * signMul;
 * y = ssat8((hi >> post) + zp), with pre | post << 8 the table's last
 * word (register shifts use its low byte). */
__attribute__((naked, noinline)) static void pairJob(PairJob *job) {
  __asm volatile(
      "push    {r4-r11, lr}\n\t"
      "sub     sp, #4\n\t"
      "str     r0, [sp]\n"
      "2:\n\t"
      "ldr     r0, [sp]\n\t"
      "ldm     r0, {r1, r2, r3, r4, r5}\n\t"
      "ldrd    r6, r7, [r5], #8\n\t"
      "str     r5, [r0, #16]\n\t"
      "mov     r8, r6\n\t"
      "mov     r9, r7\n\t"
      PEX_MAC2X2_ASM_GROUPS
      /* r10: the values after the groups */
      "ldr     r0, [sp]\n\t"
      "ldr     r10, [r0, #48]\n\t"
      PEX_MAC2X2_ASM_TAIL
      /* s00 r6, s01 r7, s10 r8, s11 r9 */
      /* channel 0: r6 (pixel 0), r8 (pixel 1) */
      "ldrd    r1, r2, [r0, #20]\n\t"
      "ldr     r3, [r1], #4\n\t"
      "ldrsb   r5, [r2], #1\n\t"
      "strd    r1, r2, [r0, #20]\n\t"
      "ldr     r1, [r0, #44]\n\t"
      "add     r1, r1, r5, lsl #4\n\t"
      "ldm     r1, {r2, r4, r5, r10}\n\t"
      "ldr     r11, [r0, #40]\n\t"
      "ldr     lr, [r0, #28]\n\t"
      "ldr     r12, [r0, #32]\n\t"
      "lsl     r6, r6, r10\n\t"
      "lsl     r8, r8, r10\n\t"
      "lsr     r10, r10, #8\n\t"
      "mov     r0, r2\n\t"
      "mov     r1, r4\n\t"
      "smlal   r0, r1, r6, r3\n\t"
      "lsr     r6, r6, #31\n\t"
      "smlal   r0, r1, r6, r5\n\t"
      "asr     r1, r1, r10\n\t"
      "add     r1, r1, r11\n\t"
      "ssat    r1, #8, r1\n\t"
      "strb    r1, [lr]\n\t"
      "mov     r0, r2\n\t"
      "mov     r1, r4\n\t"
      "smlal   r0, r1, r8, r3\n\t"
      "lsr     r8, r8, #31\n\t"
      "smlal   r0, r1, r8, r5\n\t"
      "asr     r1, r1, r10\n\t"
      "add     r1, r1, r11\n\t"
      "ssat    r1, #8, r1\n\t"
      "strb    r1, [lr, r12]\n\t"
      /* channel 1: r7 (pixel 0), r9 (pixel 1) */
      "ldr     r0, [sp]\n\t"
      "ldrd    r1, r2, [r0, #20]\n\t"
      "ldr     r3, [r1], #4\n\t"
      "ldrsb   r4, [r2], #1\n\t"
      "strd    r1, r2, [r0, #20]\n\t"
      "ldr     r1, [r0, #44]\n\t"
      "add     r1, r1, r4, lsl #4\n\t"
      "ldm     r1, {r2, r4, r5, r10}\n\t"
      "lsl     r7, r7, r10\n\t"
      "lsl     r9, r9, r10\n\t"
      "lsr     r10, r10, #8\n\t"
      "mov     r0, r2\n\t"
      "mov     r1, r4\n\t"
      "smlal   r0, r1, r7, r3\n\t"
      "lsr     r7, r7, #31\n\t"
      "smlal   r0, r1, r7, r5\n\t"
      "asr     r1, r1, r10\n\t"
      "add     r1, r1, r11\n\t"
      "ssat    r1, #8, r1\n\t"
      "strb    r1, [lr, #1]\n\t"
      "mov     r0, r2\n\t"
      "mov     r1, r4\n\t"
      "smlal   r0, r1, r9, r3\n\t"
      "lsr     r9, r9, #31\n\t"
      "smlal   r0, r1, r9, r5\n\t"
      "asr     r1, r1, r10\n\t"
      "add     r1, r1, r11\n\t"
      "ssat    r1, #8, r1\n\t"
      "add     r12, r12, lr\n\t"
      "strb    r1, [r12, #1]\n\t"
      /* next pair */
      "ldr     r0, [sp]\n\t"
      "add     lr, lr, #2\n\t"
      "str     lr, [r0, #28]\n\t"
      "ldr     r1, [r0, #36]\n\t"
      "subs    r1, r1, #1\n\t"
      "str     r1, [r0, #36]\n\t"
      "bne     2b\n\t"
      "add     sp, #4\n\t"
      "pop     {r4-r11, pc}\n\t");
}

/* The consumer's fast path: the same loop, adding the four sums to the
 * int32 accumulator rows acc (pixel 0) and acc + accStride (pixel 1). */
typedef struct {
  const int16_t *buf;   /* 0 */
  int32_t groups;       /* 4: >= 1 */
  const int8_t *w;      /* 8 */
  int32_t wRow;         /* 12 */
  int32_t *acc;         /* 16: pixel 0, first channel */
  int32_t accBytes;     /* 20: bytes from pixel 0's row to pixel 1's */
  int32_t pairs;        /* 24: >= 1 */
  int32_t tail;         /* 28: 0..3 */
} AccJob;

__attribute__((naked, noinline)) static void accJob(AccJob *job) {
  __asm volatile(
      "push    {r4-r11, lr}\n\t"
      "sub     sp, #4\n\t"
      "str     r0, [sp]\n"
      "2:\n\t"
      "ldr     r0, [sp]\n\t"
      "ldm     r0, {r1, r2, r3, r4, r5}\n\t"
      "ldr     r10, [r0, #20]\n\t"
      "ldrd    r6, r7, [r5]\n\t"
      "add     r5, r5, r10\n\t"
      "ldrd    r8, r9, [r5]\n\t"
      PEX_MAC2X2_ASM_GROUPS
      "ldr     r0, [sp]\n\t"
      "ldr     r10, [r0, #28]\n\t"
      PEX_MAC2X2_ASM_TAIL
      "ldrd    r1, r2, [r0, #16]\n\t"
      "strd    r6, r7, [r1]\n\t"
      "add     r2, r2, r1\n\t"
      "strd    r8, r9, [r2]\n\t"
      "add     r1, r1, #8\n\t"
      "str     r1, [r0, #16]\n\t"
      "ldr     r1, [r0, #24]\n\t"
      "subs    r1, r1, #1\n\t"
      "str     r1, [r0, #24]\n\t"
      "bne     2b\n\t"
      "add     sp, #4\n\t"
      "pop     {r4-r11, pc}\n\t");
}
#undef PEX_MAC2X2_ASM_GROUPS
#undef PEX_MAC2X2_ASM_TAIL
#endif

/* ---- Convolution driver ------------------------------------------------
 *
 * Output pixels in pairs (the last one of an odd count is paired with
 * itself). On the DSP path, full channel pairs go through pairJob (or, for
 * the consumer, accJob). Everything else (an odd last channel, a lone last
 * pixel, segmented windows, narrow activation ranges, no bias, the
 * portable path) goes in blocks of up to CONV_BLOCK output channels: the
 * sums start from the bias (or, for the consumer, from the accumulator),
 * every segment of the window adds its dot products through the 2x2
 * micro-kernel, and the output stage requantises the block channel by
 * channel (the consumer writes the sums back instead). */

#define CONV_BLOCK 16 /* output channels per block (2 x 64 bytes of stack) */

typedef struct {
  const pex_conv_params *p;
  Im2col col;
  const int8_t *weights; /* row of the first output channel computed, channel offset applied */
  int32_t nout;          /* output channels computed */
  int32_t wRow;          /* elements between weight rows (one output channel) */
  const int32_t *bias, *multiplier;
  const int8_t *shift;
  int8_t *output;        /* requantising mode */
  int32_t *acc;          /* accumulating mode */
} ConvJob;

#if PEX_DSP_ACLE
/* Pixel pix of the pair buffer of a one-tap window: the input channels of
 * src (NULL: padding) minus the zero point, groups of four then the tail,
 * written in place without the generic im2col's bookkeeping. */
static inline __attribute__((always_inline)) void
putPixel1x1(int16_t *buf, int32_t pix, const int8_t *src, int32_t groups,
            int32_t tail, uint32_t nzp2, int32_t zp) {
  int16_t *dst = buf + 4 * pix, *t = buf + 8 * groups + pix * tail;
  if (!src) {
    for (int32_t g = 0; g < groups; ++g, dst += 8)
      pex_store32(dst, 0), pex_store32(dst + 2, 0);
    /* tail <= 3, spelled out: a loop would become a call to memclr,
     * which the object does not otherwise need. */
    if (tail > 0)
      t[0] = 0;
    if (tail > 1)
      t[1] = 0;
    if (tail > 2)
      t[2] = 0;
    return;
  }
  for (int32_t g = 0; g < groups; ++g, dst += 8, src += 4) {
    const uint32_t v = pex_load32(src);
    pex_store32(dst, pex_sxtab16(nzp2, v));
    pex_store32(dst + 2, pex_sxtab16_ror8(nzp2, v));
  }
  for (int32_t i = 0; i < tail; ++i)
    t[i] = (int16_t)(src[i] - zp);
}

/* The input pixel under output pixel (oy, ox) of a one-tap window, NULL
 * when it is padding. */
static inline const int8_t *tapPixel(const pex_conv_params *p,
                                     const int8_t *input, int32_t oy,
                                     int32_t ox) {
  const int32_t iy = oy * p->stride_h - p->pad_top;
  const int32_t ix = ox * p->stride_w - p->pad_left;
  return iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w
             ? input + (iy * p->in_w + ix) * p->in_pixel_stride
             : 0;
}

/* 1x1 convolutions with an even number of output channels on the fast
 * path: per pixel pair, the pair buffer filled in place and pairJob over
 * every channel pair. A 1x1 layer over few input channels does little
 * work per pixel (8 channels in, 8 out: 128 MACs per pair), so the generic
 * loop's per-pair bookkeeping (two im2col calls, the job set up field by
 * field) cost more than the multiply-accumulates: a chain's producer
 * slices paid it once per slice. Returns the pixels done (an odd last one
 * is left to the generic loop). */
static int32_t conv1x1Pairs(const ConvJob *j, int16_t *buf) {
  const pex_conv_params *p = j->p;
  const int32_t cin = j->col.cin, groups = cin >> 2, tail = cin & 3;
  const int32_t pixels = p->out_h * p->out_w, ops = p->out_pixel_stride;
  const int32_t zp = p->input_zp;
  const uint32_t nzp2 = negZeroPoint2(zp);
  PairJob job = {buf, groups, 0, j->wRow, 0, 0, 0, 0, ops, 0,
                 p->output_zp, rqTable, tail};
  /* Without padding every output pixel reads an input pixel: walk them
   * with a pointer (pixStep apart in a row, rowStep between rows). */
  const int32_t inside = p->pad_top == 0 && p->pad_left == 0 &&
                         (p->out_h - 1) * p->stride_h < p->in_h &&
                         (p->out_w - 1) * p->stride_w < p->in_w;
  const int32_t pixStep = p->stride_w * p->in_pixel_stride;
  const int32_t rowStep = p->stride_h * p->in_w * p->in_pixel_stride;
  const int8_t *row = j->col.input, *x = row;
  int32_t oy = 0, ox = 0, q = 0;
  for (; q + 2 <= pixels; q += 2) {
    for (int32_t pix = 0; pix < 2; ++pix) {
      putPixel1x1(buf, pix, inside ? x : tapPixel(p, j->col.input, oy, ox),
                  groups, tail, nzp2, zp);
      x += pixStep;
      if (++ox == p->out_w) {
        ox = 0, ++oy;
        x = row += rowStep;
      }
    }
    job.w = j->weights;
    job.bias = j->bias;
    job.mult = j->multiplier;
    job.shift = j->shift;
    job.out = j->output + q * ops;
    job.pairs = j->nout >> 1;
    pairJob(&job);
  }
  return q;
}
#endif

static void convRun(const ConvJob *j, void *scratch) {
  const pex_conv_params *p = j->p;
  const int32_t pixels = p->out_h * p->out_w, ops = p->out_pixel_stride;
  const int32_t nout = j->nout, wRow = j->wRow;
  const Im2col *col = &j->col;
  const int32_t nseg = col->segmented ? col->taps : 1, len = col->segLen;
  const int32_t segStride = 2 * len, wSeg = col->segmented ? p->weight_in_stride : 0;
  int16_t *buf = (int16_t *)scratch;
  const OutRange range = outRange(p->output_zp, p->act_min, p->act_max);
  int32_t sums[2 * CONV_BLOCK];
  int32_t oy = 0, ox = 0, q = 0;
  /* The assembly fast path: one segment of at least four values,
   * full-range output, a bias. */
  const int32_t fastPairs = nseg == 1 && len >= 4 && range.full && j->bias != 0;
  (void)fastPairs;
#if PEX_DSP_ACLE
  if (!j->acc && fastPairs && col->taps == 1 && nout >= 2 && !(nout & 1)) {
    q = conv1x1Pairs(j, buf);
    oy = q / p->out_w;
    ox = q - oy * p->out_w;
  }
#endif
  for (; q < pixels; q += 2) {
    const int32_t two = q + 1 < pixels;
    im2col(col, buf, 0, oy, ox);
    if (two && ++ox == p->out_w) {
      ox = 0;
      ++oy;
    }
    /* The last pixel of an odd count is paired with itself. */
    im2col(col, buf, 1, oy, ox);
    if (++ox == p->out_w) {
      ox = 0;
      ++oy;
    }
    int32_t first = 0; /* output channels done by the fast path */
#if PEX_DSP_ACLE
    if (j->acc && two && nseg == 1 && len >= 4 && nout >= 2) {
      AccJob job = {buf, len >> 2, j->weights, wRow, j->acc + q * ops,
                    4 * ops, nout >> 1, len & 3};
      accJob(&job);
      first = nout & ~1;
    }
    if (!j->acc && two && fastPairs && nout >= 2) {
      PairJob job = {buf, len >> 2, j->weights, wRow, j->bias,
                     j->multiplier, j->shift, j->output + q * ops, ops,
                     nout >> 1, range.zp, rqTable, len & 3};
      pairJob(&job);
      first = nout & ~1;
    }
#endif
    for (int32_t base = first; base < nout; base += CONV_BLOCK) {
      const int32_t n = nout - base < CONV_BLOCK ? nout - base : CONV_BLOCK;
      int32_t *row0 = sums, *row1 = sums + CONV_BLOCK;
      if (j->acc) {
        row0 = j->acc + q * ops + base;
        if (two)
          row1 = row0 + ops;
      } else if (j->bias) {
        for (int32_t o = 0; o < n; ++o)
          row0[o] = row1[o] = j->bias[base + o];
      } else {
        for (int32_t o = 0; o < n; ++o)
          row0[o] = row1[o] = 0;
      }
      const int8_t *w = j->weights + base * wRow;
      for (int32_t sg = 0; sg < nseg; ++sg) {
        macRows(buf + sg * segStride, len >> 2, w + sg * wSeg, wRow, n, row0,
                row1);
        if (len & 3)
          macTails(buf + sg * segStride, len, w + sg * wSeg, wRow, n, row0,
                   row1);
      }
      if (j->acc)
        continue;
      int8_t *y0 = j->output + q * ops + base;
      if (!two)
        requantBlock(sums, 1, n, CONV_BLOCK, 0, j->multiplier + base,
                     j->shift + base, range, y0, ops);
      else if (range.full)
        requantTwo(sums, sums + CONV_BLOCK, n, j->multiplier + base,
                   j->shift + base, range, y0, y0 + ops, 1);
      else
        requantTwo(sums, sums + CONV_BLOCK, n, j->multiplier + base,
                   j->shift + base, range, y0, y0 + ops, 0);
    }
  }
}

/* Scratch layout: the pair buffer (4 bytes per window value, 4-byte
 * aligned), then the int8 staging of one window when it is used. */
static int32_t isSegmented(const pex_conv_params *p, int32_t cin) {
  return p->kernel_h * p->kernel_w > 1 && p->weight_in_stride != cin;
}

/* pex_conv_uses_stage (pex_kernels_abi.h) on the parameter block, spelt
 * so that the window set-up keeps its code. */
static int32_t usesStage(const pex_conv_params *p, int32_t cin) {
  return !isSegmented(p, cin) && p->kernel_h * p->kernel_w > 1 && (cin & 3);
}

/* The formula the compiler uses too (pex_kernels_abi.h). */
static int32_t convScratch(const pex_conv_params *p, int32_t cin) {
  return pex_conv_scratch_bytes(p->kernel_h, p->kernel_w, cin,
                                isSegmented(p, cin));
}

int32_t pex_conv2d_s8_scratch_bytes(const pex_conv_params *p) {
  return convScratch(p, p->in_c);
}

int32_t pex_conv2d_s8_consume_scratch_bytes(const pex_conv_params *p,
                                            int32_t k) {
  return convScratch(p, k);
}

static void initIm2col(Im2col *c, const pex_conv_params *p,
                       const int8_t *input, int32_t cin, void *scratch) {
  c->p = p;
  c->input = input;
  c->cin = cin;
  c->taps = p->kernel_h * p->kernel_w;
  c->segmented = isSegmented(p, cin);
  c->segLen = c->segmented ? cin : c->taps * cin;
  c->stage =
      usesStage(p, cin) ? (int8_t *)scratch + 4 * c->taps * cin : 0;
}

/* ---- Direct convolution of a few output channels -------------------------
 *
 * A producer slice of one or two output channels cannot spread the cost of
 * an im2col window over many channels: the stem of a MobileNet in slices of
 * one channel gathered its 27-value window once per slice and pixel, eight
 * times the whole convolution's instructions. When the input pixels are
 * dense (in_pixel_stride = in_c = Cw, no horizontal dilation) a kernel row
 * of a window is kw * in_c contiguous bytes, so the dot products read the
 * input in place: per four bytes LDR and SXTB16 x2, then per channel LDRD of
 * expanded weights and SMLAD x2. For windows inside the input the zero point
 * is folded into the bias (sum (x - zp) w = sum x w - zp sum w, wrapping like
 * the accumulator); border windows skip the taps outside and subtract the
 * zero point tap by tap. Channels go in pairs (a lone last one alone), the
 * pair's weights expanded into the scratch (at most 4 bytes per window
 * value, the im2col pair buffer's size); the sums of a block of pixels go
 * through the output stage channel by channel. The same code serves the
 * whole convolution when its input has fewer than four channels (the first
 * layer), where the im2col window needs a byte staging copy. */

/* Output pixels per block of sums of a channel pair (2 x 96 bytes of
 * stack, in convDirect's own frame: it is not inlined, so the other paths
 * of the convolution do not carry it; twice as many pixels for a lone
 * channel): the block's fixed cost (the run's dispatch, the output stage's
 * set-up) is spread over a row of a typical first layer in two or three
 * blocks. */
#define DIRECT_BLOCK 24

/* When the direct path beats im2col + the 2x2 micro-kernel (measured by
 * benchmarks/kernels/kernel_bench.py): one or two output channels (a
 * chain's narrow producer slice, which the compiler calls as a convolution
 * of k output channels); kxk convolutions whose input has fewer than four
 * channels (im2col stages every window byte by byte) when at least 15/16 of
 * the windows lie inside the input (a border window is staged once per
 * channel pair here, once per pixel there: im2col wins on ResNet-8's 32x32
 * first layer, 88% inside, and on DS-CNN's 10x4 one, 48%). */
static int32_t directApplies(const pex_conv_params *p, int32_t k) {
  const int32_t cin = p->in_c;
  if (p->dilation_w != 1 || p->in_pixel_stride != cin ||
      p->weight_in_stride != cin)
    return 0;
  if (k <= 2)
    return 1;
  int32_t yLo, yHi, xLo, xHi;
  insideRange(p->pad_top, p->stride_h, p->dilation_h, p->kernel_h, p->in_h,
              p->out_h, &yLo, &yHi);
  insideRange(p->pad_left, p->stride_w, 1, p->kernel_w, p->in_w, p->out_w,
              &xLo, &xHi);
  return (cin & 3) != 0 &&
         16 * (yHi - yLo) * (xHi - xLo) >= 15 * p->out_h * p->out_w;
}

/* The weights of one or two output channels (w1 NULL for one), `rows`
 * kernel rows of len values each, in the order the dot products read them:
 * per group of four values SXTB16 and SXTB16 ROR #8 of each channel's word,
 * then per remaining value one word (one channel: the value; two: the two
 * values as int16 lanes). */
static void expandDirect(const int8_t *w0, const int8_t *w1, int32_t rows,
                         int32_t len, uint32_t *dst) {
  for (int32_t r = 0; r < rows; ++r, w0 += len, w1 = w1 ? w1 + len : 0) {
    int32_t i = 0;
    for (; i + 4 <= len; i += 4) {
      const uint32_t a = pex_load32(w0 + i);
      *dst++ = pex_sxtb16(a);
      *dst++ = pex_sxtb16_ror8(a);
      if (w1) {
        const uint32_t b = pex_load32(w1 + i);
        *dst++ = pex_sxtb16(b);
        *dst++ = pex_sxtb16_ror8(b);
      }
    }
    for (; i < len; ++i)
      *dst++ = w1 ? pex_pack2(w0[i], w1[i]) : (uint32_t)(int32_t)w0[i];
  }
}

/* The generic instances of directRun cannot meet the unroll request
 * (their trip counts are not constants): the warning is expected there. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpass-failed"

/* `count` output pixels of one row, pixStep bytes apart, n (1 or 2)
 * channels: sums[q * n + i] = folded[i] + the dot products of the `rows`
 * rows of pixel q's window (x at the first pixel's top-left value, rowStep
 * bytes between rows) with the expanded weights. Always inlined so that the
 * dispatcher below can fix the shape and the compiler unrolls the window. */
static inline __attribute__((always_inline)) void
directRun(const int8_t *x, int32_t pixStep, int32_t rowStep, const uint32_t *w,
          const int32_t n, const int32_t rows, const int32_t groups,
          const int32_t tail, const int32_t *folded, int32_t count,
          int32_t *sums) {
  /* One channel: two pixels at a time share each weight load. */
  for (; n == 1 && count >= 2; count -= 2, x += 2 * pixStep, sums += 2) {
    int32_t s0 = folded[0], s1 = folded[0];
    const int8_t *xr = x;
    const uint32_t *wp = w;
#pragma clang loop unroll(full)
    for (int32_t r = 0; r < rows; ++r, xr += rowStep) {
      const int8_t *xp = xr;
#pragma clang loop unroll(full)
      for (int32_t g = 0; g < groups; ++g, xp += 4, wp += 2) {
        const uint32_t u = pex_load32(xp), v = pex_load32(xp + pixStep);
        s0 = pex_smlad(pex_sxtb16(u), wp[0], s0);
        s0 = pex_smlad(pex_sxtb16_ror8(u), wp[1], s0);
        s1 = pex_smlad(pex_sxtb16(v), wp[0], s1);
        s1 = pex_smlad(pex_sxtb16_ror8(v), wp[1], s1);
      }
#pragma clang loop unroll(full)
      for (int32_t t = 0; t < tail; ++t, ++wp, ++xp) {
        s0 = (int32_t)((uint32_t)s0 + (uint32_t)(xp[0] * (int32_t)*wp));
        s1 = (int32_t)((uint32_t)s1 + (uint32_t)(xp[pixStep] * (int32_t)*wp));
      }
    }
    sums[0] = s0;
    sums[1] = s1;
  }
  for (; count > 0; --count, x += pixStep, sums += n) {
    int32_t s0 = folded[0], s1 = n == 2 ? folded[1] : 0;
    const int8_t *xr = x;
    const uint32_t *wp = w;
#pragma clang loop unroll(full)
    for (int32_t r = 0; r < rows; ++r, xr += rowStep) {
      const int8_t *xp = xr;
#pragma clang loop unroll(full)
      for (int32_t g = 0; g < groups; ++g, xp += 4) {
        const uint32_t v = pex_load32(xp);
        const uint32_t a = pex_sxtb16(v), b = pex_sxtb16_ror8(v);
        s0 = pex_smlad(a, wp[0], s0);
        s0 = pex_smlad(b, wp[1], s0);
        if (n == 2) {
          s1 = pex_smlad(a, wp[2], s1);
          s1 = pex_smlad(b, wp[3], s1);
        }
        wp += 2 * n;
      }
#pragma clang loop unroll(full)
      for (int32_t t = 0; t < tail; ++t, ++wp) {
        const int32_t v = *xp++;
        if (n == 2) {
          s0 = pex_smlabb((uint32_t)v, *wp, s0);
          s1 = pex_smlabt((uint32_t)v, *wp, s1);
        } else {
          s0 = (int32_t)((uint32_t)s0 + (uint32_t)(v * (int32_t)*wp));
        }
      }
    }
    sums[0] = s0;
    if (n == 2)
      sums[1] = s1;
  }
}

/* directRun with the shape fixed for the first layer of RGB images (3x3
 * over 3 channels, the case that matters: MobileNet stems), generic
 * otherwise. */
static void directRunShape(const int8_t *x, int32_t pixStep, int32_t rowStep,
                           const uint32_t *w, int32_t n, int32_t rows,
                           int32_t len, const int32_t *folded, int32_t count,
                           int32_t *sums) {
#define PEX_DIRECT_SHAPE(N, ROWS, LEN)                                         \
  if (n == (N) && rows == (ROWS) && len == (LEN)) {                            \
    directRun(x, pixStep, rowStep, w, N, ROWS, (LEN) >> 2, (LEN) & 3, folded,  \
              count, sums);                                                    \
    return;                                                                    \
  }
  PEX_DIRECT_SHAPE(1, 3, 9)
  PEX_DIRECT_SHAPE(2, 3, 9)
#undef PEX_DIRECT_SHAPE
  if (n == 2)
    directRun(x, pixStep, rowStep, w, 2, rows, len >> 2, len & 3, folded,
              count, sums);
  else
    directRun(x, pixStep, rowStep, w, 1, rows, len >> 2, len & 3, folded,
              count, sums);
}
#pragma clang diagnostic pop

/* sum (x - zp) w over the taps of output pixel (oy, ox) inside the input,
 * w the channel's weights [kh][kw][in_c]. */
static int32_t borderDot(const pex_conv_params *p, const int8_t *input,
                         const int8_t *w, int32_t oy, int32_t ox) {
  const int32_t cin = p->in_c, kw = p->kernel_w, zp = p->input_zp;
  const int32_t iy0 = oy * p->stride_h - p->pad_top;
  const int32_t ix0 = ox * p->stride_w - p->pad_left;
  const int32_t kyHi = endTap(iy0, p->dilation_h, p->kernel_h, p->in_h);
  const int32_t kxLo = firstTap(ix0, 1), kxHi = endTap(ix0, 1, kw, p->in_w);
  uint32_t s = 0;
  for (int32_t ky = firstTap(iy0, p->dilation_h); ky < kyHi; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    const int8_t *x = input + (iy * p->in_w + ix0 + kxLo) * cin;
    const int8_t *wp = w + (ky * kw + kxLo) * cin;
    for (int32_t i = 0; i < (kxHi - kxLo) * cin; ++i)
      s += (uint32_t)((x[i] - zp) * wp[i]);
  }
  return (int32_t)s;
}

__attribute__((noinline)) static void
convDirect(const pex_conv_params *p, int32_t c0, int32_t k,
                       const int8_t *input, const int8_t *weights,
                       const int32_t *bias, const int32_t *multiplier,
                       const int8_t *shift, int8_t *output, void *scratch) {
  const int32_t cin = p->in_c, kh = p->kernel_h, len = p->kernel_w * cin;
  const int32_t wRow = kh * len;
  const int32_t rowStep = p->dilation_h * p->in_w * cin;
  const int32_t ops = p->out_pixel_stride;
  const OutRange range = outRange(p->output_zp, p->act_min, p->act_max);
  int32_t oyLo, oyHi, oxLo, oxHi;
  insideRange(p->pad_top, p->stride_h, p->dilation_h, kh, p->in_h, p->out_h,
              &oyLo, &oyHi);
  insideRange(p->pad_left, p->stride_w, 1, p->kernel_w, p->in_w, p->out_w,
              &oxLo, &oxHi);
  /* Border windows of a channel pair over fewer than four input channels
   * per pixel are staged (padding = zp, which the folded bias cancels) and
   * take the same dot products; otherwise (a lone channel: staging costs
   * more than it saves) the taps inside are summed one by one. */
  Im2col col;
  initIm2col(&col, p, input, cin, scratch);
  uint32_t *wexp = (uint32_t *)scratch;
  int32_t sums[2 * DIRECT_BLOCK];
  for (int32_t j = 0; j < k; j += 2) {
    const int32_t n = k - j >= 2 ? 2 : 1;
    const int8_t *w[2] = {weights + (c0 + j) * wRow,
                          weights + (c0 + j + n - 1) * wRow};
    expandDirect(w[0], n == 2 ? w[1] : 0, kh, len, wexp);
    int32_t b[2], folded[2];
    for (int32_t i = 0; i < n; ++i) {
      uint32_t wsum = 0;
      for (int32_t v = 0; v < wRow; ++v)
        wsum += (uint32_t)w[i][v];
      b[i] = bias ? bias[c0 + j + i] : 0;
      folded[i] = (int32_t)((uint32_t)b[i] - (uint32_t)p->input_zp * wsum);
    }
    /* Pixels per block: the sums of a lone channel fill the array. */
    const int32_t block = 2 * DIRECT_BLOCK / n;
    for (int32_t oy = 0; oy < p->out_h; ++oy) {
      const int32_t rowInside = oy >= oyLo && oy < oyHi;
      for (int32_t ox0 = 0; ox0 < p->out_w; ox0 += block) {
        const int32_t nb = p->out_w - ox0 < block ? p->out_w - ox0 : block;
        /* The block's pixels whose window lies inside the input form one
         * run [lo, hi); the others take the border path. */
        int32_t lo = ox0, hi = ox0;
        if (rowInside) {
          lo = ox0 > oxLo ? ox0 : oxLo;
          hi = ox0 + nb < oxHi ? ox0 + nb : oxHi;
          if (lo > hi)
            lo = hi = ox0;
        }
        if (hi > lo)
          directRunShape(input + ((oy * p->stride_h - p->pad_top) * p->in_w +
                                  lo * p->stride_w - p->pad_left) *
                                     cin,
                         p->stride_w * cin, rowStep, wexp, n, kh, len, folded,
                         hi - lo, sums + (lo - ox0) * n);
        for (int32_t ox = ox0; ox < ox0 + nb; ++ox) {
          if (ox == lo && hi > lo) {
            ox = hi - 1;
            continue;
          }
          if (col.stage && n == 2) {
            gatherWindow(&col, col.stage, oy, ox);
            directRunShape(col.stage, 0, len, wexp, n, kh, len, folded, 1,
                           sums + (ox - ox0) * n);
            continue;
          }
          for (int32_t i = 0; i < n; ++i)
            sums[(ox - ox0) * n + i] =
                (int32_t)((uint32_t)b[i] +
                          (uint32_t)borderDot(p, input, w[i], oy, ox));
        }
        int8_t *y = output + (oy * p->out_w + ox0) * ops + j;
        if (range.full)
          for (int32_t i = 0; i < n; ++i)
            requantRun(sums + i, n, nb, multiplier[c0 + j + i],
                       shift[c0 + j + i], range.zp, y + i, ops);
        else
          requantBlock(sums, nb, n, n, 0, multiplier + c0 + j, shift + c0 + j,
                       range, y, ops);
      }
    }
  }
}

void pex_conv2d_s8_produce(const pex_conv_params *p, int32_t c0, int32_t k,
                           const int8_t *input, const int8_t *weights,
                           const int32_t *bias, const int32_t *multiplier,
                           const int8_t *shift, int8_t *output,
                           void *scratch) {
  if (directApplies(p, k)) {
    convDirect(p, c0, k, input, weights, bias, multiplier, shift, output,
               scratch);
    return;
  }
  ConvJob j;
  j.p = p;
  initIm2col(&j.col, p, input, p->in_c, scratch);
  j.wRow = p->kernel_h * p->kernel_w * p->weight_in_stride;
  j.weights = weights + c0 * j.wRow;
  j.nout = k;
  j.bias = bias ? bias + c0 : 0;
  j.multiplier = multiplier + c0;
  j.shift = shift + c0;
  j.output = output;
  j.acc = 0;
  convRun(&j, scratch);
}

void pex_conv2d_s8(const pex_conv_params *p, const int8_t *input,
                   const int8_t *weights, const int32_t *bias,
                   const int32_t *multiplier, const int8_t *shift,
                   int8_t *output, void *scratch) {
  pex_conv2d_s8_produce(p, 0, p->out_c, input, weights, bias, multiplier,
                        shift, output, scratch);
}

void pex_conv2d_s8_consume(const pex_conv_params *p, int32_t c0, int32_t k,
                           const int8_t *input, const int8_t *weights,
                           int32_t *acc, void *scratch) {
  ConvJob j;
  j.p = p;
  initIm2col(&j.col, p, input, k, scratch);
  j.wRow = p->kernel_h * p->kernel_w * p->weight_in_stride;
  j.weights = weights + c0;
  j.nout = p->out_c;
  j.bias = 0;
  j.multiplier = 0;
  j.shift = 0;
  j.output = 0;
  j.acc = acc;
  convRun(&j, scratch);
}

/* ---- Finish ------------------------------------------------------------ */

void pex_requantize_s32_s8(const int32_t *acc, int32_t pixels,
                           int32_t channels, int32_t acc_pixel_stride,
                           const int32_t *bias, const int32_t *multiplier,
                           const int8_t *shift, int32_t output_zp,
                           int32_t act_min, int32_t act_max, int8_t *output,
                           int32_t out_pixel_stride) {
  requantBlock(acc, pixels, channels, acc_pixel_stride, bias, multiplier,
               shift, outRange(output_zp, act_min, act_max), output,
               out_pixel_stride);
}

/* ---- Depthwise convolution ----------------------------------------------
 *
 * Four channels at a time, channel group by channel group: the group's
 * weights are expanded once into int16 lanes on the stack (SXTB16), then for
 * every output pixel each tap costs one word of input, SXTAB16 x2
 * (subtracting the zero point), LDRD of the weights and SMLABB/SMLATT x4.
 * Taps outside the input are skipped: padding contributes (zp - zp) * w = 0.
 * 3x3 kernels with full-range outputs and shifts >= 32 (the usual case) run
 * the interior of each row through dwRow3x3 and the border pixels one by
 * one; otherwise sums go to blocks of DW_BLOCK pixels on the stack and
 * through the output stage channel by channel. The channels after the last
 * group of four, and kernels of more than DW_MAX_TAPS taps, take a plain
 * loop. */

#define DW_MAX_TAPS 25
#define DW_BLOCK 8 /* output pixels per block of sums (128 bytes of stack) */

/* A run of `count` output pixels (pixStep bytes apart) of one channel
 * whose 3x3 windows lie inside the input, weights w[9] and the bias with
 * the zero point folded in: sums[q] = folded + sum x w. */
__attribute__((noinline)) static void
dwNarrowRun3x3(const int8_t *x, int32_t xStep, int32_t yStep, int32_t pixStep,
               const int32_t *w, int32_t folded, int32_t count,
               int32_t *sums) {
  const int32_t w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4];
  const int32_t w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8];
  for (; count > 0; --count, x += pixStep) {
    const int8_t *r1 = x + yStep, *r2 = r1 + yStep;
    uint32_t acc = (uint32_t)folded;
    acc += (uint32_t)(x[0] * w0 + x[xStep] * w1 + x[2 * xStep] * w2);
    acc += (uint32_t)(r1[0] * w3 + r1[xStep] * w4 + r1[2 * xStep] * w5);
    acc += (uint32_t)(r2[0] * w6 + r2[xStep] * w7 + r2[2 * xStep] * w8);
    *sums++ = (int32_t)acc;
  }
}

/* The same for a dense single channel (a slice buffer of one channel):
 * a window row is three consecutive bytes, read as one word whose SXTB16
 * lanes (x0, x2) meet the packed weights (w0, w2) in SMLAD and whose
 * SXTB16 ROR #8 lane x1 meets w1 in SMLABB. The word's fourth byte is the
 * next pixel's, so the caller keeps the last word inside the input. */
__attribute__((noinline)) static void
dwNarrowRunDense3x3(const int8_t *x, int32_t yStep, int32_t pixStep,
                    const int32_t *w, int32_t folded, int32_t count,
                    int32_t *sums) {
  const uint32_t a0 = pex_pack2(w[0], w[2]), b0 = (uint32_t)w[1];
  const uint32_t a1 = pex_pack2(w[3], w[5]), b1 = (uint32_t)w[4];
  const uint32_t a2 = pex_pack2(w[6], w[8]), b2 = (uint32_t)w[7];
  for (; count > 0; --count, x += pixStep) {
    const uint32_t v0 = pex_load32(x), v1 = pex_load32(x + yStep);
    const uint32_t v2 = pex_load32(x + 2 * yStep);
    int32_t acc = folded;
    acc = pex_smlad(pex_sxtb16(v0), a0, acc);
    acc = pex_smlabb(pex_sxtb16_ror8(v0), b0, acc);
    acc = pex_smlad(pex_sxtb16(v1), a1, acc);
    acc = pex_smlabb(pex_sxtb16_ror8(v1), b1, acc);
    acc = pex_smlad(pex_sxtb16(v2), a2, acc);
    acc = pex_smlabb(pex_sxtb16_ror8(v2), b2, acc);
    *sums++ = acc;
  }
}

/* The output stage of shifts >= 32 (every TFLite multiplier below one),
 * full range, its parameters resolved once per channel. */
typedef struct {
  int64_t round;
  int32_t m, post, zp;
} RqFull;

static inline int8_t rqFull(int32_t x, const RqFull *q) {
  const int64_t v =
      q->round + (int64_t)x * q->m - ((int64_t)((uint32_t)x >> 31) << 31);
  return (int8_t)outClamp((int32_t)(v >> 32) >> q->post,
                          (OutRange){q->zp, -128, 127, 1}, 1);
}

/* 2 * pairs output pixels of a dense single channel, stride 1, windows
 * inside the input, shift >= 32 and full range, with the output stage fused:
 * pixels x and x + 1 share each window row's word (x0 x1 x2 x3): pixel 0
 * is (x0, x2).(w0, w2) + x1 w1, pixel 1 is (x1, x3).(w0, w2) + x2 w1, so a
 * row costs LDR, SXTB16 x2 and four multiply-accumulates for both, and the
 * word ends at pixel 1's last value. */
typedef struct {
  const int8_t *x;       /* 0: top-left of pixel 0's window */
  int32_t yStep;         /* 4 */
  int8_t *out;           /* 8 */
  int32_t ops;           /* 12 */
  int32_t pairs;         /* 16: >= 1 */
  int32_t folded[2];     /* 20: the bias with the zero point folded, twice */
  uint32_t w[6];         /* 28: per row (w0, w2) and (w1, w1) as int16 lanes */
  int32_t roundLo, roundHi, m, post, zp; /* 52: the output stage */
} DwPairJob;

#if PEX_DSP_ACLE
_Static_assert(__builtin_offsetof(DwPairJob, roundLo) == 52 &&
                   sizeof(DwPairJob) == 72,
               "dwNarrowPairs's assembly reads DwPairJob at fixed offsets");

__attribute__((naked, noinline)) static void
dwNarrowPairs(const DwPairJob *job) {
  __asm volatile(
      "push    {r4-r11, lr}\n\t"
      "ldm     r0, {r1, r2, r3, r4, lr}\n"
      "1:\n\t"
#define PEX_DW_PAIR_ROW(LOAD, W)                                               \
  LOAD "\n\t"                                                                  \
       "ldrd    r8, r9, [r0, #" W "]\n\t"                                      \
       "sxtb16  r10, r5\n\t"                                                   \
       "sxtb16  r5, r5, ror #8\n\t"                                            \
       "smlad   r6, r10, r8, r6\n\t"                                           \
       "smlabb  r6, r5, r9, r6\n\t"                                            \
       "smlad   r7, r5, r8, r7\n\t"                                            \
       "smlatt  r7, r10, r9, r7\n\t"
      "ldrd    r6, r7, [r0, #20]\n\t"
      PEX_DW_PAIR_ROW("ldr     r5, [r1]", "28")
      PEX_DW_PAIR_ROW("ldr     r5, [r1, r2]", "36")
      PEX_DW_PAIR_ROW("ldr     r5, [r1, r2, lsl #1]", "44")
#undef PEX_DW_PAIR_ROW
      /* round + s * m + (s >>> 31) * -2^31 for both sums */
      "ldrd    r8, r9, [r0, #52]\n\t"
      "ldr     r10, [r0, #60]\n\t"
      "mov     r11, #0x80000000\n\t"
      "smlal   r8, r9, r6, r10\n\t"
      "lsr     r6, r6, #31\n\t"
      "smlal   r8, r9, r6, r11\n\t"
      "ldrd    r6, r12, [r0, #52]\n\t"
      "smlal   r6, r12, r7, r10\n\t"
      "lsr     r7, r7, #31\n\t"
      "smlal   r6, r12, r7, r11\n\t"
      "ldrd    r10, r11, [r0, #64]\n\t"
      "asr     r9, r9, r10\n\t"
      "asr     r12, r12, r10\n\t"
      "add     r9, r9, r11\n\t"
      "add     r12, r12, r11\n\t"
      "ssat    r9, #8, r9\n\t"
      "ssat    r12, #8, r12\n\t"
      "strb    r9, [r3]\n\t"
      "strb    r12, [r3, r4]\n\t"
      "add     r3, r3, r4, lsl #1\n\t"
      "adds    r1, r1, #2\n\t"
      "subs    lr, lr, #1\n\t"
      "bne     1b\n\t"
      "pop     {r4-r11, pc}\n\t");
}
#else
static void dwNarrowPairs(const DwPairJob *j) {
  const RqFull rq = {(int64_t)(((uint64_t)(uint32_t)j->roundHi << 32) |
                               (uint32_t)j->roundLo),
                     j->m, j->post, j->zp};
  const int8_t *x = j->x;
  int8_t *out = j->out;
  for (int32_t n = j->pairs; n > 0; --n, x += 2, out += 2 * j->ops) {
    int32_t s0 = j->folded[0], s1 = j->folded[1];
    for (int32_t r = 0; r < 3; ++r) {
      const uint32_t v = pex_load32(x + r * j->yStep);
      const uint32_t e = pex_sxtb16(v), o = pex_sxtb16_ror8(v);
      s0 = pex_smlabb(o, j->w[2 * r + 1], pex_smlad(e, j->w[2 * r], s0));
      s1 = pex_smlatt(e, j->w[2 * r + 1], pex_smlad(o, j->w[2 * r], s1));
    }
    out[0] = rqFull(s0, &rq);
    out[j->ops] = rqFull(s1, &rq);
  }
}
#endif

/* The sum of output pixel (oy, ox) of channel c, weights w[kh * kw]: the
 * zero point folded into the bias when the window lies inside the input,
 * subtracted tap by tap otherwise (taps outside skipped). */
static int32_t dwNarrowWindow(const pex_conv_params *p, const int8_t *input,
                              const int32_t *w, int32_t b, int32_t folded,
                              int32_t c, int32_t oy, int32_t ox) {
  const int32_t kh = p->kernel_h, kw = p->kernel_w, ips = p->in_pixel_stride;
  const int32_t dh = p->dilation_h, dw = p->dilation_w;
  const int32_t xStep = dw * ips, yStep = dh * p->in_w * ips;
  const int32_t iy0 = oy * p->stride_h - p->pad_top;
  const int32_t ix0 = ox * p->stride_w - p->pad_left;
  const int32_t kyLo = firstTap(iy0, dh), kyHi = endTap(iy0, dh, kh, p->in_h);
  const int32_t kxLo = firstTap(ix0, dw), kxHi = endTap(ix0, dw, kw, p->in_w);
  const int32_t inside = kyHi - kyLo == kh && kxHi - kxLo == kw;
  uint32_t acc = (uint32_t)(inside ? folded : b);
  const int32_t sub = inside ? 0 : p->input_zp;
  const int8_t *xr =
      input + ((iy0 + kyLo * dh) * p->in_w + ix0 + kxLo * dw) * ips + c;
  const int32_t *wr = w + kyLo * kw + kxLo;
  for (int32_t ky = kyLo; ky < kyHi; ++ky, xr += yStep, wr += kw) {
    const int8_t *xp = xr;
    for (int32_t kx = 0; kx < kxHi - kxLo; ++kx, xp += xStep)
      acc += (uint32_t)((*xp - sub) * wr[kx]);
  }
  return (int32_t)acc;
}

/* Channels [c0, c1) one at a time, when they do not fill a group of four
 * (a chain's slice of one to three channels): for windows inside the input
 * the zero point is folded into the bias (sum (x - zp) w = sum x w - zp sum
 * w, wrapping like the accumulator) and 3x3 runs take the functions above;
 * border windows skip the taps outside. Sums of a block of pixels go
 * through the output stage together. */
/* Not inlined: the four-channel loop of the caller keeps its registers. */
__attribute__((noinline)) static void
depthwiseNarrow(const pex_conv_params *p, int32_t c0, int32_t c1,
                const int8_t *input, const int8_t *weights, const int32_t *bias,
                const int32_t *multiplier, const int8_t *shift,
                int8_t *output) {
  const int32_t kh = p->kernel_h, kw = p->kernel_w, taps = kh * kw;
  const int32_t ips = p->in_pixel_stride, zp = p->input_zp;
  const int32_t dh = p->dilation_h, dw = p->dilation_w;
  const int32_t xStep = dw * ips, yStep = dh * p->in_w * ips;
  const int32_t pixStep = p->stride_w * ips;
  const int32_t fast3x3 = kh == 3 && kw == 3;
  const int32_t dense = fast3x3 && xStep == 1;
  /* One past the last byte a dense run may read. */
  const int8_t *inputEnd = input + p->in_h * p->in_w * ips;
  const OutRange range = outRange(p->output_zp, p->act_min, p->act_max);
  int32_t oyLo, oyHi, oxLo, oxHi;
  insideRange(p->pad_top, p->stride_h, dh, kh, p->in_h, p->out_h, &oyLo,
              &oyHi);
  insideRange(p->pad_left, p->stride_w, dw, kw, p->in_w, p->out_w, &oxLo,
              &oxHi);
  int32_t sums[4 * DW_BLOCK];
  for (int32_t c = c0; c < c1; ++c) {
    int32_t w[DW_MAX_TAPS];
    uint32_t wsum = 0;
    for (int32_t t = 0; t < taps; ++t) {
      w[t] = weights[t * p->weight_in_stride + c];
      wsum += (uint32_t)w[t];
    }
    const int32_t b = bias ? bias[c] : 0;
    const int32_t folded = (int32_t)((uint32_t)b - (uint32_t)zp * wsum);
    /* Pairs of a dense stride-1 run with the output stage fused. */
    const int32_t pairDense = dense && p->stride_w == 1 && range.full &&
                              shift[c] >= 32;
    if (pairDense) {
      DwPairJob job;
      const int64_t round = rqTable[shift[c]].round;
      job.yStep = yStep;
      job.ops = p->out_pixel_stride;
      job.folded[0] = job.folded[1] = folded;
      for (int32_t r = 0; r < 3; ++r) {
        job.w[2 * r] = pex_pack2(w[3 * r], w[3 * r + 2]);
        job.w[2 * r + 1] = pex_pack2(w[3 * r + 1], w[3 * r + 1]);
      }
      job.roundLo = (int32_t)(uint32_t)round;
      job.roundHi = (int32_t)(round >> 32);
      job.m = multiplier[c];
      job.post = shift[c] - 32;
      job.zp = range.zp;
      const RqFull rq = {round, job.m, job.post, job.zp};
      /* Per row the pairs of the interior run, then every other pixel
       * (borders, an odd last one) window by window. */
      for (int32_t oy = 0; oy < p->out_h; ++oy) {
        int8_t *y = output + oy * p->out_w * job.ops + c;
        int32_t lo = 0, hi = 0;
        if (oy >= oyLo && oy < oyHi && oxHi > oxLo) {
          const int32_t iy0 = oy * p->stride_h - p->pad_top;
          job.x = input + (iy0 * p->in_w + oxLo - p->pad_left) * ips + c;
          /* A pair's word ends at its second pixel's last value: no read
           * past the input. */
          job.pairs = (oxHi - oxLo) >> 1;
          job.out = y + oxLo * job.ops;
          if (job.pairs)
            dwNarrowPairs(&job);
          lo = oxLo;
          hi = oxLo + 2 * job.pairs;
        }
        for (int32_t ox = 0; ox < p->out_w; ++ox) {
          if (ox == lo && hi > lo)
            ox = hi;
          if (ox < p->out_w)
            y[ox * job.ops] = rqFull(
                dwNarrowWindow(p, input, w, b, folded, c, oy, ox), &rq);
        }
      }
      continue;
    }
    for (int32_t oy = 0; oy < p->out_h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      const int32_t rowInside = oy >= oyLo && oy < oyHi;
      for (int32_t ox0 = 0; ox0 < p->out_w; ox0 += 4 * DW_BLOCK) {
        const int32_t n =
            p->out_w - ox0 < 4 * DW_BLOCK ? p->out_w - ox0 : 4 * DW_BLOCK;
        int32_t lo = ox0, hi = ox0;
        if (rowInside && fast3x3) {
          lo = ox0 > oxLo ? ox0 : oxLo;
          hi = ox0 + n < oxHi ? ox0 + n : oxHi;
          if (lo > hi)
            lo = hi = ox0;
        }
        if (hi > lo) {
          const int8_t *x =
              input +
              (iy0 * p->in_w + lo * p->stride_w - p->pad_left) * ips + c;
          int32_t run = hi - lo, denseRun = 0;
          if (dense) {
            /* The last row's word of the run's last pixel ends inside. */
            denseRun = run;
            while (denseRun > 0 &&
                   x + (denseRun - 1) * pixStep + 2 * yStep + 4 > inputEnd)
              --denseRun;
            dwNarrowRunDense3x3(x, yStep, pixStep, w, folded, denseRun,
                                sums + (lo - ox0));
          }
          dwNarrowRun3x3(x + denseRun * pixStep, xStep, yStep, pixStep, w,
                         folded, run - denseRun, sums + (lo - ox0) + denseRun);
        }
        for (int32_t ox = ox0; ox < ox0 + n; ++ox) {
          if (ox == lo && hi > lo) {
            ox = hi - 1;
            continue;
          }
          sums[ox - ox0] =
              dwNarrowWindow(p, input, w, b, folded, c, oy, ox);
        }
        int8_t *y = output + (oy * p->out_w + ox0) * p->out_pixel_stride + c;
        if (range.full)
          requantRun(sums, 1, n, multiplier[c], shift[c], range.zp, y,
                     p->out_pixel_stride);
        else
          requantBlock(sums, n, 1, 1, 0, multiplier + c, shift + c, range, y,
                       p->out_pixel_stride);
      }
    }
  }
}

static void depthwiseGeneric(const pex_conv_params *p, int32_t c0, int32_t c1,
                             const int8_t *input, const int8_t *weights,
                             const int32_t *bias, const int32_t *multiplier,
                             const int8_t *shift, int8_t *output) {
  const OutRange range = outRange(p->output_zp, p->act_min, p->act_max);
  for (int32_t oy = 0; oy < p->out_h; ++oy) {
    const int32_t iy0 = oy * p->stride_h - p->pad_top;
    const int32_t kyLo = firstTap(iy0, p->dilation_h);
    const int32_t kyHi = endTap(iy0, p->dilation_h, p->kernel_h, p->in_h);
    for (int32_t ox = 0; ox < p->out_w; ++ox) {
      const int32_t ix0 = ox * p->stride_w - p->pad_left;
      const int32_t kxLo = firstTap(ix0, p->dilation_w);
      const int32_t kxHi = endTap(ix0, p->dilation_w, p->kernel_w, p->in_w);
      for (int32_t c = c0; c < c1; ++c) {
        uint32_t s = bias ? (uint32_t)bias[c] : 0;
        for (int32_t ky = kyLo; ky < kyHi; ++ky)
          for (int32_t kx = kxLo; kx < kxHi; ++kx) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            const int32_t ix = ix0 + kx * p->dilation_w;
            s += (uint32_t)((input[(iy * p->in_w + ix) * p->in_pixel_stride + c] -
                             p->input_zp) *
                            weights[(ky * p->kernel_w + kx) * p->weight_in_stride + c]);
          }
        output[(oy * p->out_w + ox) * p->out_pixel_stride + c] =
            rqOut((int32_t)s, multiplier[c], &rqTable[shift[c]], range);
      }
    }
  }
}

/* Four channels of one output pixel whose 3x3 window lies inside the input:
 * x points at the window's top-left tap, xStep and yStep step a tap right
 * and down, wexp holds the expanded weights of the nine taps. Fully
 * unrolled: per tap LDR (register offset), SXTAB16 x2, LDRD, SMLAxy x4. */
static inline __attribute__((always_inline)) void dw3x3Interior(const int8_t *x, int32_t xStep, int32_t yStep,
                                 const uint32_t *wexp, uint32_t nzp2,
                                 int32_t *s) {
  int32_t s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
#define PEX_DW_TAP(addr, t)                                                    \
  do {                                                                         \
    const uint32_t v = pex_load32(addr);                                       \
    const uint32_t xa = pex_sxtab16(nzp2, v), xb = pex_sxtab16_ror8(nzp2, v);  \
    s0 = pex_smlabb(xa, wexp[2 * (t)], s0);                                    \
    s2 = pex_smlatt(xa, wexp[2 * (t)], s2);                                    \
    s1 = pex_smlabb(xb, wexp[2 * (t) + 1], s1);                                \
    s3 = pex_smlatt(xb, wexp[2 * (t) + 1], s3);                                \
  } while (0)
  PEX_DW_TAP(x, 0);
  PEX_DW_TAP(x + xStep, 1);
  PEX_DW_TAP(x + 2 * xStep, 2);
  x += yStep;
  PEX_DW_TAP(x, 3);
  PEX_DW_TAP(x + xStep, 4);
  PEX_DW_TAP(x + 2 * xStep, 5);
  x += yStep;
  PEX_DW_TAP(x, 6);
  PEX_DW_TAP(x + xStep, 7);
  PEX_DW_TAP(x + 2 * xStep, 8);
#undef PEX_DW_TAP
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
}

/* One tap of four channels: x - zp (SXTAB16) times the expanded weights. */
#define PEX_DW_TAP4(addr, wp)                                                  \
  do {                                                                         \
    const uint32_t v_ = pex_load32(addr);                                      \
    const uint32_t xa_ = pex_sxtab16(nzp2, v_);                                \
    const uint32_t xb_ = pex_sxtab16_ror8(nzp2, v_);                           \
    s0 = pex_smlabb(xa_, (wp)[0], s0);                                         \
    s2 = pex_smlatt(xa_, (wp)[0], s2);                                         \
    s1 = pex_smlabb(xb_, (wp)[1], s1);                                         \
    s3 = pex_smlatt(xb_, (wp)[1], s3);                                         \
  } while (0)

/* Four channels of one output pixel, any window: taps [kyLo, kyLo + nky) x
 * [kxLo, kxLo + nkx) of the kernel, x pointing at tap (kyLo, kxLo) and
 * wexp at its weights. Rows of two or three taps (the borders of 3x3
 * kernels) are unrolled. */
static void dwWindow(const int8_t *x, int32_t xStep, int32_t yStep,
                     const uint32_t *wexp, int32_t kw, int32_t nky,
                     int32_t nkx, uint32_t nzp2, int32_t *s) {
  int32_t s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
  if (nkx == 3) {
    for (int32_t ky = nky; ky > 0; --ky, x += yStep, wexp += 2 * kw) {
      PEX_DW_TAP4(x, wexp);
      PEX_DW_TAP4(x + xStep, wexp + 2);
      PEX_DW_TAP4(x + 2 * xStep, wexp + 4);
    }
  } else if (nkx == 2) {
    for (int32_t ky = nky; ky > 0; --ky, x += yStep, wexp += 2 * kw) {
      PEX_DW_TAP4(x, wexp);
      PEX_DW_TAP4(x + xStep, wexp + 2);
    }
  } else {
    for (int32_t ky = nky; ky > 0; --ky, x += yStep, wexp += 2 * kw) {
      const int8_t *xp = x;
      const uint32_t *wp = wexp;
#pragma clang loop unroll(disable)
      for (int32_t kx = nkx; kx > 0; --kx, xp += xStep, wp += 2)
        PEX_DW_TAP4(xp, wp);
    }
  }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
}

#if PEX_DSP_ACLE
/* A run of output pixels of one row whose 3x3 windows lie inside the input,
 * four channels, shifts of 32 or more and full-range output: the nine taps
 * and the output stage of the four sums per pixel, in registers. */
typedef struct {
  const int8_t *x;       /* 0: tap (0, 0) of the first pixel's window, channel c */
  int32_t xs, ys;        /* 4, 8: one tap right, one tap down (bytes) */
  const uint32_t *wexp;  /* 12: the nine taps' expanded weights */
  uint32_t nzp2;         /* 16 */
  int32_t bias[4];       /* 20 */
  int32_t rq[16];        /* 36: per channel round lo, round hi, multiplier, shift - 32 */
  int8_t *out;           /* 100 */
  int32_t ops;           /* 104 */
  int32_t zp;            /* 108 */
  int32_t pixStep;       /* 112: from one pixel's window to the next (bytes) */
  int32_t count;         /* 116: >= 1 */
} DwJob;

_Static_assert(__builtin_offsetof(DwJob, count) == 116, "dwRow3x3 offsets");

#define PEX_DW_ASM_TAP(load, off)                                              \
  load "\n\t"                                                                  \
  "sxtab16 r10, r5, r0\n\t"                                                    \
  "sxtab16 r11, r5, r0, ror #8\n\t"                                            \
  "ldrd    r12, lr, [r4, #" off "]\n\t"                                        \
  "smlabb  r6, r10, r12, r6\n\t"                                               \
  "smlatt  r8, r10, r12, r8\n\t"                                               \
  "smlabb  r7, r11, lr, r7\n\t"                                                \
  "smlatt  r9, r11, lr, r9\n\t"
#define PEX_DW_ASM_ROW(o0, o1, o2)                                             \
  PEX_DW_ASM_TAP("ldr     r0, [r1]", o0)                                       \
  PEX_DW_ASM_TAP("ldr     r0, [r1, r2]", o1)                                   \
  PEX_DW_ASM_TAP("ldr     r0, [r1, r2, lsl #1]", o2)                           \
  "add     r1, r1, r3\n\t"
#define PEX_DW_ASM_OUT(sum, byte)                                              \
  "ldm     r4!, {r10, r11, r12, lr}\n\t"                                       \
  "smlal   r10, r11, " sum ", r12\n\t"                                         \
  "lsr     " sum ", " sum ", #31\n\t"                                          \
  "smlal   r10, r11, " sum ", r3\n\t"                                          \
  "asr     r11, r11, lr\n\t"                                                   \
  "add     r11, r11, r2\n\t"                                                   \
  "ssat    r11, #8, r11\n\t"                                                   \
  "strb    r11, [r1, #" byte "]\n\t"

__attribute__((naked, noinline)) static void dwRow3x3(DwJob *job) {
  __asm volatile("push    {r4-r11, lr}\n\t"
                 "sub     sp, #4\n\t"
                 "str     r0, [sp]\n"
                 "2:\n\t"
                 "ldr     r0, [sp]\n\t"
                 "ldr     r1, [r0]\n\t"
                 "ldrd    r2, r3, [r0, #4]\n\t"
                 "ldrd    r4, r5, [r0, #12]\n\t"
                 "add     r0, r0, #20\n\t"
                 "ldm     r0, {r6, r7, r8, r9}\n\t"
                 PEX_DW_ASM_ROW("0", "8", "16")
                 PEX_DW_ASM_ROW("24", "32", "40")
                 PEX_DW_ASM_ROW("48", "56", "64")
                 "ldr     r0, [sp]\n\t"
                 "ldr     r1, [r0, #100]\n\t"
                 "ldr     r2, [r0, #108]\n\t"
                 "mov     r3, #0x80000000\n\t"
                 "add     r4, r0, #36\n\t"
                 PEX_DW_ASM_OUT("r6", "0")
                 PEX_DW_ASM_OUT("r7", "1")
                 PEX_DW_ASM_OUT("r8", "2")
                 PEX_DW_ASM_OUT("r9", "3")
                 "ldr     r5, [r0, #104]\n\t"
                 "add     r1, r1, r5\n\t"
                 "str     r1, [r0, #100]\n\t"
                 "ldr     r1, [r0]\n\t"
                 "ldr     r5, [r0, #112]\n\t"
                 "add     r1, r1, r5\n\t"
                 "str     r1, [r0]\n\t"
                 "ldr     r1, [r0, #116]\n\t"
                 "subs    r1, r1, #1\n\t"
                 "str     r1, [r0, #116]\n\t"
                 "bne     2b\n\t"
                 "add     sp, #4\n\t"
                 "pop     {r4-r11, pc}\n\t");
}
/* The output stage of four channels of one pixel with DwJob's resolved
 * parameters (shifts >= 32, full range). */
static inline void dwOut4(const int32_t *sum, const int32_t *rq, int32_t zp,
                          int8_t *y) {
  for (int32_t j = 0; j < 4; ++j, rq += 4) {
    const int32_t x = sum[j];
    const int64_t round = (int64_t)(((uint64_t)(uint32_t)rq[1] << 32) | (uint32_t)rq[0]);
    const int64_t v = round + (int64_t)x * rq[2] - ((int64_t)((uint32_t)x >> 31) << 31);
    y[j] = (int8_t)__ssat(((int32_t)(v >> 32) >> rq[3]) + zp, 8);
  }
}

#undef PEX_DW_ASM_TAP
#undef PEX_DW_ASM_ROW
#undef PEX_DW_ASM_OUT
#endif

void pex_depthwise_conv2d_s8(const pex_conv_params *p, const int8_t *input,
                             const int8_t *weights, const int32_t *bias,
                             const int32_t *multiplier, const int8_t *shift,
                             int8_t *output) {
  const int32_t channels = p->in_c, ips = p->in_pixel_stride;
  const int32_t ops = p->out_pixel_stride, wts = p->weight_in_stride;
  const int32_t kh = p->kernel_h, kw = p->kernel_w, taps = kh * kw;
  const int32_t sw = p->stride_w, dw = p->dilation_w, dh = p->dilation_h;
  const uint32_t nzp2 = negZeroPoint2(p->input_zp);
  const OutRange range = outRange(p->output_zp, p->act_min, p->act_max);
  const int32_t xStep = dw * ips, yStep = dh * p->in_w * ips;
  /* Output columns whose window lies inside the input horizontally. */
  int32_t oxLo, oxHi;
  insideRange(p->pad_left, sw, dw, kw, p->in_w, p->out_w, &oxLo, &oxHi);
  const int32_t fast3x3 = kh == 3 && kw == 3;
  int32_t c = 0;
  if (taps <= DW_MAX_TAPS) {
    uint32_t wexp[2 * DW_MAX_TAPS];
    int32_t sums[4 * DW_BLOCK];
    for (; c + 4 <= channels; c += 4) {
      for (int32_t t = 0; t < taps; ++t) {
        const uint32_t v = pex_load32(weights + t * wts + c);
        wexp[2 * t] = pex_sxtb16(v);
        wexp[2 * t + 1] = pex_sxtb16_ror8(v);
      }
      int32_t b[4] = {0, 0, 0, 0};
      if (bias) {
        b[0] = bias[c];
        b[1] = bias[c + 1];
        b[2] = bias[c + 2];
        b[3] = bias[c + 3];
      }
#if PEX_DSP_ACLE
      /* The assembly row path: 3x3, full-range output, every shift of the
       * group >= 32 (then the rounding term is the table's and the sign
       * multiplier -2^31). */
      int32_t rowAsm = fast3x3 && range.full && oxHi > oxLo;
      DwJob job;
      if (rowAsm) {
        job.xs = xStep;
        job.ys = yStep;
        job.wexp = wexp;
        job.nzp2 = nzp2;
        job.ops = ops;
        job.zp = range.zp;
        job.pixStep = sw * ips;
        for (int32_t j = 0; j < 4; ++j) {
          const int32_t sh = shift[c + j];
          job.bias[j] = b[j];
          job.rq[4 * j] = (int32_t)(uint32_t)rqTable[sh & 63].round;
          job.rq[4 * j + 1] = (int32_t)(rqTable[sh & 63].round >> 32);
          job.rq[4 * j + 2] = multiplier[c + j];
          job.rq[4 * j + 3] = sh - 32;
          rowAsm &= sh >= 32;
        }
      }
#endif
      for (int32_t oy = 0; oy < p->out_h; ++oy) {
        const int32_t iy0 = oy * p->stride_h - p->pad_top;
        const int32_t kyLo = firstTap(iy0, dh);
        const int32_t nky = endTap(iy0, dh, kh, p->in_h) - kyLo;
        const int8_t *xrow = input + (iy0 + kyLo * dh) * p->in_w * ips + c;
        const int32_t rowFull = nky == kh;
#if PEX_DSP_ACLE
        if (rowAsm) {
          /* The run of interior pixels through the assembly, the others
           * pixel by pixel with the same resolved parameters. */
          int32_t runLo = p->out_w, runHi = p->out_w;
          if (rowFull) {
            job.x = xrow + (oxLo * sw - p->pad_left) * ips;
            job.out = output + (oy * p->out_w + oxLo) * ops + c;
            job.count = oxHi - oxLo;
            dwRow3x3(&job);
            runLo = oxLo;
            runHi = oxHi;
          }
          for (int32_t ox = 0; ox < p->out_w; ++ox) {
            if (ox == runLo) {
              ox = runHi - 1;
              continue;
            }
            const int32_t ix0 = ox * sw - p->pad_left;
            const int32_t kxLo = firstTap(ix0, dw);
            const int32_t nkx = endTap(ix0, dw, kw, p->in_w) - kxLo;
            int32_t sum[4] = {b[0], b[1], b[2], b[3]};
            if (nky > 0 && nkx > 0)
              dwWindow(xrow + (ix0 + kxLo * dw) * ips, xStep, yStep,
                       wexp + 2 * (kyLo * kw + kxLo), kw, nky, nkx, nzp2,
                       sum);
            dwOut4(sum, job.rq, range.zp,
                   output + (oy * p->out_w + ox) * ops + c);
          }
          continue;
        }
#endif
        for (int32_t ox0 = 0; ox0 < p->out_w; ox0 += DW_BLOCK) {
          const int32_t n =
              p->out_w - ox0 < DW_BLOCK ? p->out_w - ox0 : DW_BLOCK;
          int32_t *sum = sums;
          for (int32_t ox = ox0; ox < ox0 + n; ++ox, sum += 4) {
            const int32_t ix0 = ox * sw - p->pad_left;
            sum[0] = b[0];
            sum[1] = b[1];
            sum[2] = b[2];
            sum[3] = b[3];
            if (rowFull && fast3x3 && ox >= oxLo && ox < oxHi) {
              dw3x3Interior(xrow + ix0 * ips, xStep, yStep, wexp, nzp2, sum);
              continue;
            }
            const int32_t kxLo = firstTap(ix0, dw);
            const int32_t nkx = endTap(ix0, dw, kw, p->in_w) - kxLo;
            if (nky > 0 && nkx > 0)
              dwWindow(xrow + (ix0 + kxLo * dw) * ips, xStep, yStep,
                       wexp + 2 * (kyLo * kw + kxLo), kw, nky, nkx, nzp2,
                       sum);
          }
          requantBlock(sums, n, 4, 4, 0, multiplier + c, shift + c, range,
                       output + (oy * p->out_w + ox0) * ops + c, ops);
        }
      }
    }
  }
  if (c < channels && taps <= DW_MAX_TAPS)
    depthwiseNarrow(p, c, channels, input, weights, bias, multiplier, shift,
                    output);
  else if (c < channels)
    depthwiseGeneric(p, c, channels, input, weights, bias, multiplier, shift,
                     output);
}

/* ---- Fully connected ----------------------------------------------------
 *
 * One input row against four weight rows at a time, the input expanded in
 * the loop with SXTAB16 (zero point subtracted), so no scratch: per group of
 * four inputs LDR + SXTAB16 x2, then per row LDR + SXTB16 x2 + SMLAD x2:
 * 16 multiply-accumulates in 25 instructions with the loop. */

typedef struct {
  int32_t s0, s1, s2, s3;
} Acc1x4;

static inline void mac1x4(const int8_t *x, const int8_t *w0, int32_t wRow,
                          int32_t groups, uint32_t nzp2, Acc1x4 *a) {
  if (groups <= 0)
    return;
#if PEX_DSP_ACLE
  /* Early-clobber outputs, as in mac2x2. */
  const int8_t *end = x + 4 * groups;
  const int8_t *w2 = w0 + 2 * wRow;
  uint32_t v, xa, w, wa;
  __asm volatile("1:\n\t"
                 "ldr     %[v], [%[xp]], #4\n\t"
                 "sxtab16 %[xa], %[nzp], %[v]\n\t"
                 "sxtab16 %[v], %[nzp], %[v], ror #8\n\t"
                 "ldr     %[w], [%[w0], %[row]]\n\t"
                 "sxtb16  %[wa], %[w]\n\t"
                 "sxtb16  %[w], %[w], ror #8\n\t"
                 "smlad   %[s1], %[xa], %[wa], %[s1]\n\t"
                 "smlad   %[s1], %[v], %[w], %[s1]\n\t"
                 "ldr     %[w], [%[w2], %[row]]\n\t"
                 "sxtb16  %[wa], %[w]\n\t"
                 "sxtb16  %[w], %[w], ror #8\n\t"
                 "smlad   %[s3], %[xa], %[wa], %[s3]\n\t"
                 "smlad   %[s3], %[v], %[w], %[s3]\n\t"
                 "ldr     %[w], [%[w2]], #4\n\t"
                 "sxtb16  %[wa], %[w]\n\t"
                 "sxtb16  %[w], %[w], ror #8\n\t"
                 "smlad   %[s2], %[xa], %[wa], %[s2]\n\t"
                 "smlad   %[s2], %[v], %[w], %[s2]\n\t"
                 "ldr     %[w], [%[w0]], #4\n\t"
                 "sxtb16  %[wa], %[w]\n\t"
                 "sxtb16  %[w], %[w], ror #8\n\t"
                 "smlad   %[s0], %[xa], %[wa], %[s0]\n\t"
                 "smlad   %[s0], %[v], %[w], %[s0]\n\t"
                 "cmp     %[xp], %[end]\n\t"
                 "bne     1b\n\t"
                 : [s0] "+&r"(a->s0), [s1] "+&r"(a->s1), [s2] "+&r"(a->s2),
                   [s3] "+&r"(a->s3), [xp] "+&r"(x), [w0] "+&r"(w0),
                   [w2] "+&r"(w2), [v] "=&r"(v), [xa] "=&r"(xa),
                   [w] "=&r"(w), [wa] "=&r"(wa)
                 : [row] "r"(wRow), [end] "r"(end), [nzp] "r"(nzp2)
                 : "cc", "memory");
#else
  int32_t s0 = a->s0, s1 = a->s1, s2 = a->s2, s3 = a->s3;
  for (; groups > 0; --groups) {
    const uint32_t v = pex_load32(x);
    x += 4;
    const uint32_t xa = pex_sxtab16(nzp2, v), xb = pex_sxtab16_ror8(nzp2, v);
    uint32_t w = pex_load32(w0);
    s0 = pex_smlad(xb, pex_sxtb16_ror8(w), pex_smlad(xa, pex_sxtb16(w), s0));
    w = pex_load32(w0 + wRow);
    s1 = pex_smlad(xb, pex_sxtb16_ror8(w), pex_smlad(xa, pex_sxtb16(w), s1));
    w = pex_load32(w0 + 2 * wRow);
    s2 = pex_smlad(xb, pex_sxtb16_ror8(w), pex_smlad(xa, pex_sxtb16(w), s2));
    w = pex_load32(w0 + 3 * wRow);
    s3 = pex_smlad(xb, pex_sxtb16_ror8(w), pex_smlad(xa, pex_sxtb16(w), s3));
    w0 += 4;
  }
  a->s0 = s0;
  a->s1 = s1;
  a->s2 = s2;
  a->s3 = s3;
#endif
}

void pex_fully_connected_s8(const pex_fc_params *p, const int8_t *input,
                            const int8_t *weights, const int32_t *bias,
                            const int32_t *multiplier, const int8_t *shift,
                            int8_t *output) {
  const int32_t n = p->in_features, wts = p->weight_in_stride;
  const int32_t zp = p->input_zp, groups = n >> 2, tail = n & 3;
  const uint32_t nzp2 = negZeroPoint2(zp);
  const OutRange range = outRange(p->output_zp, p->act_min, p->act_max);
  int32_t sums[4];
  for (int32_t b = 0; b < p->batch; ++b) {
    const int8_t *x = input + b * p->in_row_stride;
    int8_t *y = output + b * p->out_row_stride;
    for (int32_t o = 0; o < p->out_features; o += 4) {
      const int32_t rows = p->out_features - o < 4 ? p->out_features - o : 4;
      const int8_t *w = weights + o * wts;
      if (rows == 4) {
        Acc1x4 a = {0, 0, 0, 0};
        mac1x4(x, w, wts, groups, nzp2, &a);
        sums[0] = a.s0;
        sums[1] = a.s1;
        sums[2] = a.s2;
        sums[3] = a.s3;
      } else {
        /* The last one to three rows, one at a time. */
        for (int32_t r = 0; r < rows; ++r, w += wts) {
          int32_t s = 0;
          const int8_t *u = x, *v = w;
          for (int32_t g = groups; g > 0; --g, u += 4, v += 4) {
            const uint32_t xv = pex_load32(u), wv = pex_load32(v);
            s = pex_smlad(pex_sxtab16(nzp2, xv), pex_sxtb16(wv), s);
            s = pex_smlad(pex_sxtab16_ror8(nzp2, xv), pex_sxtb16_ror8(wv), s);
          }
          sums[r] = s;
        }
      }
      for (int32_t r = 0; r < rows; ++r) {
        const int8_t *u = weights + (o + r) * wts + 4 * groups;
        uint32_t s = (uint32_t)sums[r] + (bias ? (uint32_t)bias[o + r] : 0);
        for (int32_t i = 0; i < tail; ++i)
          s += (uint32_t)((x[4 * groups + i] - zp) * u[i]);
        sums[r] = (int32_t)s;
      }
      if (range.full)
        requantOne(sums, rows, multiplier + o, shift + o, range, y + o, 1);
      else
        requantOne(sums, rows, multiplier + o, shift + o, range, y + o, 0);
    }
  }
}
