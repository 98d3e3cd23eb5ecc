/* Pex int8 micro-kernels for ARMv7E-M (Cortex-M4/M7), bit-exact with TOSA.
 *
 * Arithmetic (TOSA 1.0, what Pex's TOSA and TFLite Micro compute):
 *   acc = bias[o] + sum (x - input_zp) * w          (int32; weight zero point 0)
 *   y   = apply_scale_32(acc, multiplier[o], shift[o], double_round = true)
 *   out = clamp(y + output_zp, max(act_min, -128), min(act_max, 127))
 * i.e. tosa.conv2d / tosa.depthwise_conv2d -> tosa.rescale {scale32,
 * DOUBLE_ROUND, per_channel} -> tosa.clamp. multiplier[o] >= 0 and
 * 2 <= shift[o] <= 62 as in tosa.rescale; like the specification, the kernels
 * require |acc| < 2^(shift - 1) when shift < 32 (the rescale result then fits
 * int32) and an accumulator that fits int32.
 *
 * Layouts are TOSA's: activations NHWC (one batch element per call: the
 * caller loops over N), conv2d weights [O][KH][KW][Cw], depthwise weights
 * [KH][KW][Cw][1] (channel multiplier 1), fully connected weights [O][Cw].
 * No kernel needs repacked weights: a channel slice of a TOSA weight tensor
 * is a pointer offset plus the weight stride Cw.
 *
 * Every size and stride is an int32_t counted in elements. A parameter block
 * is a struct of int32_t only, so a compiler can emit it as a constant i32
 * array in flash and pass its address.
 *
 * Pointers: int8 tensors need no alignment; int32 arrays (bias,
 * multiplier, acc) and `scratch` must be 4-byte aligned (LDRD/LDM).
 * Scratch sizes come from the *_scratch_bytes functions; depthwise and
 * fully connected need none. The kernels keep no state and allocate
 * nothing; their stack use is under 1 KiB.
 */

#ifndef PEX_KERNELS_H
#define PEX_KERNELS_H

#include <stdint.h>

#include "pex_kernels_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The parameter blocks pex_conv_params (21 int32: in_h, in_w, in_c,
 * in_pixel_stride, out_h, out_w, out_c, out_pixel_stride, kernel_h,
 * kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left,
 * weight_in_stride, input_zp, output_zp, act_min, act_max) and pex_fc_params
 * (10 int32: batch, in_features, out_features, in_row_stride,
 * out_row_stride, weight_in_stride, input_zp, output_zp, act_min, act_max)
 * are defined, with their field indices and comments, in pex_kernels_abi.h,
 * which the compiler shares. */

/* ---- Whole operators ------------------------------------------------- */

/* Bytes of `scratch` pex_conv2d_s8 needs (two im2col columns of int16). */
int32_t pex_conv2d_s8_scratch_bytes(const pex_conv_params *p);

/* conv2d -> rescale -> clamp. weights: [out_c][kernel_h][kernel_w][Cw];
 * bias may be NULL (zero). */
void pex_conv2d_s8(const pex_conv_params *p, const int8_t *input,
                   const int8_t *weights, const int32_t *bias,
                   const int32_t *multiplier, const int8_t *shift,
                   int8_t *output, void *scratch);

/* depthwise_conv2d (multiplier 1) -> rescale -> clamp. weights:
 * [kernel_h][kernel_w][Cw][1]; channels = p->in_c = p->out_c. For a channel
 * slice [c0, c0 + k) pass input + c0 (or the slice buffer), weights + c0,
 * bias + c0, multiplier + c0, shift + c0, in_c = out_c = k. No scratch. */
void pex_depthwise_conv2d_s8(const pex_conv_params *p, const int8_t *input,
                             const int8_t *weights, const int32_t *bias,
                             const int32_t *multiplier, const int8_t *shift,
                             int8_t *output);

/* Fully connected -> rescale -> clamp. weights [out_features][Cw]; bias may
 * be NULL. No scratch. */
void pex_fully_connected_s8(const pex_fc_params *p, const int8_t *input,
                            const int8_t *weights, const int32_t *bias,
                            const int32_t *multiplier, const int8_t *shift,
                            int8_t *output);

/* ---- Partial execution (channel slices) ------------------------------ */

