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

/* Output range: the int8 saturation of tosa.rescale and the activation. */
typedef struct {
  int32_t zp, lo, hi;
} OutRange;

static inline OutRange outRange(int32_t zp, int32_t actMin, int32_t actMax) {
  OutRange r = {zp, actMin < -128 ? -128 : actMin, actMax > 127 ? 127 : actMax};
  return r;
}

static inline int8_t rqOut(int32_t acc, int32_t m, const RqShift *e,
                           OutRange r) {
  int32_t y = rqApply(acc, m, e) + r.zp;
  y = y < r.lo ? r.lo : y;
  y = y > r.hi ? r.hi : y;
  return (int8_t)y;
}

static inline uint32_t negZeroPoint2(int32_t zp) {
  return ((uint32_t)-zp & 0xFFFFu) | ((uint32_t)-zp << 16);
}

/* ---- im2col columns ----------------------------------------------------
 *
 * A column holds the K = taps * cin input values of one output pixel as
 * int16 (x - input_zp; padding is 0). Groups of four consecutive values
 * x0 x1 x2 x3 are stored as x0 x2 x1 x3, which is what SXTB16 and
 * SXTB16 ROR #8 make of four weights: the dot product then needs no
 * reordering on either side. The values after the last whole group are in
 * natural order. */

static void columnFromS8(int16_t *dst, const int8_t *src, int32_t n,
                         int32_t zp) {
  const uint32_t nzp2 = negZeroPoint2(zp);
  for (int32_t g = n >> 2; g > 0; --g) {
    uint32_t w = pex_load32(src);
    src += 4;
    pex_store32(dst, pex_sxtab16(nzp2, w));
    pex_store32(dst + 2, pex_sxtab16_ror8(nzp2, w));
    dst += 4;
  }
  for (int32_t r = n & 3; r > 0; --r)
    *dst++ = (int16_t)(*src++ - zp);
}

static inline int32_t groupedIndex(int32_t i, int32_t grouped) {
  if (i >= grouped)
    return i;
  return (i & ~3) | ((i & 1) << 1) | ((i & 2) >> 1);
}

typedef struct {
  const pex_conv_params *p;
  const int8_t *input; /* channel 0 of the channels read */
  int32_t cin;         /* channels read per tap */
  int32_t taps;
  int32_t segmented;   /* weights are not contiguous across taps */
  int32_t colLen;      /* taps * cin */
} Im2col;

/* Fills the column of output pixel (oy, ox). In segmented mode each tap is
 * its own group sequence (the dot product runs per tap); otherwise groups
 * run across taps. */
static void im2col(const Im2col *c, int16_t *col, int32_t oy, int32_t ox) {
  const pex_conv_params *p = c->p;
  const int32_t cin = c->cin, zp = p->input_zp;
  const int32_t scalar = !c->segmented && (cin & 3) && c->taps > 1;
  const int32_t grouped = c->colLen & ~3;
  int32_t t = 0;
  for (int32_t ky = 0; ky < p->kernel_h; ++ky) {
    const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
    const int32_t rowOk = iy >= 0 && iy < p->in_h;
    for (int32_t kx = 0; kx < p->kernel_w; ++kx, ++t) {
      const int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
      const int32_t inside = rowOk && ix >= 0 && ix < p->in_w;
      const int8_t *src =
          inside ? c->input + (iy * p->in_w + ix) * p->in_pixel_stride : 0;
      if (!scalar) {
        int16_t *dst = col + t * cin;
        if (inside)
          columnFromS8(dst, src, cin, zp);
        else
          for (int32_t j = 0; j < cin; ++j)
            dst[j] = 0;
        continue;
      }
      const int32_t base = t * cin;
      for (int32_t j = 0; j < cin; ++j)
        col[groupedIndex(base + j, grouped)] =
            (int16_t)(inside ? src[j] - zp : 0);
    }
  }
}

