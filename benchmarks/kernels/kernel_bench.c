/* Instruction counts of the Pex int8 kernels on QEMU's Cortex-M4 under
 * -icount shift=0 (SysTick on the 25 MHz processor clock: one tick is 40
 * instructions), naive reference kernels against the DSP kernels, on the
 * layers listed in the generated header bench_layers.h (see
 * kernel_bench.py). Every fast output is also compared with the
 * reference's. Prints one line per layer:
 *   layer=<i> macs=<n> fast_ticks=<t> ref_ticks=<t> exact=<0|1> */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pex_kernels.h"

enum { CONV, DEPTHWISE, FC, PRODUCE, CONSUME };

typedef struct {
  int kind;
  int32_t slice;  /* PRODUCE / CONSUME: channels per slice */
  pex_conv_params conv;
  pex_fc_params fc;
} Layer;

#include "bench_layers.h"

extern volatile uint32_t pex_systick_wraps;
#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)

static void startTicks(void) {
  SYST_CSR = 0;
  SYST_RVR = 0xFFFFFF;
  SYST_CVR = 0;
  pex_systick_wraps = 0;
  SYST_CSR = 7;
}

static uint64_t stopTicks(void) {
  uint32_t current = SYST_CVR;
  SYST_CSR = 0;
  return (uint64_t)pex_systick_wraps * 0x1000000u + (0xFFFFFFu - current);
}

#define MAX_BYTES (256 * 1024)
static int8_t input[MAX_BYTES], weights[MAX_BYTES];
static int8_t outFast[MAX_BYTES], outRef[MAX_BYTES];
static int32_t accFast[MAX_BYTES], accRef[MAX_BYTES];
static uint32_t scratch[2048];
static int32_t bias[1024], mult[1024];
static int8_t shift[1024];

static uint32_t rngState = 2463534242u;
static uint32_t rnd(void) {
  uint32_t x = rngState;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rngState = x;
}

static void fill(int8_t *p, int32_t n) {
  for (int32_t i = 0; i < n; ++i)
    p[i] = (int8_t)(rnd() >> 8);
}

/* Typical TFLite quantisation: multiplier in [2^30, 2^31), shift 36..40. */
static void quant(int32_t channels) {
  for (int32_t c = 0; c < channels; ++c) {
    bias[c] = (int32_t)(rnd() % 20001) - 10000;
    mult[c] = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
    shift[c] = (int8_t)(36 + rnd() % 5);
  }
}

int main(void) {
  for (int i = 0; i < (int)(sizeof(layers) / sizeof(layers[0])); ++i) {
    const Layer *l = &layers[i];
    const pex_conv_params *p = &l->conv;
    uint64_t fast = 0, ref = 0, macs = 0;
    int exact = 1;
    if (l->kind == FC) {
      const pex_fc_params *f = &l->fc;
      fill(input, f->batch * f->in_row_stride);
      fill(weights, f->out_features * f->weight_in_stride);
      quant(f->out_features);
      startTicks();
      pex_fully_connected_s8(f, input, weights, bias, mult, shift, outFast);
      fast = stopTicks();
      startTicks();
      pex_ref_fully_connected_s8(f, input, weights, bias, mult, shift, outRef);
      ref = stopTicks();
      macs = (uint64_t)f->batch * f->in_features * f->out_features;
      exact = !memcmp(outFast, outRef, (size_t)(f->batch * f->out_row_stride));
    } else {
      const int32_t pixels = p->out_h * p->out_w;
      const int32_t taps = p->kernel_h * p->kernel_w;
      fill(input, p->in_h * p->in_w * p->in_pixel_stride);
      fill(weights, (l->kind == DEPTHWISE ? 1 : p->out_c) * taps *
                        p->weight_in_stride);
      quant(p->out_c);
      if (l->kind == CONV) {
        startTicks();
        pex_conv2d_s8(p, input, weights, bias, mult, shift, outFast, scratch);
        fast = stopTicks();
        startTicks();
        pex_ref_conv2d_s8(p, input, weights, bias, mult, shift, outRef);
        ref = stopTicks();
        macs = (uint64_t)pixels * p->out_c * taps * p->in_c;
        exact = !memcmp(outFast, outRef, (size_t)(pixels * p->out_pixel_stride));
      } else if (l->kind == DEPTHWISE) {
        startTicks();
        pex_depthwise_conv2d_s8(p, input, weights, bias, mult, shift, outFast);
        fast = stopTicks();
        startTicks();
        pex_ref_depthwise_conv2d_s8(p, input, weights, bias, mult, shift,
                                    outRef);
        ref = stopTicks();
        macs = (uint64_t)pixels * p->out_c * taps;
        exact = !memcmp(outFast, outRef, (size_t)(pixels * p->out_pixel_stride));
      } else if (l->kind == PRODUCE) {
        /* Every slice of the output channels, into one slice buffer. */
        pex_conv_params s = *p;
        s.out_pixel_stride = l->slice;
        for (int32_t c0 = 0; c0 < p->out_c; c0 += l->slice) {
          const int32_t k = c0 + l->slice <= p->out_c ? l->slice : p->out_c - c0;
          startTicks();
          pex_conv2d_s8_produce(&s, c0, k, input, weights, bias, mult, shift,
                                outFast, scratch);
          fast += stopTicks();
          startTicks();
          pex_ref_conv2d_s8_produce(&s, c0, k, input, weights, bias, mult,
                                    shift, outRef);
          ref += stopTicks();
          exact &= !memcmp(outFast, outRef, (size_t)(pixels * s.out_pixel_stride));
        }
        macs = (uint64_t)pixels * p->out_c * taps * p->in_c;
      } else {
        /* CONSUME: every slice of the input channels (views of the whole
         * input), then the finish. */
        memset(accFast, 0, (size_t)pixels * p->out_pixel_stride * 4);
        memset(accRef, 0, (size_t)pixels * p->out_pixel_stride * 4);
        for (int32_t c0 = 0; c0 < p->in_c; c0 += l->slice) {
          const int32_t k = c0 + l->slice <= p->in_c ? l->slice : p->in_c - c0;
          startTicks();
          pex_conv2d_s8_consume(p, c0, k, input + c0, weights, accFast, scratch);
          fast += stopTicks();
          startTicks();
          pex_ref_conv2d_s8_consume(p, c0, k, input + c0, weights, accRef);
          ref += stopTicks();
        }
        startTicks();
        pex_requantize_s32_s8(accFast, pixels, p->out_c, p->out_pixel_stride,
                              bias, mult, shift, p->output_zp, p->act_min,
                              p->act_max, outFast, p->out_pixel_stride);
        fast += stopTicks();
        startTicks();
        pex_ref_requantize_s32_s8(accRef, pixels, p->out_c,
                                  p->out_pixel_stride, bias, mult, shift,
                                  p->output_zp, p->act_min, p->act_max,
                                  outRef, p->out_pixel_stride);
        ref += stopTicks();
        macs = (uint64_t)pixels * p->out_c * taps * p->in_c;
        exact = !memcmp(outFast, outRef, (size_t)(pixels * p->out_pixel_stride));
      }
    }
    printf("layer=%d macs=%llu fast_ticks=%llu ref_ticks=%llu exact=%d\n", i,
           (unsigned long long)macs, (unsigned long long)fast,
           (unsigned long long)ref, exact);
  }
  return 0;
}
