/* Naive reference kernels: the TOSA specification's loops and int64
 * arithmetic, written for clarity, not speed. The fast kernels in
 * pex_kernels.c are tested against these bit for bit. */

#include "pex_kernels.h"

int32_t pex_ref_apply_scale_32(int32_t value, int32_t multiplier,
                               int32_t shift) {
  int64_t round = (int64_t)1 << (shift - 1);
  if (shift > 31)
    round += value >= 0 ? ((int64_t)1 << 30) : -((int64_t)1 << 30);
  int64_t result = ((int64_t)value * multiplier + round) >> shift;
  return (int32_t)result;
}

static int8_t refOutput(int32_t acc, int32_t multiplier, int32_t shift,
                        int32_t zp, int32_t actMin, int32_t actMax) {
  int64_t y = (int64_t)pex_ref_apply_scale_32(acc, multiplier, shift) + zp;
  /* tosa.rescale saturates to int8, tosa.clamp then applies the activation. */
  if (y < -128)
    y = -128;
  if (y > 127)
    y = 127;
  if (y < actMin)
    y = actMin;
  if (y > actMax)
    y = actMax;
  return (int8_t)y;
}

/* Sum over the window of output pixel (oy, ox) and output channel o, input
 * channels [c0, c0 + k), without bias; `input` points at channel c0.
 * Wraps like int32 hardware. */
static int32_t refConvSum(const pex_conv_params *p, int32_t c0, int32_t k,
                          const int8_t *input, const int8_t *weights,
                          int32_t oy, int32_t ox, int32_t o) {
  uint32_t acc = 0;
  for (int32_t ky = 0; ky < p->kernel_h; ++ky) {
    int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
    if (iy < 0 || iy >= p->in_h)
      continue;
    for (int32_t kx = 0; kx < p->kernel_w; ++kx) {
      int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
      if (ix < 0 || ix >= p->in_w)
        continue;
      const int8_t *x = input + (iy * p->in_w + ix) * p->in_pixel_stride;
      const int8_t *w =
          weights +
          ((o * p->kernel_h + ky) * p->kernel_w + kx) * p->weight_in_stride +
          c0;
      for (int32_t c = 0; c < k; ++c)
        acc += (uint32_t)((x[c] - p->input_zp) * w[c]);
    }
  }
  return (int32_t)acc;
}

void pex_ref_conv2d_s8_produce(const pex_conv_params *p, int32_t c0, int32_t k,
                               const int8_t *input, const int8_t *weights,
                               const int32_t *bias,
                               const int32_t *multiplier,
                               const int8_t *shift, int8_t *output) {
  for (int32_t oy = 0; oy < p->out_h; ++oy)
    for (int32_t ox = 0; ox < p->out_w; ++ox)
      for (int32_t j = 0; j < k; ++j) {
        int32_t o = c0 + j;
        int32_t acc = refConvSum(p, 0, p->in_c, input, weights, oy, ox, o);
        if (bias)
          acc = (int32_t)((uint32_t)acc + (uint32_t)bias[o]);
        output[(oy * p->out_w + ox) * p->out_pixel_stride + j] =
            refOutput(acc, multiplier[o], shift[o], p->output_zp, p->act_min,
                      p->act_max);
      }
}

void pex_ref_conv2d_s8(const pex_conv_params *p, const int8_t *input,
                       const int8_t *weights, const int32_t *bias,
                       const int32_t *multiplier, const int8_t *shift,
                       int8_t *output) {
  pex_ref_conv2d_s8_produce(p, 0, p->out_c, input, weights, bias, multiplier,
                            shift, output);
}

void pex_ref_conv2d_s8_consume(const pex_conv_params *p, int32_t c0, int32_t k,
                               const int8_t *input, const int8_t *weights,
                               int32_t *acc) {
  /* `input` points at the slice's channel 0 (input channel c0). */
  for (int32_t oy = 0; oy < p->out_h; ++oy)
    for (int32_t ox = 0; ox < p->out_w; ++ox)
      for (int32_t o = 0; o < p->out_c; ++o) {
        int32_t sum = refConvSum(p, c0, k, input, weights, oy, ox, o);
        int32_t *a = &acc[(oy * p->out_w + ox) * p->out_pixel_stride + o];
        *a = (int32_t)((uint32_t)*a + (uint32_t)sum);
      }
}

void pex_ref_depthwise_conv2d_s8(const pex_conv_params *p,
                                 const int8_t *input, const int8_t *weights,
                                 const int32_t *bias,
                                 const int32_t *multiplier,
                                 const int8_t *shift, int8_t *output) {
  for (int32_t oy = 0; oy < p->out_h; ++oy)
    for (int32_t ox = 0; ox < p->out_w; ++ox)
      for (int32_t c = 0; c < p->in_c; ++c) {
        uint32_t acc = bias ? (uint32_t)bias[c] : 0;
        for (int32_t ky = 0; ky < p->kernel_h; ++ky) {
          int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
          if (iy < 0 || iy >= p->in_h)
            continue;
          for (int32_t kx = 0; kx < p->kernel_w; ++kx) {
            int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
            if (ix < 0 || ix >= p->in_w)
              continue;
            int32_t x = input[(iy * p->in_w + ix) * p->in_pixel_stride + c];
            int32_t w =
                weights[(ky * p->kernel_w + kx) * p->weight_in_stride + c];
            acc += (uint32_t)((x - p->input_zp) * w);
          }
        }
        output[(oy * p->out_w + ox) * p->out_pixel_stride + c] =
            refOutput((int32_t)acc, multiplier[c], shift[c], p->output_zp,
                      p->act_min, p->act_max);
      }
}

void pex_ref_fully_connected_s8(const pex_fc_params *p, const int8_t *input,
                                const int8_t *weights, const int32_t *bias,
                                const int32_t *multiplier,
                                const int8_t *shift, int8_t *output) {
  for (int32_t b = 0; b < p->batch; ++b)
    for (int32_t o = 0; o < p->out_features; ++o) {
      uint32_t acc = bias ? (uint32_t)bias[o] : 0;
      for (int32_t i = 0; i < p->in_features; ++i)
        acc += (uint32_t)((input[b * p->in_row_stride + i] - p->input_zp) *
                          weights[o * p->weight_in_stride + i]);
      output[b * p->out_row_stride + o] =
          refOutput((int32_t)acc, multiplier[o], shift[o], p->output_zp,
                    p->act_min, p->act_max);
    }
}

void pex_ref_requantize_s32_s8(const int32_t *acc, int32_t pixels,
                               int32_t channels, int32_t acc_pixel_stride,
                               const int32_t *bias, const int32_t *multiplier,
                               const int8_t *shift, int32_t output_zp,
                               int32_t act_min, int32_t act_max,
                               int8_t *output, int32_t out_pixel_stride) {
  for (int32_t q = 0; q < pixels; ++q)
    for (int32_t c = 0; c < channels; ++c) {
      uint32_t a = (uint32_t)acc[q * acc_pixel_stride + c];
      if (bias)
        a += (uint32_t)bias[c];
      output[q * out_pixel_stride + c] = refOutput(
          (int32_t)a, multiplier[c], shift[c], output_zp, act_min, act_max);
    }
}