/* ---- Dot-product micro-kernels ----------------------------------------
 *
 * x: int16 columns (grouped), w: int8 weight rows. Per group of four
 * values: one word of weights, SXTB16 and SXTB16 ROR #8, and SMLAD against
 * the two words of the column. The 2x2 kernel (two pixels, two output
 * channels) loads 6 words and expands 2 for 16 multiply-accumulates. */

typedef struct {
  int32_t s00, s01, s10, s11; /* [pixel][channel] */
} Acc2x2;

static inline void mac2x2(const int16_t *x0, const int16_t *x1,
                          const int8_t *w0, const int8_t *w1, int32_t n,
                          Acc2x2 *a) {
  int32_t s00 = a->s00, s01 = a->s01, s10 = a->s10, s11 = a->s11;
  for (int32_t g = n >> 2; g > 0; --g) {
    const uint32_t x0a = pex_load32(x0), x0b = pex_load32(x0 + 2);
    const uint32_t x1a = pex_load32(x1), x1b = pex_load32(x1 + 2);
    x0 += 4;
    x1 += 4;
    uint32_t w = pex_load32(w0);
    w0 += 4;
    uint32_t wa = pex_sxtb16(w), wb = pex_sxtb16_ror8(w);
    s00 = pex_smlad(x0a, wa, s00);
    s00 = pex_smlad(x0b, wb, s00);
    s10 = pex_smlad(x1a, wa, s10);
    s10 = pex_smlad(x1b, wb, s10);
    w = pex_load32(w1);
    w1 += 4;
    wa = pex_sxtb16(w);
    wb = pex_sxtb16_ror8(w);
    s01 = pex_smlad(x0a, wa, s01);
    s01 = pex_smlad(x0b, wb, s01);
    s11 = pex_smlad(x1a, wa, s11);
    s11 = pex_smlad(x1b, wb, s11);
  }
  for (int32_t r = n & 3; r > 0; --r) {
    const int32_t v0 = *x0++, v1 = *x1++, c0 = *w0++, c1 = *w1++;
    s00 = (int32_t)((uint32_t)s00 + (uint32_t)(v0 * c0));
    s01 = (int32_t)((uint32_t)s01 + (uint32_t)(v0 * c1));
    s10 = (int32_t)((uint32_t)s10 + (uint32_t)(v1 * c0));
    s11 = (int32_t)((uint32_t)s11 + (uint32_t)(v1 * c1));
  }
  a->s00 = s00;
  a->s01 = s01;
  a->s10 = s10;
  a->s11 = s11;
}

/* One column against one weight row. */
static inline int32_t mac1x1(const int16_t *x, const int8_t *w, int32_t n,
                             int32_t s) {
  for (int32_t g = n >> 2; g > 0; --g) {
    const uint32_t xa = pex_load32(x), xb = pex_load32(x + 2);
    x += 4;
    const uint32_t v = pex_load32(w);
    w += 4;
    s = pex_smlad(xa, pex_sxtb16(v), s);
    s = pex_smlad(xb, pex_sxtb16_ror8(v), s);
  }
  for (int32_t r = n & 3; r > 0; --r)
    s = (int32_t)((uint32_t)s + (uint32_t)(*x++ * *w++));
  return s;
}

/* ---- Convolution driver ------------------------------------------------
 *
 * Output pixels in pairs: build both columns, then every output channel
 * pair with mac2x2 and the epilogue (requantise and store, or add into the
 * int32 accumulator). */

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

static inline int32_t dotSegments(const ConvJob *j, const int16_t *x,
                                  const int8_t *w, int32_t s) {
  if (!j->col.segmented)
    return mac1x1(x, w, j->col.colLen, s);
  const int32_t cin = j->col.cin, wts = j->p->weight_in_stride;
  for (int32_t t = 0; t < j->col.taps; ++t)
    s = mac1x1(x + t * cin, w + t * wts, cin, s);
  return s;
}

