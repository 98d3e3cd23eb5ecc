/* Differential test of the Pex int8 kernels against the naive reference
 * kernels: random shapes (odd channel counts, strides 1-3, kernels 1-7,
 * dilation, padding, pixel and weight strides, channel slices with
 * remainders) and quantisation parameters aimed at the corners of TOSA's
 * double-rounding rescale (shifts 2..62 under the REQUIRE on the value,
 * multipliers 0, 1, 2^31-1, negative accumulators, saturation, activation
 * ranges, multiplier 0 with any accumulator under a shift below 32, as
 * TFLite's channels without scale have). Every output buffer is compared
 * whole, so a write outside the intended elements is caught too.
 *
 * Runs on the host (portable path) and, linked with runtime/cortexm, on
 * QEMU's Cortex-M4/M7 (DSP path). -DKT_CASES=N scales the number of random
 * cases per kernel, -DKT_SEED=S changes the seed. Exit status 0 if
 * everything is bit-exact. */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pex_kernels.h"

#ifndef KT_CASES
#define KT_CASES 60
#endif
#ifndef KT_SEED
#define KT_SEED 12345u
#endif

/* ---- random numbers ---------------------------------------------------- */

static uint32_t rngState = KT_SEED;
static uint32_t rnd(void) {
  uint32_t x = rngState;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rngState = x;
}
/* Uniform in [lo, hi]. */
static int32_t range(int32_t lo, int32_t hi) {
  return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}
static int chance(int percent) { return (int)(rnd() % 100) < percent; }
static int32_t pick(const int32_t *values, int32_t n) {
  return values[rnd() % (uint32_t)n];
}

/* ---- buffers ------------------------------------------------------------- */

#define MAX_BYTES (96 * 1024)
#define MAX_CH 256
/* Tensors are placed at the end of their buffers, so that a read past a
 * tensor's end is a read past the buffer (caught by AddressSanitizer). */
static int8_t inputBuf[MAX_BYTES];
static int8_t weightBuf[MAX_BYTES];
static int8_t *input, *weights;
static int8_t outFast[MAX_BYTES];
static int8_t outRef[MAX_BYTES];
static int8_t sliceBuf[MAX_BYTES];
static int32_t accFast[MAX_BYTES / 4];
static int32_t accRef[MAX_BYTES / 4];
static int32_t accAll[MAX_BYTES / 4];
static uint32_t scratch[4096];
static int32_t bias[MAX_CH], mult[MAX_CH];
static int8_t shift[MAX_CH];

static void fillS8(int8_t *p, int32_t n) {
  /* Mostly uniform bytes, sometimes runs of extremes. */
  int mode = (int)(rnd() % 4);
  for (int32_t i = 0; i < n; ++i) {
    uint32_t r = rnd();
    if (mode == 0 && (r & 3) == 0)
      p[i] = (r & 4) ? 127 : -128;
    else
      p[i] = (int8_t)(r >> 8);
  }
}

static long failures;
static long checks;

static int compareS8(const char *what, int caseNo, const int8_t *a,
                     const int8_t *b, int32_t n) {
  ++checks;
  for (int32_t i = 0; i < n; ++i)
    if (a[i] != b[i]) {
      ++failures;
      printf("MISMATCH %s case %d: byte %ld fast %d ref %d\n", what, caseNo,
             (long)i, a[i], b[i]);
      return 0;
    }
  return 1;
}

static int compareS32(const char *what, int caseNo, const int32_t *a,
                      const int32_t *b, int32_t n) {
  ++checks;
  for (int32_t i = 0; i < n; ++i)
    if (a[i] != b[i]) {
      ++failures;
      printf("MISMATCH %s case %d: word %ld fast %ld ref %ld\n", what, caseNo,
             (long)i, (long)a[i], (long)b[i]);
      return 0;
    }
  return 1;
}

/* ---- quantisation parameters --------------------------------------------- */

static int32_t bitLength(uint32_t v) {
  int32_t n = 0;
  while (v) {
    ++n;
    v >>= 1;
  }
  return n;
}

/* A multiplier and a shift for a channel whose accumulators (bias
 * included) lie in [lo, hi]: TOSA requires |acc| < 2^(shift-1) when
 * shift < 32. */
