/* Runs one inference of a compiled Pex model under QEMU with semihosting:
 * reads input k from pex_input<k>.bin, writes output k to pex_output<k>.bin,
 * and prints the stack high-water mark and the instruction count of the
 * inference.
 *
 * The model is reached through the glue that pex-run-qemu generates from
 * its header: the number of inputs and outputs, their sizes, where each
 * lives (its slot in the arena, so that nothing is copied inside the
 * measured inference) and a call of the entry point with every pointer. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The glue (PEX_MODEL_GLUE, a header) defines pexInputCount,
 * pexOutputCount, pexInputBytes[], pexOutputBytes[], pexInput(k),
 * pexOutput(k) and pexModelRun(), all static, so that the call is inlined
 * here as if this file called the entry point itself. */
#include PEX_MODEL_GLUE

extern volatile uint32_t pex_systick_wraps;
extern uint32_t __stack_limit, _estack;
/* link.ld's write-check layout: the arena ends its power-of-two region. */
extern uint8_t __pex_arena_region_start[], __pex_arena_start[],
    __pex_arena_region_end[], __pex_arena_used[], __pex_rw_start[],
    __pex_rw_region[];

#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)
#define STACK_PAINT 0xC0FFEE42u
#define SLACK_CANARY 0xA5u
/* The processor clock of the board (pex-run-qemu defines it). */
#ifndef PEX_SYSTICK_HZ
#define PEX_SYSTICK_HZ 25000000u
#endif

/* The write check (PEX_CHECK_WRITES, pex-run-qemu's default): during the
 * inference the MPU leaves writable only the arena, the stack and the
 * harness's own section; any other write is a memory management fault,
 * which startup.c reports with its address. The part of the arena's region
 * below the arena is read-only by whole eighths (subregions); canaries
 * cover the rest of it and the bytes after the arena up to its section's
 * 8-byte alignment. */
#define MPU_CTRL (*(volatile uint32_t *)0xE000ED94)
#define MPU_RNR (*(volatile uint32_t *)0xE000ED98)
#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9C)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24)

/* The arena's region, with its canaries written. */
static void paintSlack(void) {
  for (uint8_t *byte = __pex_arena_region_start; byte < __pex_arena_start;
       ++byte)
    *byte = SLACK_CANARY;
  for (uint8_t *byte = __pex_arena_start + (uint32_t)__pex_arena_used;
       byte < __pex_arena_region_end; ++byte)
    *byte = SLACK_CANARY;
}

#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
/* ARMv8-M's MPU (Cortex-M33, M55): regions are [base, limit] in 32-byte
 * granules and must not overlap (an address in two enabled regions faults),
 * so the writable ranges are listed and read-only regions fill the gaps. */
#define MPU_TYPE (*(volatile uint32_t *)0xE000ED90)
#define MPU_RLAR (*(volatile uint32_t *)0xE000EDA0)
#define MPU_MAIR0 (*(volatile uint32_t *)0xE000EDC0)
#define MPU_READ_ONLY (2u << 1)         /* AP = 10, privileged */
#define MPU_READ_WRITE ((0u << 1) | 1u) /* AP = 00, privileged, XN */

static void mpuRegion(unsigned number, uint32_t start, uint32_t end,
                      uint32_t access) {
  MPU_RNR = number;
  MPU_RBAR = (start & ~31u) | access;
  /* Limit: the last granule; attribute 0 (MAIR0: normal memory); enabled. */
  MPU_RLAR = ((end - 1u) & ~31u) | 1u;
}