static inline void dot2x2Segments(const ConvJob *j, const int16_t *x0,
                                  const int16_t *x1, const int8_t *w0,
                                  const int8_t *w1, Acc2x2 *a) {
  if (!j->col.segmented) {
    mac2x2(x0, x1, w0, w1, j->col.colLen, a);
    return;
  }
  const int32_t cin = j->col.cin, wts = j->p->weight_in_stride;
  for (int32_t t = 0; t < j->col.taps; ++t)
    mac2x2(x0 + t * cin, x1 + t * cin, w0 + t * wts, w1 + t * wts, cin, a);
}

static void convRun(const ConvJob *j, int16_t *scratch) {
  const pex_conv_params *p = j->p;
  const int32_t pixels = p->out_h * p->out_w, ops = p->out_pixel_stride;
  const int32_t nout = j->nout, wRow = j->wRow;
  const int32_t colStride = (j->col.colLen + 1) & ~1;
  int16_t *c0 = scratch, *c1 = scratch + colStride;
  const OutRange range = outRange(p->output_zp, p->act_min, p->act_max);
  const int32_t accumulate = j->acc != 0;
  int32_t oy = 0, ox = 0;
  for (int32_t q = 0; q < pixels; q += 2) {
    im2col(&j->col, c0, oy, ox);
    if (++ox == p->out_w) {
      ox = 0;
      ++oy;
    }
    if (q + 1 == pixels) {
      /* Last pixel alone. */
      for (int32_t o = 0; o < nout; ++o) {
        const int8_t *w = j->weights + o * wRow;
        if (accumulate) {
          int32_t *a = &j->acc[q * ops + o];
          *a = dotSegments(j, c0, w, *a);
        } else {
          int32_t s = dotSegments(j, c0, w, j->bias ? j->bias[o] : 0);
          j->output[q * ops + o] =
              rqOut(s, j->multiplier[o], &rqTable[j->shift[o]], range);
        }
      }
      break;
    }
    im2col(&j->col, c1, oy, ox);
    if (++ox == p->out_w) {
      ox = 0;
      ++oy;
    }
    int32_t o = 0;
    for (; o + 2 <= nout; o += 2) {
      const int8_t *w0 = j->weights + o * wRow;
      Acc2x2 a;
      if (accumulate) {
        int32_t *r0 = &j->acc[q * ops + o], *r1 = r0 + ops;
        a.s00 = r0[0];
        a.s01 = r0[1];
        a.s10 = r1[0];
        a.s11 = r1[1];
        dot2x2Segments(j, c0, c1, w0, w0 + wRow, &a);
        r0[0] = a.s00;
        r0[1] = a.s01;
        r1[0] = a.s10;
        r1[1] = a.s11;
      } else {
        const int32_t b0 = j->bias ? j->bias[o] : 0;
        const int32_t b1 = j->bias ? j->bias[o + 1] : 0;
        a.s00 = b0;
        a.s10 = b0;
        a.s01 = b1;
        a.s11 = b1;
        dot2x2Segments(j, c0, c1, w0, w0 + wRow, &a);
        int8_t *y0 = &j->output[q * ops + o], *y1 = y0 + ops;
        const RqShift *e0 = &rqTable[j->shift[o]];
        const int32_t m0 = j->multiplier[o];
        y0[0] = rqOut(a.s00, m0, e0, range);
        y1[0] = rqOut(a.s10, m0, e0, range);
        const RqShift *e1 = &rqTable[j->shift[o + 1]];
        const int32_t m1 = j->multiplier[o + 1];
        y0[1] = rqOut(a.s01, m1, e1, range);
        y1[1] = rqOut(a.s11, m1, e1, range);
      }
    }
    if (o < nout) {
      /* Odd channel count: the last channel for both pixels. */
      const int8_t *w = j->weights + o * wRow;
      if (accumulate) {
        int32_t *r0 = &j->acc[q * ops + o];
        r0[0] = dotSegments(j, c0, w, r0[0]);
        r0[ops] = dotSegments(j, c1, w, r0[ops]);
      } else {
        const int32_t b = j->bias ? j->bias[o] : 0;
        const RqShift *e = &rqTable[j->shift[o]];
        const int32_t m = j->multiplier[o];
        j->output[q * ops + o] = rqOut(dotSegments(j, c0, w, b), m, e, range);
        j->output[(q + 1) * ops + o] =
            rqOut(dotSegments(j, c1, w, b), m, e, range);
      }
    }
  }
}

