/* The profiling hooks of pex-compile --profile (--pex-cortexm-profile wraps
 * each operator's code in pex_profile_begin(id) / pex_profile_end(id)).
 *
 * Each hook reads SysTick, which under -icount shift=0 ticks once per 40
 * instructions: pex_profile_end adds the ticks since the matching begin to
 * the id's count. Intervals are taken modulo the 24-bit counter, which is
 * exact for one region shorter than 2^24 ticks (671 M instructions), so no
 * wrap counter is read; ids may nest (a chain around its operators).
 *
 * pex_profile_calibrate measures the hooks themselves before the inference:
 * the ticks of CALIBRATION_PAIRS empty begin/end pairs (their whole cost)
 * and the ticks they count (the part of a pair inside its region), so that
 * the driver can take them out of the figures. pex_profile_print prints
 * the counts after the inference. pex-run-qemu builds this file with
 * PEX_PROFILE_IDS (the number of ids of the model) when it profiles. */

#include <stdint.h>
#include <stdio.h>

#ifndef PEX_PROFILE_IDS
#define PEX_PROFILE_IDS 1
#endif
/* One id more for the calibration. */
#define SLOTS (PEX_PROFILE_IDS + 1)
#define CALIBRATION_ID PEX_PROFILE_IDS
#define CALIBRATION_PAIRS 256

#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)

/* Written during the inference: in the write check's writable section. */
__attribute__((section(".pex_rw"))) static uint32_t pexStart[SLOTS];
__attribute__((section(".pex_rw"))) static uint32_t pexTicks[SLOTS];
__attribute__((section(".pex_rw"))) static uint32_t pexCalls[SLOTS];
static uint32_t pexPairTicks;

/* Called from assembly, by the model and by the calibration: kept out of
 * line and unspecialised. */
__attribute__((noipa)) void pex_profile_begin(int32_t id) {
  if ((uint32_t)id < SLOTS)
    pexStart[id] = SYST_CVR;
}

__attribute__((noipa)) void pex_profile_end(int32_t id) {
  uint32_t now = SYST_CVR;
  if ((uint32_t)id < SLOTS) {
    /* SysTick counts down. */
    pexTicks[id] += (pexStart[id] - now) & 0xFFFFFFu;
    ++pexCalls[id];
  }
}

/* The model's call sequence (--pex-cortexm-profile's inline assembly); ids
 * are expanded before they are pasted into the string. */
#define HOOK_SEQUENCE(hook, id)                                                \
  "push {r0, r1, r2, r3, r12, lr}\n\t"                                         \
  "movw r0, #" #id "\n\t"                                                      \
  "bl " #hook "\n\t"                                                           \
  "pop {r0, r1, r2, r3, r12, lr}"
#define CALL_HOOK(hook, id)                                                    \
  __asm volatile(HOOK_SEQUENCE(hook, id)::: "memory", "cc")
#define CALL_HOOK_ID(hook, id) CALL_HOOK(hook, id)
#define PAIR                                                                   \
  CALL_HOOK_ID(pex_profile_begin, CALIBRATION_ID);                             \
  CALL_HOOK_ID(pex_profile_end, CALIBRATION_ID);

void pex_profile_calibrate(void) {
  SYST_RVR = 0xFFFFFF;
  SYST_CVR = 0;
  SYST_CSR = 5; /* processor clock, no interrupt */
  /* Unrolled eight times: the loop's own instructions are an eighth of a
   * pair's in the measurement. */
  uint32_t before = SYST_CVR;
  for (unsigned i = 0; i < CALIBRATION_PAIRS / 8; ++i) {
    PAIR PAIR PAIR PAIR PAIR PAIR PAIR PAIR
  }
  uint32_t after = SYST_CVR;
  SYST_CSR = 0;
  pexPairTicks = (before - after) & 0xFFFFFFu;
}

void pex_profile_print(void) {
  printf("profile_calibration pairs=%u ticks=%lu inside_ticks=%lu\n",
         (unsigned)pexCalls[CALIBRATION_ID], (unsigned long)pexPairTicks,
         (unsigned long)pexTicks[CALIBRATION_ID]);
  for (unsigned id = 0; id < PEX_PROFILE_IDS; ++id)
    printf("profile id=%u calls=%lu ticks=%lu\n", id,
           (unsigned long)pexCalls[id], (unsigned long)pexTicks[id]);
}
