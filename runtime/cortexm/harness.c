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
#include <string.h>

/* The glue (PEX_MODEL_GLUE, a header) defines pexInputCount,
 * pexOutputCount, pexInputBytes[], pexOutputBytes[], pexInput(k),
 * pexOutput(k) and pexModelRun(), all static, so that the call is inlined
 * here as if this file called the entry point itself. */
#include PEX_MODEL_GLUE

extern volatile uint32_t pex_systick_wraps;
extern uint32_t __stack_limit;

#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)
#define STACK_PAINT 0xC0FFEE42u

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

  /* Paint the stack below this frame so that the deepest use of the
   * inference can be found afterwards (the loop runs in registers). */
  uint32_t sp;
  __asm volatile("mov %0, sp" : "=r"(sp));
  uint32_t *paintedTop = (uint32_t *)(sp - 32);
  for (uint32_t *word = &__stack_limit; word < paintedTop; ++word)
    *word = STACK_PAINT;
  /* SysTick on the processor clock with its interrupt counting wraps; under
   * -icount shift=0 one tick is 40 instructions at 25 MHz. */
  SYST_RVR = 0xFFFFFF;
  SYST_CVR = 0;
  pex_systick_wraps = 0;
  SYST_CSR = 7;
  int status = pexModelRun();
  uint32_t current = SYST_CVR;
  SYST_CSR = 0;
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
  printf("instructions=%llu\n", (unsigned long long)ticks * 40u);
  return status == 0 ? 0 : 1;
}