static int32_t columnBytes(const pex_conv_params *p, int32_t cin) {
  const int32_t colLen = p->kernel_h * p->kernel_w * cin;
  return 2 * 2 * ((colLen + 1) & ~1);
}

int32_t pex_conv2d_s8_scratch_bytes(const pex_conv_params *p) {
  return columnBytes(p, p->in_c);
}

int32_t pex_conv2d_s8_consume_scratch_bytes(const pex_conv_params *p,
                                            int32_t k) {
  return columnBytes(p, k);
}

static void initIm2col(Im2col *c, const pex_conv_params *p,
                       const int8_t *input, int32_t cin) {
  c->p = p;
  c->input = input;
  c->cin = cin;
  c->taps = p->kernel_h * p->kernel_w;
  c->segmented = c->taps > 1 && p->weight_in_stride != cin;
  c->colLen = c->taps * cin;
}

void pex_conv2d_s8_produce(const pex_conv_params *p, int32_t c0, int32_t k,
                           const int8_t *input, const int8_t *weights,
                           const int32_t *bias, const int32_t *multiplier,
                           const int8_t *shift, int8_t *output,
                           void *scratch) {
  ConvJob j;
  j.p = p;
  initIm2col(&j.col, p, input, p->in_c);
  j.wRow = p->kernel_h * p->kernel_w * p->weight_in_stride;
  j.weights = weights + c0 * j.wRow;
  j.nout = k;
  j.bias = bias ? bias + c0 : 0;
  j.multiplier = multiplier + c0;
  j.shift = shift + c0;
  j.output = output;
  j.acc = 0;
  convRun(&j, (int16_t *)scratch);
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
  initIm2col(&j.col, p, input, k);
  j.wRow = p->kernel_h * p->kernel_w * p->weight_in_stride;
  j.weights = weights + c0;
  j.nout = p->out_c;
  j.bias = 0;
  j.multiplier = 0;
  j.shift = 0;
  j.output = 0;
  j.acc = acc;
  convRun(&j, (int16_t *)scratch);
}

/* ---- Finish ------------------------------------------------------------ */

void pex_requantize_s32_s8(const int32_t *acc, int32_t pixels,
                           int32_t channels, int32_t acc_pixel_stride,
                           const int32_t *bias, const int32_t *multiplier,
                           const int8_t *shift, int32_t output_zp,
                           int32_t act_min, int32_t act_max, int8_t *output,
                           int32_t out_pixel_stride) {
  const OutRange range = outRange(output_zp, act_min, act_max);
  for (int32_t c = 0; c < channels; ++c) {
    const RqShift *e = &rqTable[shift[c]];
    const int32_t m = multiplier[c];
    const uint32_t b = bias ? (uint32_t)bias[c] : 0;
    const int32_t *a = acc + c;
    int8_t *y = output + c;
    for (int32_t q = 0; q < pixels; ++q) {
      *y = rqOut((int32_t)((uint32_t)*a + b), m, e, range);
      a += acc_pixel_stride;
      y += out_pixel_stride;
    }
  }
}

/* ---- Depthwise convolution ----------------------------------------------
 *
 * Four channels at a time: one word of input and one of weights per tap,
 * SXTAB16 (subtracting the zero point) and SXTB16 into int16 lanes, and
 * SMLABB / SMLATT per channel. Taps outside the input are skipped (padding
 * contributes (zp - zp) * w = 0). */