static void checkWrites(int on) {
  if (!on) {
    MPU_CTRL = 0;
    __asm volatile("dsb\n\tisb");
    return;
  }
  paintSlack();
  /* In address order (link.ld: the harness's section, the arena's region,
   * .bss, the stack at the top of RAM); the arena's granule-aligned start
   * leaves less than 32 bytes of slack writable, which the canaries cover. */
  uint32_t writable[3][2] = {
      {(uint32_t)__pex_rw_start,
       (uint32_t)__pex_rw_start + (uint32_t)__pex_rw_region},
      {(uint32_t)__pex_arena_start & ~31u, (uint32_t)__pex_arena_region_end},
      {(uint32_t)&__stack_limit, (uint32_t)&_estack}};
  unsigned regions = (MPU_TYPE >> 8) & 0xFFu, number = 0;
  if (regions < 7u) {
    printf("pex-harness: the MPU has %u regions, the write check needs 7\n",
           regions);
    exit(3);
  }
  MPU_MAIR0 = 0xFFu; /* attribute 0: normal memory, write-back */
  uint32_t from = 0;
  for (unsigned k = 0; k < 3; ++k) {
    if (writable[k][0] > from)
      mpuRegion(number++, from, writable[k][0], MPU_READ_ONLY);
    mpuRegion(number++, writable[k][0], writable[k][1], MPU_READ_WRITE);
    from = writable[k][1];
  }
  /* Up to the top of the address space (a limit of 0xFFFFFFE0 is its last
   * granule); the system space keeps its own attributes whatever the MPU
   * says. */
  if (from != 0) {
    MPU_RNR = number++;
    MPU_RBAR = from | MPU_READ_ONLY;
    MPU_RLAR = 0xFFFFFFE0u | 1u;
  }
  while (number < regions) {
    MPU_RNR = number++;
    MPU_RLAR = 0;
  }
  SCB_SHCSR |= 1u << 16; /* report memory management faults as such */
  MPU_CTRL = 1u;
  __asm volatile("dsb\n\tisb");
}
#else
/* ARMv7-M's MPU (Cortex-M4, M7): power-of-two regions with eighths that can
 * be disabled; a higher region number wins where regions overlap. */
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0)
#define MPU_READ_ONLY (6u << 24)                 /* AP = 110 */
#define MPU_READ_WRITE ((3u << 24) | (1u << 28)) /* AP = 011, no execution */

static unsigned log2Of(uint32_t bytes) {
  return 31u - (unsigned)__builtin_clz(bytes);
}

/* Region `number` over [base, base + 2^log2), normal cacheable memory. */
static void mpuRegion(unsigned number, uint32_t base, unsigned log2,
                      uint32_t access, uint32_t disabledEighths) {
  MPU_RNR = number;
  MPU_RBAR = base;
  MPU_RASR =
      access | (1u << 17) | (disabledEighths << 8) | ((log2 - 1u) << 1) | 1u;
}

static void checkWrites(int on) {
  if (!on) {
    MPU_CTRL = 0;
    __asm volatile("dsb\n\tisb");
    return;
  }
  uint32_t regionStart = (uint32_t)__pex_arena_region_start;
  uint32_t regionBytes = (uint32_t)__pex_arena_region_end - regionStart;
  uint32_t slack = (uint32_t)__pex_arena_start - regionStart;
  paintSlack();
  /* Everything read-only (log2 32: the whole address space), then the
   * writable parts; a higher region number wins where they overlap. */
  mpuRegion(0, 0, 32, MPU_READ_ONLY, 0);
  mpuRegion(1, (uint32_t)&__stack_limit,
            log2Of((uint32_t)&_estack - (uint32_t)&__stack_limit),
            MPU_READ_WRITE, 0);
  uint32_t below = regionBytes >= 256 ? slack / (regionBytes / 8) : 0;
  mpuRegion(2, regionStart, log2Of(regionBytes), MPU_READ_WRITE,
            (1u << below) - 1u);
  mpuRegion(3, (uint32_t)__pex_rw_start, log2Of((uint32_t)__pex_rw_region),
            MPU_READ_WRITE, 0);
  SCB_SHCSR |= 1u << 16; /* report memory management faults as such */
  MPU_CTRL = 1u;
  __asm volatile("dsb\n\tisb");
}
#endif