static void pickScale(int32_t c, int64_t lo, int64_t hi) {
  static const int32_t edgeMult[] = {0, 1, 2, 0x40000000, 0x7FFFFFFF,
                                     0x7FFFFFFE, 0x40000001, 0x55555555};
  uint32_t mag = (uint32_t)(-lo > hi ? -lo : hi);
  int32_t need = bitLength(mag) + 1; /* smallest shift with |acc| < 2^(s-1) */
  if (need < 2)
    need = 2;
  int32_t s;
  int r = (int)(rnd() % 8);
  if (r < 3) {
    /* Useful range: the output lands around the int8 range. */
    s = need + 28 + range(-3, 8);
  } else if (r < 5) {
    s = range(need, 62);
  } else {
    static const int32_t edges[] = {2, 30, 31, 32, 33, 34, 61, 62};
    s = pick(edges, 8);
  }
  if (s < need)
    s = need;
  if (s > 62)
    s = 62;
  if (s < 32 && s < need)
    s = 32;
  shift[c] = (int8_t)s;
  mult[c] = chance(70) ? (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu))
            : chance(50) ? pick(edgeMult, 8)
                         : (int32_t)(rnd() & 0x7FFFFFFFu);
  /* A channel TFLite's converter left without scale: multiplier 0 with
   * shift 31 (or any shift below 32), whatever the accumulators, which the
   * compiler gives the kernels; its output is the zero point. */
  if (chance(5)) {
    mult[c] = 0;
    shift[c] = (int8_t)(chance(50) ? 31 : range(2, 31));
  }
}

static void pickBias(int32_t n) {
  for (int32_t c = 0; c < n; ++c) {
    int r = (int)(rnd() % 6);
    bias[c] = r == 0   ? 0
              : r < 4  ? range(-20000, 20000)
              : r == 4 ? range(-3000000, 3000000)
                       : (int32_t)rnd() / 64;
  }
}

static void pickQuant(int32_t *inZp, int32_t *outZp, int32_t *actMin,
                      int32_t *actMax) {
  static const int32_t zps[] = {-128, 127, 0, -1};
  *inZp = chance(25) ? pick(zps, 4) : range(-128, 127);
  *outZp = chance(25) ? pick(zps, 4) : range(-128, 127);
  if (chance(50)) {
    *actMin = -128;
    *actMax = 127;
  } else if (chance(50)) {
    *actMin = *outZp; /* ReLU */
    *actMax = 127;
  } else {
    int32_t a = range(-128, 127), b = range(-128, 127);
    *actMin = a < b ? a : b;
    *actMax = a < b ? b : a;
  }
}

/* Scales from the exact accumulators of the operator (computed with the
 * reference consumer, bias added): acc[q * stride + c]. */