void pex_depthwise_conv2d_s8(const pex_conv_params *p, const int8_t *input,
                             const int8_t *weights, const int32_t *bias,
                             const int32_t *multiplier, const int8_t *shift,
                             int8_t *output) {
  const int32_t channels = p->in_c, ips = p->in_pixel_stride;
  const int32_t ops = p->out_pixel_stride, wts = p->weight_in_stride;
  const int32_t zp = p->input_zp;
  const uint32_t nzp2 = negZeroPoint2(zp);
  const OutRange range = outRange(p->output_zp, p->act_min, p->act_max);
  const int32_t xStep = p->dilation_w * ips, yStep = p->dilation_h * p->in_w * ips;
  for (int32_t oy = 0; oy < p->out_h; ++oy) {
    const int32_t iy0 = oy * p->stride_h - p->pad_top;
    int32_t kyLo = 0, kyHi = p->kernel_h;
    while (kyLo < kyHi && iy0 + kyLo * p->dilation_h < 0)
      ++kyLo;
    while (kyHi > kyLo && iy0 + (kyHi - 1) * p->dilation_h >= p->in_h)
      --kyHi;
    for (int32_t ox = 0; ox < p->out_w; ++ox) {
      const int32_t ix0 = ox * p->stride_w - p->pad_left;
      int32_t kxLo = 0, kxHi = p->kernel_w;
      while (kxLo < kxHi && ix0 + kxLo * p->dilation_w < 0)
        ++kxLo;
      while (kxHi > kxLo && ix0 + (kxHi - 1) * p->dilation_w >= p->in_w)
        --kxHi;
      int8_t *y = output + (oy * p->out_w + ox) * ops;
      if (kyLo == kyHi || kxLo == kxHi) {
        /* The window lies in the padding: bias only. */
        for (int32_t c = 0; c < channels; ++c)
          y[c] = rqOut(bias ? bias[c] : 0, multiplier[c], &rqTable[shift[c]],
                       range);
        continue;
      }
      const int8_t *x0 =
          input + ((iy0 + kyLo * p->dilation_h) * p->in_w + ix0 +
                   kxLo * p->dilation_w) * ips;
      const int8_t *w0 = weights + (kyLo * p->kernel_w + kxLo) * wts;
      const int32_t nky = kyHi - kyLo, nkx = kxHi - kxLo;
      int32_t c = 0;
      for (; c + 4 <= channels; c += 4) {
        int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (bias) {
          s0 = bias[c];
          s1 = bias[c + 1];
          s2 = bias[c + 2];
          s3 = bias[c + 3];
        }
        const int8_t *xr = x0 + c, *wr = w0 + c;
        for (int32_t ky = 0; ky < nky; ++ky) {
          const int8_t *xp = xr, *wp = wr;
          for (int32_t kx = 0; kx < nkx; ++kx) {
            const uint32_t xv = pex_load32(xp), wv = pex_load32(wp);
            const uint32_t xa = pex_sxtab16(nzp2, xv);
            const uint32_t xb = pex_sxtab16_ror8(nzp2, xv);
            const uint32_t wa = pex_sxtb16(wv), wb = pex_sxtb16_ror8(wv);
            s0 = pex_smlabb(xa, wa, s0);
            s2 = pex_smlatt(xa, wa, s2);
            s1 = pex_smlabb(xb, wb, s1);
            s3 = pex_smlatt(xb, wb, s3);
            xp += xStep;
            wp += wts;
          }
          xr += yStep;
          wr += p->kernel_w * wts;
        }
        y[c] = rqOut(s0, multiplier[c], &rqTable[shift[c]], range);
        y[c + 1] = rqOut(s1, multiplier[c + 1], &rqTable[shift[c + 1]], range);
        y[c + 2] = rqOut(s2, multiplier[c + 2], &rqTable[shift[c + 2]], range);
        y[c + 3] = rqOut(s3, multiplier[c + 3], &rqTable[shift[c + 3]], range);
      }
      for (; c < channels; ++c) {
        uint32_t s = bias ? (uint32_t)bias[c] : 0;
        const int8_t *xr = x0 + c, *wr = w0 + c;
        for (int32_t ky = 0; ky < nky; ++ky) {
          for (int32_t kx = 0; kx < nkx; ++kx)
            s += (uint32_t)((xr[kx * xStep] - zp) * wr[kx * wts]);
          xr += yStep;
          wr += p->kernel_w * wts;
        }
        y[c] = rqOut((int32_t)s, multiplier[c], &rqTable[shift[c]], range);
      }
    }
  }
}

