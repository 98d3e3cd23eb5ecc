/* The ARMv7E-M DSP instructions the kernels use: ACLE intrinsics when the
 * target has the DSP extension, portable C with the same results otherwise
 * (host builds and tests; define PEX_KERNELS_PORTABLE to force it). All
 * values are 32-bit words; "int16x2" words hold two int16 lanes, lane 0 in
 * bits 0-15. */

#ifndef PEX_DSP_H
#define PEX_DSP_H

#include <stdint.h>

/* Two int16 lanes (lo in lane 0). */
static inline uint32_t pex_pack2(int32_t lo, int32_t hi) {
  return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16);
}

#if defined(__ARM_FEATURE_DSP) && !defined(PEX_KERNELS_PORTABLE)
#include <arm_acle.h>
#define PEX_DSP_ACLE 1
/* sxtb16: bytes 0 and 2, sign-extended, as two int16 lanes. */
static inline uint32_t pex_sxtb16(uint32_t x) {
  return (uint32_t)__sxtb16((int32_t)x);
}
/* The same of x rotated right by 8 (bytes 1 and 3); one instruction. */
static inline uint32_t pex_sxtb16_ror8(uint32_t x) {
  return (uint32_t)__sxtb16((int32_t)__ror(x, 8));
}
/* sxtab16: lanes of a plus bytes 0 and 2 of x (sign-extended). */
static inline uint32_t pex_sxtab16(uint32_t a, uint32_t x) {
  return (uint32_t)__sxtab16((int32_t)a, (int32_t)x);
}
static inline uint32_t pex_sxtab16_ror8(uint32_t a, uint32_t x) {
  return (uint32_t)__sxtab16((int32_t)a, (int32_t)__ror(x, 8));
}
/* smlad: acc + a.lane0 * b.lane0 + a.lane1 * b.lane1 (wrapping). */
static inline int32_t pex_smlad(uint32_t a, uint32_t b, int32_t acc) {
  return __smlad((int32_t)a, (int32_t)b, acc);
}
/* smlabb / smlatt: acc + bottom * bottom, acc + top * top. */
static inline int32_t pex_smlabb(uint32_t a, uint32_t b, int32_t acc) {
  return __smlabb((int32_t)a, (int32_t)b, acc);
}
static inline int32_t pex_smlatt(uint32_t a, uint32_t b, int32_t acc) {
  return __smlatt((int32_t)a, (int32_t)b, acc);
}
/* smlabt: acc + a.lane0 * b.lane1. */
static inline int32_t pex_smlabt(uint32_t a, uint32_t b, int32_t acc) {
  return __smlabt((int32_t)a, (int32_t)b, acc);
}
#else
#define PEX_DSP_ACLE 0
static inline int32_t pex_lane(uint32_t x, int lane) {
  return (int16_t)(uint16_t)(x >> (16 * lane));
}
static inline uint32_t pex_sxtb16(uint32_t x) {
  return pex_pack2((int8_t)(uint8_t)x, (int8_t)(uint8_t)(x >> 16));
}
static inline uint32_t pex_sxtb16_ror8(uint32_t x) {
  return pex_sxtb16(x >> 8);
}
static inline uint32_t pex_sxtab16(uint32_t a, uint32_t x) {
  return pex_pack2(pex_lane(a, 0) + (int8_t)(uint8_t)x,
                    pex_lane(a, 1) + (int8_t)(uint8_t)(x >> 16));
}
static inline uint32_t pex_sxtab16_ror8(uint32_t a, uint32_t x) {
  return pex_sxtab16(a, x >> 8);
}
static inline int32_t pex_smlad(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(pex_lane(a, 0) * pex_lane(b, 0)) +
                   (uint32_t)(pex_lane(a, 1) * pex_lane(b, 1)));
}
static inline int32_t pex_smlabb(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(pex_lane(a, 0) * pex_lane(b, 0)));
}
static inline int32_t pex_smlatt(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(pex_lane(a, 1) * pex_lane(b, 1)));
}
static inline int32_t pex_smlabt(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(pex_lane(a, 0) * pex_lane(b, 1)));
}
#endif

/* Unaligned little-endian 32-bit load and store (one LDR/STR on v7-M). */
static inline uint32_t pex_load32(const void *p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}
static inline void pex_store32(void *p, uint32_t v) {
  __builtin_memcpy(p, &v, 4);
}

#endif /* PEX_DSP_H */
