/* Runs one inference of a compiled Pex model under QEMU with semihosting:
 * reads the input from pex_input.bin, writes pex_output.bin, and prints the
 * stack high-water mark and the instruction count of the inference.
 *
 * The model is given by -D flags: PEX_MODEL_RUN (the entry point,
 * int run(const void *in, void *out)), PEX_MODEL_INPUT_BYTES and
 * PEX_MODEL_OUTPUT_BYTES. When the model's header exposes the input and
 * output slots of its arena (PEX_MODEL_HEADER, included, with the accessors
 * PEX_MODEL_INPUT and PEX_MODEL_OUTPUT), the input is read straight into its
 * slot and the entry point gets the slots: no buffer outside the arena, no
 * copy inside the measured inference. */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef PEX_MODEL_HEADER
#include PEX_MODEL_HEADER
#else
extern int PEX_MODEL_RUN(const void *input, void *output);
#endif
extern volatile uint32_t pex_systick_wraps;
extern uint32_t __stack_limit;

#ifndef PEX_MODEL_INPUT
static uint8_t inputBuffer[PEX_MODEL_INPUT_BYTES];
static uint8_t outputBuffer[PEX_MODEL_OUTPUT_BYTES];
#endif

#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)
#define STACK_PAINT 0xC0FFEE42u

static int readFile(const char *path, uint8_t *data, size_t size) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    printf("pex-harness: cannot open %s\n", path);
    return 0;
  }
  size_t got = fread(data, 1, size, file);
  fclose(file);
  if (got != size) {
    printf("pex-harness: %s has %u bytes, the model takes %u\n", path,
           (unsigned)got, (unsigned)size);
    return 0;
  }
  return 1;
}

int main(void) {
#ifdef PEX_MODEL_INPUT
  uint8_t *input = (uint8_t *)(void *)PEX_MODEL_INPUT();
  uint8_t *output = (uint8_t *)(void *)PEX_MODEL_OUTPUT();
#else
  uint8_t *input = inputBuffer;
  uint8_t *output = outputBuffer;
#endif
  if (!readFile("pex_input.bin", input, PEX_MODEL_INPUT_BYTES))
    return 2;

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
  int status = PEX_MODEL_RUN((void *)input, (void *)output);
  uint32_t current = SYST_CVR;
  SYST_CSR = 0;
  uint64_t ticks = (uint64_t)pex_systick_wraps * 0x1000000u +
                   (0xFFFFFFu - current);

  uint32_t *deepest = &__stack_limit;
  while (deepest < paintedTop && *deepest == STACK_PAINT)
    ++deepest;
  unsigned stackBytes = (unsigned)(sp - (uint32_t)deepest);

  FILE *file = fopen("pex_output.bin", "wb");
  if (!file || fwrite(output, 1, PEX_MODEL_OUTPUT_BYTES, file) !=
                   PEX_MODEL_OUTPUT_BYTES) {
    printf("pex-harness: cannot write pex_output.bin\n");
    return 2;
  }
  fclose(file);
  printf("status=%d\n", status);
  printf("stack_bytes=%u\n", stackBytes);
  printf("ticks=%llu\n", (unsigned long long)ticks);
  printf("instructions=%llu\n", (unsigned long long)ticks * 40u);
  return status == 0 ? 0 : 1;
}
