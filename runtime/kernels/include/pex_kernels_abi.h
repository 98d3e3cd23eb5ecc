/* The C ABI of the Pex kernel library, shared by the library (C) and the
 * compiler that calls it (C++, lib/Conversion/KernelToFunc): the fields of
 * the parameter blocks with their indices, the conv scratch-size formula and
 * the list of entry points the compiler calls. One definition, used by
 * both, so that the two cannot drift apart.
 *
 * A parameter block is a struct of int32_t only, so that the compiler can
 * emit it as a constant i32 array in flash and pass its address: field
 * number i is the i-th int32 of the array. The X-macro lists below define
 * the struct (pex_kernels.h), the index enumerators PEX_CONV_<FIELD> /
 * PEX_FC_<FIELD> and the field counts; both languages check the offsets.
 *
 * Freestanding C99 / C++17: <stdint.h> and <stddef.h> only. */

#ifndef PEX_KERNELS_ABI_H
#define PEX_KERNELS_ABI_H

#include <stddef.h>
#include <stdint.h>

/* X(NAME, field): pex_conv_params, in order (21 int32). Geometry and
 * quantisation of one convolution (conv2d, depthwise_conv2d). */
#define PEX_CONV_PARAM_FIELDS(X)                                               \
  X(IN_H, in_h)                 /* input extent */                             \
  X(IN_W, in_w)                                                                \
  X(IN_C, in_c)                 /* input channels (depthwise: channels) */     \
  X(IN_PIXEL_STRIDE, in_pixel_stride) /* elements between adjacent input      \
                                         pixels, >= the channels read */      \
  X(OUT_H, out_h)               /* output extent */                            \
  X(OUT_W, out_w)                                                              \
  X(OUT_C, out_c)               /* output channels (depthwise: = in_c) */      \
  X(OUT_PIXEL_STRIDE, out_pixel_stride) /* elements between adjacent output   \
                                           pixels (int8 output or int32       \
                                           accumulator) */                    \
  X(KERNEL_H, kernel_h)                                                        \
  X(KERNEL_W, kernel_w)                                                        \
  X(STRIDE_H, stride_h)                                                        \
  X(STRIDE_W, stride_w)                                                        \
  X(DILATION_H, dilation_h)                                                    \
  X(DILATION_W, dilation_w)                                                    \
  X(PAD_TOP, pad_top)           /* TOSA pad [top, bottom, left, right]:        \
                                   bottom and right follow from out_h, out_w */\
  X(PAD_LEFT, pad_left)                                                        \
  X(WEIGHT_IN_STRIDE, weight_in_stride) /* Cw, the last dimension of the      \
                                           weight tensor (>= in_c) */         \
  X(INPUT_ZP, input_zp)         /* [-128, 127]; padding reads as input_zp */   \
  X(OUTPUT_ZP, output_zp)       /* [-128, 127] */                              \
  X(ACT_MIN, act_min)           /* clamp after the rescale, in int8 units */   \
  X(ACT_MAX, act_max)

/* X(NAME, field): pex_fc_params, in order (10 int32). Fully connected:
 * `batch` rows of `in_features` int8 values. */
#define PEX_FC_PARAM_FIELDS(X)                                                 \
  X(BATCH, batch)                                                              \
  X(IN_FEATURES, in_features)                                                  \
  X(OUT_FEATURES, out_features)                                                \
  X(IN_ROW_STRIDE, in_row_stride)   /* elements between input rows */         \
  X(OUT_ROW_STRIDE, out_row_stride) /* elements between output rows */        \
  X(WEIGHT_IN_STRIDE, weight_in_stride) /* Cw of weights [O][Cw]              \
                                           (>= in_features) */                \
  X(INPUT_ZP, input_zp)                                                        \
  X(OUTPUT_ZP, output_zp)                                                      \
  X(ACT_MIN, act_min)                                                          \
  X(ACT_MAX, act_max)

/* X(function): the entry points the compiler calls
 * (mlir::pex::kernel::getLibraryFunctions()). */
#define PEX_KERNEL_ENTRY_POINTS(X)                                             \
  X(pex_conv2d_s8)                                                             \
  X(pex_depthwise_conv2d_s8)                                                   \
  X(pex_fully_connected_s8)                                                    \
  X(pex_conv2d_s8_consume)                                                     \
  X(pex_requantize_s32_s8)