/* Producer: p describes the whole convolution (out_c = all output
 * channels); computes output channels [c0, c0 + k) only. weights, bias,
 * multiplier and shift are the whole tensors; channel c0 + j of output pixel
 * q goes to output[q * p->out_pixel_stride + j] (a slice buffer with stride
 * k, or a whole tensor at offset c0 with stride out_c). Scratch as
 * pex_conv2d_s8. */
void pex_conv2d_s8_produce(const pex_conv_params *p, int32_t c0, int32_t k,
                           const int8_t *input, const int8_t *weights,
                           const int32_t *bias, const int32_t *multiplier,
                           const int8_t *shift, int8_t *output,
                           void *scratch);

/* Bytes of scratch pex_conv2d_s8_consume needs for slices of k channels. */
int32_t pex_conv2d_s8_consume_scratch_bytes(const pex_conv_params *p, int32_t k);

/* Consumer: p describes the whole convolution (weight_in_stride = Cw);
 * input points at input channel c0 of the buffer that holds the slice
 * (p->in_pixel_stride is that buffer's pixel stride). Adds, for every output
 * pixel q and channel o,
 *   sum over taps and c in [c0, c0 + k) of (x - input_zp) * w[o][ky][kx][c]
 * to acc[q * p->out_pixel_stride + o] (int32, wrapping), with no bias:
 * summed over the slices, the accumulator is the whole convolution's int32
 * result without bias, bit for bit. Zero the accumulator before the first
 * slice. */
void pex_conv2d_s8_consume(const pex_conv_params *p, int32_t c0, int32_t k,
                           const int8_t *input, const int8_t *weights,
                           int32_t *acc, void *scratch);

/* Finish: output = clamp(apply_scale_32(acc + bias) + output_zp) for
 * `pixels` pixels of `channels` channels. bias may be NULL. */
void pex_requantize_s32_s8(const int32_t *acc, int32_t pixels,
                           int32_t channels, int32_t acc_pixel_stride,
                           const int32_t *bias, const int32_t *multiplier,
                           const int8_t *shift, int32_t output_zp,
                           int32_t act_min, int32_t act_max, int8_t *output,
                           int32_t out_pixel_stride);

/* TOSA apply_scale_32 with double rounding (the kernels' arithmetic). */
int32_t pex_apply_scale_32(int32_t value, int32_t multiplier, int32_t shift);

/* ---- Naive reference kernels (same contracts, plain C loops) ---------- */

void pex_ref_conv2d_s8(const pex_conv_params *p, const int8_t *input,
                       const int8_t *weights, const int32_t *bias,
                       const int32_t *multiplier, const int8_t *shift,
                       int8_t *output);
void pex_ref_depthwise_conv2d_s8(const pex_conv_params *p,
                                 const int8_t *input, const int8_t *weights,
                                 const int32_t *bias,
                                 const int32_t *multiplier,
                                 const int8_t *shift, int8_t *output);
void pex_ref_fully_connected_s8(const pex_fc_params *p, const int8_t *input,
                                const int8_t *weights, const int32_t *bias,
                                const int32_t *multiplier,
                                const int8_t *shift, int8_t *output);
void pex_ref_conv2d_s8_produce(const pex_conv_params *p, int32_t c0, int32_t k,
                               const int8_t *input, const int8_t *weights,
                               const int32_t *bias,
                               const int32_t *multiplier,
                               const int8_t *shift, int8_t *output);
void pex_ref_conv2d_s8_consume(const pex_conv_params *p, int32_t c0, int32_t k,
                               const int8_t *input, const int8_t *weights,
                               int32_t *acc);
void pex_ref_requantize_s32_s8(const int32_t *acc, int32_t pixels,
                               int32_t channels, int32_t acc_pixel_stride,
                               const int32_t *bias, const int32_t *multiplier,
                               const int8_t *shift, int32_t output_zp,
                               int32_t act_min, int32_t act_max,
                               int8_t *output, int32_t out_pixel_stride);
/* int64 arithmetic straight from the TOSA specification. */
int32_t pex_ref_apply_scale_32(int32_t value, int32_t multiplier,
                               int32_t shift);

#ifdef __cplusplus
}
#endif

#endif /* PEX_KERNELS_H */