/* ---- Fully connected ----------------------------------------------------
 *
 * One input row against four weight rows at a time; the input is expanded
 * in the loop with SXTAB16 (zero point subtracted), so no scratch. */

void pex_fully_connected_s8(const pex_fc_params *p, const int8_t *input,
                            const int8_t *weights, const int32_t *bias,
                            const int32_t *multiplier, const int8_t *shift,
                            int8_t *output) {
  const int32_t n = p->in_features, wts = p->weight_in_stride;
  const int32_t zp = p->input_zp;
  const uint32_t nzp2 = negZeroPoint2(zp);
  const OutRange range = outRange(p->output_zp, p->act_min, p->act_max);
  for (int32_t b = 0; b < p->batch; ++b) {
    const int8_t *xrow = input + b * p->in_row_stride;
    int8_t *y = output + b * p->out_row_stride;
    int32_t o = 0;
    for (; o + 4 <= p->out_features; o += 4) {
      int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      if (bias) {
        s0 = bias[o];
        s1 = bias[o + 1];
        s2 = bias[o + 2];
        s3 = bias[o + 3];
      }
      const int8_t *x = xrow, *w = weights + o * wts;
      for (int32_t g = n >> 2; g > 0; --g) {
        const uint32_t xv = pex_load32(x);
        x += 4;
        const uint32_t xa = pex_sxtab16(nzp2, xv);
        const uint32_t xb = pex_sxtab16_ror8(nzp2, xv);
        uint32_t wv = pex_load32(w);
        s0 = pex_smlad(xa, pex_sxtb16(wv), s0);
        s0 = pex_smlad(xb, pex_sxtb16_ror8(wv), s0);
        wv = pex_load32(w + wts);
        s1 = pex_smlad(xa, pex_sxtb16(wv), s1);
        s1 = pex_smlad(xb, pex_sxtb16_ror8(wv), s1);
        wv = pex_load32(w + 2 * wts);
        s2 = pex_smlad(xa, pex_sxtb16(wv), s2);
        s2 = pex_smlad(xb, pex_sxtb16_ror8(wv), s2);
        wv = pex_load32(w + 3 * wts);
        s3 = pex_smlad(xa, pex_sxtb16(wv), s3);
        s3 = pex_smlad(xb, pex_sxtb16_ror8(wv), s3);
        w += 4;
      }
      for (int32_t r = n & 3; r > 0; --r) {
        const int32_t v = *x++ - zp;
        s0 = (int32_t)((uint32_t)s0 + (uint32_t)(v * w[0]));
        s1 = (int32_t)((uint32_t)s1 + (uint32_t)(v * w[wts]));
        s2 = (int32_t)((uint32_t)s2 + (uint32_t)(v * w[2 * wts]));
        s3 = (int32_t)((uint32_t)s3 + (uint32_t)(v * w[3 * wts]));
        ++w;
      }
      y[o] = rqOut(s0, multiplier[o], &rqTable[shift[o]], range);
      y[o + 1] = rqOut(s1, multiplier[o + 1], &rqTable[shift[o + 1]], range);
      y[o + 2] = rqOut(s2, multiplier[o + 2], &rqTable[shift[o + 2]], range);
      y[o + 3] = rqOut(s3, multiplier[o + 3], &rqTable[shift[o + 3]], range);
    }
    for (; o < p->out_features; ++o) {
      uint32_t s = bias ? (uint32_t)bias[o] : 0;
      const int8_t *w = weights + o * wts;
      for (int32_t i = 0; i < n; ++i)
        s += (uint32_t)((xrow[i] - zp) * w[i]);
      y[o] = rqOut((int32_t)s, multiplier[o], &rqTable[shift[o]], range);
    }
  }
}