#define PEX_ABI_FIELD_(NAME, field) int32_t field;
#define PEX_ABI_CONV_INDEX_(NAME, field) PEX_CONV_##NAME,
#define PEX_ABI_FC_INDEX_(NAME, field) PEX_FC_##NAME,

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pex_conv_params {
  PEX_CONV_PARAM_FIELDS(PEX_ABI_FIELD_)
} pex_conv_params;

typedef struct pex_fc_params {
  PEX_FC_PARAM_FIELDS(PEX_ABI_FIELD_)
} pex_fc_params;

/* The index of each field in its block, and the number of fields. */
enum pex_conv_param_index {
  PEX_CONV_PARAM_FIELDS(PEX_ABI_CONV_INDEX_) PEX_CONV_NUM_PARAMS
};
enum pex_fc_param_index {
  PEX_FC_PARAM_FIELDS(PEX_ABI_FC_INDEX_) PEX_FC_NUM_PARAMS
};

/* Bytes of scratch a convolution needs for windows of kernel_h x kernel_w
 * taps of `channels` input channels: the im2col pair buffer (two windows of
 * int16, 4 bytes per window value), then, when the window is gathered as
 * int8 first (not segmented, more than one tap, channels not a multiple of
 * 4), the int8 staging of one window rounded up to 4 bytes. `segmented`:
 * the window is not contiguous in the weights (more than one tap and
 * weight_in_stride != channels), so it is processed tap by tap. */
/* The library computes sizes in int32 (its ABI); the compiler evaluates
 * the same formula in int64, so that a window too large for the target
 * still gets its exact size (which then fails to fit the memory). */
#ifdef __cplusplus
typedef int64_t pex_abi_size;
#else
typedef int32_t pex_abi_size;
#endif

static inline pex_abi_size pex_conv_uses_stage(pex_abi_size kernel_h,
                                               pex_abi_size kernel_w,
                                               pex_abi_size channels,
                                               pex_abi_size segmented) {
  return !segmented && kernel_h * kernel_w > 1 && (channels & 3);
}

static inline pex_abi_size pex_conv_scratch_bytes(pex_abi_size kernel_h,
                                                  pex_abi_size kernel_w,
                                                  pex_abi_size channels,
                                                  pex_abi_size segmented) {
  const pex_abi_size window = kernel_h * kernel_w * channels;
  return 4 * window +
         (pex_conv_uses_stage(kernel_h, kernel_w, channels, segmented)
              ? (window + 3) & ~(pex_abi_size)3
              : 0);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

/* Field offsets: field i at byte 4 * i, no padding. */
#ifdef __cplusplus
#define PEX_ABI_STATIC_ASSERT_(cond, msg) static_assert(cond, msg)
#else
#define PEX_ABI_STATIC_ASSERT_(cond, msg) _Static_assert(cond, msg)
#endif
#define PEX_ABI_CHECK_CONV_(NAME, field)                                       \
  PEX_ABI_STATIC_ASSERT_(offsetof(pex_conv_params, field) ==                   \
                             4 * PEX_CONV_##NAME,                              \
                         "pex_conv_params." #field " is not at its index");
#define PEX_ABI_CHECK_FC_(NAME, field)                                         \
  PEX_ABI_STATIC_ASSERT_(offsetof(pex_fc_params, field) == 4 * PEX_FC_##NAME,  \
                         "pex_fc_params." #field " is not at its index");
PEX_CONV_PARAM_FIELDS(PEX_ABI_CHECK_CONV_)
PEX_FC_PARAM_FIELDS(PEX_ABI_CHECK_FC_)
PEX_ABI_STATIC_ASSERT_(PEX_CONV_NUM_PARAMS == 21 &&
                           sizeof(pex_conv_params) == 4 * PEX_CONV_NUM_PARAMS,
                       "pex_conv_params is 21 consecutive int32");
PEX_ABI_STATIC_ASSERT_(PEX_FC_NUM_PARAMS == 10 &&
                           sizeof(pex_fc_params) == 4 * PEX_FC_NUM_PARAMS,
                       "pex_fc_params is 10 consecutive int32");
#undef PEX_ABI_CHECK_CONV_
#undef PEX_ABI_CHECK_FC_

#endif /* PEX_KERNELS_ABI_H */