static void scalesFromAcc(const int32_t *acc, int32_t pixels, int32_t stride,
                          int32_t channels, const int32_t *b) {
  for (int32_t c = 0; c < channels; ++c) {
    int64_t lo = 0, hi = 0;
    for (int32_t q = 0; q < pixels; ++q) {
      int64_t v = (int64_t)acc[q * stride + c] + (b ? b[c] : 0);
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    pickScale(c, lo, hi);
  }
}

/* ---- convolution cases ---------------------------------------------------- */

static const int32_t kernelSizes[] = {1, 1, 1, 3, 3, 3, 5, 7, 2, 4};

/* Random quantisation and tensors for the geometry in p, placed at the
 * end of their buffers. */
static void fillConv(pex_conv_params *p, int depthwise) {
  const int32_t inBytes = p->in_h * p->in_w * p->in_pixel_stride;
  const int32_t wBytes = (depthwise ? 1 : p->out_c) * p->kernel_h *
                         p->kernel_w * p->weight_in_stride;
  pickQuant(&p->input_zp, &p->output_zp, &p->act_min, &p->act_max);
  input = inputBuf + MAX_BYTES - inBytes;
  weights = weightBuf + MAX_BYTES - wBytes;
  fillS8(input, inBytes);
  fillS8(weights, wBytes);
}

/* A random convolution whose tensors fit the buffers. */
static void randomConv(pex_conv_params *p, int depthwise, int maxCh) {
  for (;;) {
    memset(p, 0, sizeof(*p));
    p->kernel_h = pick(kernelSizes, 10);
    p->kernel_w = chance(70) ? p->kernel_h : pick(kernelSizes, 10);
    p->stride_h = chance(60) ? 1 : chance(85) ? 2 : 3;
    p->stride_w = chance(80) ? p->stride_h : range(1, 3);
    p->dilation_h = chance(90) ? 1 : 2;
    p->dilation_w = chance(90) ? 1 : range(1, 2);
    p->in_h = range(1, 12);
    p->in_w = range(1, 12);
    p->pad_top = chance(50) ? 0 : range(0, p->kernel_h - 1);
    p->pad_left = chance(50) ? 0 : range(0, p->kernel_w - 1);
    int32_t padBottom = chance(50) ? 0 : range(0, p->kernel_h - 1);
    int32_t padRight = chance(50) ? 0 : range(0, p->kernel_w - 1);
    int32_t spanH = p->in_h + p->pad_top + padBottom -
                    (p->kernel_h - 1) * p->dilation_h;
    int32_t spanW = p->in_w + p->pad_left + padRight -
                    (p->kernel_w - 1) * p->dilation_w;
    if (spanH < 1 || spanW < 1)
      continue;
    p->out_h = (spanH - 1) / p->stride_h + 1;
    p->out_w = (spanW - 1) / p->stride_w + 1;
    p->in_c = chance(30) ? range(1, 5) : range(1, maxCh);
    p->out_c = depthwise ? p->in_c : (chance(20) ? range(1, 3) : range(1, 40));
    p->in_pixel_stride = p->in_c + (chance(30) ? range(1, 5) : 0);
    p->out_pixel_stride = p->out_c + (chance(30) ? range(1, 5) : 0);
    p->weight_in_stride = p->in_c + (chance(20) ? range(1, 6) : 0);
    int32_t inBytes = p->in_h * p->in_w * p->in_pixel_stride;
    int32_t outElems = p->out_h * p->out_w * p->out_pixel_stride;
    int32_t wBytes = (depthwise ? 1 : p->out_c) * p->kernel_h * p->kernel_w *
                     p->weight_in_stride;
    int32_t macs = p->out_h * p->out_w * p->out_c * p->kernel_h *
                   p->kernel_w * (depthwise ? 1 : p->in_c);
    if (inBytes > MAX_BYTES || outElems * 4 > MAX_BYTES ||
        wBytes > MAX_BYTES || macs > 400000 ||
        pex_conv2d_s8_scratch_bytes(p) > (int32_t)sizeof(scratch))
      continue;
    fillConv(p, depthwise);
    return;
  }
}

static long macsTested;

static void runConv(pex_conv_params p, int caseNo) {
  const int32_t pixels = p.out_h * p.out_w;
  const int32_t outBytes = pixels * p.out_pixel_stride;
  pickBias(p.out_c);
  memset(accRef, 0, (size_t)outBytes * 4);
  pex_ref_conv2d_s8_consume(&p, 0, p.in_c, input, weights, accRef);
  scalesFromAcc(accRef, pixels, p.out_pixel_stride, p.out_c, bias);
  const int32_t *b = chance(10) ? 0 : bias;
  if (!b)
    scalesFromAcc(accRef, pixels, p.out_pixel_stride, p.out_c, 0);
  memset(outFast, 0x5A, (size_t)outBytes);
  memset(outRef, 0x5A, (size_t)outBytes);
  pex_conv2d_s8(&p, input, weights, b, mult, shift, outFast, scratch);
  pex_ref_conv2d_s8(&p, input, weights, b, mult, shift, outRef);
  macsTested += (long)pixels * p.out_c * p.kernel_h * p.kernel_w * p.in_c;
  if (!compareS8("conv2d", caseNo, outFast, outRef, outBytes))
    printf("  in %ldx%ldx%ld k %ldx%ld s %ld,%ld d %ld,%ld pad %ld,%ld out "
           "%ldx%ldx%ld\n",
           (long)p.in_h, (long)p.in_w, (long)p.in_c, (long)p.kernel_h,
           (long)p.kernel_w, (long)p.stride_h, (long)p.stride_w,
           (long)p.dilation_h, (long)p.dilation_w, (long)p.pad_top,
           (long)p.pad_left, (long)p.out_h, (long)p.out_w, (long)p.out_c);
}

static void testConv(int caseNo) {
  pex_conv_params p;
  randomConv(&p, 0, 48);
  runConv(p, caseNo);
}

static void runDepthwise(pex_conv_params p, int caseNo) {
  const int32_t pixels = p.out_h * p.out_w;
  const int32_t outBytes = pixels * p.out_pixel_stride;
  pickBias(p.in_c);
  /* Accumulator bounds for the scales: the reference's own result with an
   * identity-free probe is not available, so bound by the kernel size. */
  for (int32_t c = 0; c < p.in_c; ++c) {
    int64_t bound = (int64_t)p.kernel_h * p.kernel_w * 255 * 128;
    pickScale(c, bias[c] - bound, bias[c] + bound);
  }
  memset(outFast, 0x5A, (size_t)outBytes);
  memset(outRef, 0x5A, (size_t)outBytes);
  pex_depthwise_conv2d_s8(&p, input, weights, bias, mult, shift, outFast);
  pex_ref_depthwise_conv2d_s8(&p, input, weights, bias, mult, shift, outRef);
  macsTested += (long)pixels * p.in_c * p.kernel_h * p.kernel_w;
  if (!compareS8("depthwise", caseNo, outFast, outRef, outBytes))
    printf("  in %ldx%ldx%ld k %ldx%ld s %ld,%ld pad %ld,%ld out %ldx%ld\n",
           (long)p.in_h, (long)p.in_w, (long)p.in_c, (long)p.kernel_h,
           (long)p.kernel_w, (long)p.stride_h, (long)p.stride_w,
           (long)p.pad_top, (long)p.pad_left, (long)p.out_h, (long)p.out_w);
}

static void testDepthwise(int caseNo) {
  pex_conv_params p;
  randomConv(&p, 1, 70);
  runDepthwise(p, caseNo);
}

/* Fixed shapes for the paths random shapes of at most 12x12 rarely or
 * never take: the direct convolution of a first layer (3 or 1 input
 * channels, at least 15/16 of the windows inside: with staged border
 * windows, pairs and a lone last channel), direct slices of one or two
 * output channels over four or more input channels (border taps one by
 * one), and depthwise channels outside groups of four (a dense single
 * channel whose last window word ends at the buffer's end, strides 1 and
 * 2, two and three channels, 5x5, dilation). */
static void testFixedShapes(void) {
  /* in_h, in_w, in_c, out_c, kernel, stride, dilation, pad, extra stride */
  static const int32_t convShapes[][9] = {
      {72, 72, 3, 8, 3, 2, 1, 1, 0}, {70, 70, 3, 5, 3, 1, 1, 1, 0},
      {66, 66, 1, 7, 3, 2, 1, 0, 0}, {40, 40, 3, 1, 3, 2, 1, 1, 0},
      {20, 20, 8, 2, 3, 1, 1, 1, 0}, {16, 16, 5, 1, 5, 2, 2, 2, 0},
      {24, 24, 3, 2, 3, 2, 1, 1, 2}, {20, 20, 16, 1, 1, 1, 1, 0, 0},
      /* 1x1 pair loop: odd pixel counts, padding, a tail, pixel strides */
      {7, 9, 8, 8, 1, 1, 1, 0, 0},    {9, 9, 6, 4, 1, 2, 1, 1, 0},
      {10, 10, 8, 6, 1, 1, 1, 0, 3},  {5, 5, 13, 2, 1, 1, 1, 0, 0},
      /* a lone channel over rows of several blocks, odd widths */
      {12, 150, 3, 1, 3, 1, 1, 1, 0}, {11, 133, 3, 3, 3, 2, 1, 1, 0}};
  static const int32_t dwShapes[][9] = {
      {30, 30, 1, 1, 3, 1, 1, 1, 0}, {31, 29, 1, 1, 3, 2, 1, 1, 0},
      {20, 20, 1, 1, 3, 1, 1, 0, 0}, {20, 20, 2, 2, 3, 1, 1, 1, 0},
      {17, 19, 3, 3, 3, 2, 1, 1, 0}, {20, 20, 1, 1, 5, 1, 1, 2, 0},
      {20, 20, 1, 1, 3, 1, 2, 2, 0}, {18, 18, 7, 7, 3, 1, 1, 1, 1},
      /* dense single-channel pairs: odd runs, the last word at the end */
      {9, 13, 1, 1, 3, 1, 1, 1, 0},   {6, 7, 1, 1, 3, 1, 1, 0, 0},
      {5, 4, 1, 1, 3, 1, 1, 0, 0},    {3, 3, 1, 1, 3, 1, 1, 0, 0}};
  const int counts[2] = {sizeof(convShapes) / sizeof(convShapes[0]),
                         sizeof(dwShapes) / sizeof(dwShapes[0])};
  for (int depthwise = 0; depthwise < 2; ++depthwise)
    for (int i = 0; i < counts[depthwise]; ++i) {
      const int32_t *d = depthwise ? dwShapes[i] : convShapes[i];
      pex_conv_params p;
      memset(&p, 0, sizeof(p));
      p.in_h = d[0];
      p.in_w = d[1];
      p.in_c = d[2];
      p.out_c = d[3];
      p.kernel_h = p.kernel_w = d[4];
      p.stride_h = p.stride_w = d[5];
      p.dilation_h = p.dilation_w = d[6];
      p.pad_top = p.pad_left = d[7];
      p.in_pixel_stride = p.in_c + d[8];
      p.out_pixel_stride = p.out_c;
      p.weight_in_stride = p.in_c;
      const int32_t span = (p.kernel_h - 1) * p.dilation_h;
      p.out_h = (p.in_h + 2 * p.pad_top - span - 1) / p.stride_h + 1;
      p.out_w = (p.in_w + 2 * p.pad_left - span - 1) / p.stride_w + 1;
      fillConv(&p, depthwise);
      if (depthwise)
        runDepthwise(p, 1000 + i);
      else
        runConv(p, 2000 + i);
    }
}

static void testFullyConnected(int caseNo) {
  pex_fc_params p;
  p.batch = range(1, 3);
  p.in_features = chance(20) ? range(1, 8) : range(1, 700);
  p.out_features = range(1, 40);
  p.in_row_stride = p.in_features + (chance(30) ? range(1, 3) : 0);
  p.out_row_stride = p.out_features + (chance(30) ? range(1, 3) : 0);
  p.weight_in_stride = p.in_features + (chance(20) ? range(1, 3) : 0);
  pickQuant(&p.input_zp, &p.output_zp, &p.act_min, &p.act_max);
  input = inputBuf + MAX_BYTES - p.batch * p.in_row_stride;
  weights = weightBuf + MAX_BYTES - p.out_features * p.weight_in_stride;
  fillS8(input, p.batch * p.in_row_stride);
  fillS8(weights, p.out_features * p.weight_in_stride);
  pickBias(p.out_features);
  for (int32_t c = 0; c < p.out_features; ++c) {
    int64_t bound = (int64_t)p.in_features * 255 * 128;
    pickScale(c, bias[c] - bound, bias[c] + bound);
  }
  const int32_t outBytes = p.batch * p.out_row_stride;
  memset(outFast, 0x5A, (size_t)outBytes);
  memset(outRef, 0x5A, (size_t)outBytes);
  const int32_t *b = chance(10) ? 0 : bias;
  pex_fully_connected_s8(&p, input, weights, b, mult, shift, outFast);
  pex_ref_fully_connected_s8(&p, input, weights, b, mult, shift, outRef);
  macsTested += (long)p.batch * p.in_features * p.out_features;
  if (!compareS8("fully_connected", caseNo, outFast, outRef, outBytes))
    printf("  batch %ld in %ld out %ld\n", (long)p.batch, (long)p.in_features,
           (long)p.out_features);
}

/* Producer: output channels [c0, c0 + k) into a slice buffer. */
static void testProduce(int caseNo) {
  pex_conv_params p;
  randomConv(&p, 0, 32);
  const int32_t pixels = p.out_h * p.out_w;
  pickBias(p.out_c);
  memset(accRef, 0, (size_t)pixels * p.out_pixel_stride * 4);
  pex_ref_conv2d_s8_consume(&p, 0, p.in_c, input, weights, accRef);
  scalesFromAcc(accRef, pixels, p.out_pixel_stride, p.out_c, bias);
  const int32_t k = range(1, p.out_c);
  const int32_t c0 = range(0, p.out_c - k);
  pex_conv_params s = p;
  s.out_pixel_stride = k + (chance(30) ? range(1, 3) : 0);
  const int32_t outBytes = pixels * s.out_pixel_stride;
  memset(outFast, 0x5A, (size_t)outBytes);
  memset(outRef, 0x5A, (size_t)outBytes);
  pex_conv2d_s8_produce(&s, c0, k, input, weights, bias, mult, shift, outFast,
                        scratch);
  pex_ref_conv2d_s8_produce(&s, c0, k, input, weights, bias, mult, shift,
                            outRef);
  macsTested += (long)pixels * k * p.kernel_h * p.kernel_w * p.in_c;
  compareS8("produce", caseNo, outFast, outRef, outBytes);
}

/* Consumer + finish: the input channels in slices of k (remainder last),
 * each slice read from a slice buffer or as a view of the whole input; the
 * accumulator must equal the reference's after every slice, the whole
 * convolution's sums at the end, and the finish must give the convolution's
 * output. */
static void testConsume(int caseNo) {
  pex_conv_params p;
  randomConv(&p, 0, 40);
  const int32_t pixels = p.out_h * p.out_w;
  const int32_t accElems = pixels * p.out_pixel_stride;
  const int32_t k = range(1, p.in_c);
  if (pex_conv2d_s8_consume_scratch_bytes(&p, k) > (int32_t)sizeof(scratch))
    return;
  memset(accAll, 0, (size_t)accElems * 4);
  pex_ref_conv2d_s8_consume(&p, 0, p.in_c, input, weights, accAll);
  pickBias(p.out_c);
  scalesFromAcc(accAll, pixels, p.out_pixel_stride, p.out_c, bias);
  memset(accFast, 0, (size_t)accElems * 4);
  memset(accRef, 0, (size_t)accElems * 4);
  for (int32_t c0 = 0; c0 < p.in_c; c0 += k) {
    const int32_t n = c0 + k <= p.in_c ? k : p.in_c - c0;
    pex_conv_params s = p;
    const int8_t *in = input + c0;
    if (chance(50)) {
      /* Copy the slice into a buffer of its own. */
      s.in_pixel_stride = n + (chance(30) ? range(1, 3) : 0);
      for (int32_t q = 0; q < p.in_h * p.in_w; ++q)
        for (int32_t c = 0; c < n; ++c)
          sliceBuf[q * s.in_pixel_stride + c] =
              input[q * p.in_pixel_stride + c0 + c];
      in = sliceBuf;
    }
    pex_conv2d_s8_consume(&s, c0, n, in, weights, accFast, scratch);
    pex_ref_conv2d_s8_consume(&s, c0, n, in, weights, accRef);
    macsTested += (long)pixels * p.out_c * p.kernel_h * p.kernel_w * n;
    if (!compareS32("consume", caseNo, accFast, accRef, accElems))
      return;
  }
  if (!compareS32("consume-total", caseNo, accFast, accAll, accElems))
    return;
  const int32_t outBytes = pixels * p.out_pixel_stride;
  memset(outFast, 0x5A, (size_t)outBytes);
  memset(outRef, 0x5A, (size_t)outBytes);
  pex_requantize_s32_s8(accFast, pixels, p.out_c, p.out_pixel_stride, bias,
                        mult, shift, p.output_zp, p.act_min, p.act_max,
                        outFast, p.out_pixel_stride);
  pex_ref_conv2d_s8(&p, input, weights, bias, mult, shift, outRef);
  compareS8("consume-finish", caseNo, outFast, outRef, outBytes);
}

/* Finish on arbitrary accumulators, including the int32 extremes. */
static void testRequantize(int caseNo) {
  const int32_t pixels = range(1, 30), channels = range(1, 40);
  const int32_t accStride = channels + (chance(30) ? range(1, 3) : 0);
  const int32_t outStride = channels + (chance(30) ? range(1, 3) : 0);
  static const int32_t edges[] = {INT32_MIN, INT32_MAX, 0, -1, 1,
                                  -0x40000000, 0x3FFFFFFF, -0x40000001};
  for (int32_t i = 0; i < pixels * accStride; ++i)
    accFast[i] = chance(20) ? pick(edges, 8)
                 : chance(50) ? range(-100000, 100000)
                              : (int32_t)rnd();
  int32_t outZp, actMin, actMax, inZp;
  pickQuant(&inZp, &outZp, &actMin, &actMax);
  const int32_t *b = chance(30) ? 0 : bias;
  for (int32_t c = 0; c < channels; ++c)
    bias[c] = chance(50) ? 0 : range(-1000, 1000);
  scalesFromAcc(accFast, pixels, accStride, channels, b);
  const int32_t outBytes = pixels * outStride;
  memset(outFast, 0x5A, (size_t)outBytes);
  memset(outRef, 0x5A, (size_t)outBytes);
  pex_requantize_s32_s8(accFast, pixels, channels, accStride, b, mult, shift,
                        outZp, actMin, actMax, outFast, outStride);
  pex_ref_requantize_s32_s8(accFast, pixels, channels, accStride, b, mult,
                            shift, outZp, actMin, actMax, outRef, outStride);
  compareS8("requantize", caseNo, outFast, outRef, outBytes);
}

/* apply_scale_32 on every valid shift with edge values and multipliers. */
static void testApplyScale(void) {
  static const int32_t values[] = {
      INT32_MIN, INT32_MIN + 1, -0x40000001, -0x40000000, -0x3FFFFFFF,
      -65536, -32769, -32768, -255, -129, -128, -3, -2, -1, 0, 1, 2, 3,
      127, 128, 255, 32767, 32768, 65535, 0x3FFFFFFF, 0x40000000,
      INT32_MAX - 1, INT32_MAX};
  static const int32_t mults[] = {0, 1, 2, 3, 0x40000000, 0x40000001,
                                  0x55555555, 0x7FFFFFFE, 0x7FFFFFFF};
  const int32_t nv = sizeof(values) / sizeof(values[0]);
  const int32_t nm = sizeof(mults) / sizeof(mults[0]);
  long bad = 0, n = 0;
  for (int32_t s = 2; s <= 62; ++s)
    for (int32_t m = 0; m < nm + 40; ++m) {
      int32_t mv = m < nm ? mults[m] : (int32_t)(rnd() & 0x7FFFFFFF);
      for (int32_t v = 0; v < nv + 40; ++v) {
        int32_t x = v < nv ? values[v] : (int32_t)rnd() >> (rnd() % 32);
        /* REQUIRE(-(1 << (s-1)) <= x < 1 << (s-1)), which a multiplier of
         * 0 does not need: the result is 0 for any x. */
        if (s < 32 && mv != 0) {
          int64_t half = (int64_t)1 << (s - 1);
          if (x < -half || x >= half)
            continue;
        }
        ++n;
        int32_t a = pex_apply_scale_32(x, mv, s);
        int32_t r = pex_ref_apply_scale_32(x, mv, s);
        if (a != r) {
          if (bad < 5)
            printf("MISMATCH apply_scale_32(%ld, %ld, %ld): %ld, ref %ld\n",
                   (long)x, (long)mv, (long)s, (long)a, (long)r);
          ++bad;
        }
      }
    }
  ++checks;
  failures += bad;
  printf("apply_scale_32: %ld values, %ld mismatches\n", n, bad);
}

int main(void) {
  testApplyScale();
  for (int i = 0; i < 6; ++i)
    testFixedShapes();
  for (int i = 0; i < KT_CASES; ++i) {
    testConv(i);
    testDepthwise(i);
    testFullyConnected(i);
    testProduce(i);
    testConsume(i);
    testRequantize(i);
  }
  printf("kernels: %ld comparisons, %ld MACs, %ld failures\n", checks,
         macsTested, failures);
  printf(failures ? "FAIL\n" : "PASS\n");
  return failures ? 1 : 0;
}