/* The canaries around the arena, after the inference. */
static int slackIntact(void) {
  const uint8_t *end = __pex_arena_start + (uint32_t)__pex_arena_used;
  for (const uint8_t *byte = __pex_arena_region_start;
       byte < __pex_arena_region_end; ++byte) {
    if (byte == __pex_arena_start)
      byte = end;
    if (byte < __pex_arena_region_end && *byte != SLACK_CANARY) {
      printf("pex-harness: a write %s the arena at 0x%08lx\n",
             byte < __pex_arena_start ? "below" : "past", (unsigned long)byte);
      return 0;
    }
  }
  return 1;
}

static int readInput(unsigned index, const char *path, uint8_t *data,
                     size_t size) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    printf("pex-harness: cannot open %s\n", path);
    return 0;
  }
  size_t got = fread(data, 1, size, file);
  fclose(file);
  if (got != size) {
    printf("pex-harness: input %u has %u bytes, the model takes %u\n", index,
           (unsigned)got, (unsigned)size);
    return 0;
  }
  return 1;
}

int main(void) {
  char path[32];
  for (unsigned k = 0; k < pexInputCount; ++k) {
    snprintf(path, sizeof path, "pex_input%u.bin", k);
    if (!readInput(k, path, pexInput(k), pexInputBytes[k]))
      return 2;
  }

#ifdef PEX_PROFILE
  /* profile.c: the cost of its hooks, before the stack is painted. */
  void pex_profile_calibrate(void);
  pex_profile_calibrate();
#endif

  /* Paint the stack below this frame so that the deepest use of the
   * inference can be found afterwards (the loop runs in registers). */
  uint32_t sp;
  __asm volatile("mov %0, sp" : "=r"(sp));
  uint32_t *paintedTop = (uint32_t *)(sp - 32);
  for (uint32_t *word = &__stack_limit; word < paintedTop; ++word)
    *word = STACK_PAINT;
  /* SysTick on the processor clock with its interrupt counting wraps; under
   * -icount shift=0 one tick is 10^9 / PEX_SYSTICK_HZ instructions (40 at
   * the MPS2 boards' 25 MHz). */
#ifdef PEX_CHECK_WRITES
  checkWrites(1);
#endif
  SYST_RVR = 0xFFFFFF;
  SYST_CVR = 0;
  pex_systick_wraps = 0;
  SYST_CSR = 7;
  int status = pexModelRun();
  uint32_t current = SYST_CVR;
  SYST_CSR = 0;
#ifdef PEX_CHECK_WRITES
  checkWrites(0);
  if (!slackIntact())
    return 3;
#endif
  uint64_t ticks =
      (uint64_t)pex_systick_wraps * 0x1000000u + (0xFFFFFFu - current);

  uint32_t *deepest = &__stack_limit;
  while (deepest < paintedTop && *deepest == STACK_PAINT)
    ++deepest;
  unsigned stackBytes = (unsigned)(sp - (uint32_t)deepest);

  for (unsigned k = 0; k < pexOutputCount; ++k) {
    snprintf(path, sizeof path, "pex_output%u.bin", k);
    FILE *file = fopen(path, "wb");
    if (!file ||
        fwrite(pexOutput(k), 1, pexOutputBytes[k], file) != pexOutputBytes[k]) {
      printf("pex-harness: cannot write %s\n", path);
      return 2;
    }
    fclose(file);
  }
  printf("status=%d\n", status);
  printf("stack_bytes=%u\n", stackBytes);
  printf("ticks=%llu\n", (unsigned long long)ticks);
  printf("instructions=%llu\n",
         (unsigned long long)(ticks * 1000000000u / PEX_SYSTICK_HZ));
#ifdef PEX_PROFILE
  void pex_profile_print(void);
  pex_profile_print();
#endif
  return status == 0 ? 0 : 1;
}
