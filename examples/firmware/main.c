/* Runs one inference of the model that pex_add_model compiled (NAME model:
 * model.h, model_run) and prints the top class and the cycles it took.
 *
 * The input comes from the image (configured with -DINPUT=<file>) or from
 * input.bin on the host, read through semihosting; it is written straight
 * into the model's input slot in the arena, and the output is read from its
 * output slot, so nothing is copied. The output also goes to output.bin. */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

#if !defined(MODEL_INPUT_BYTES) || !defined(MODEL_OUTPUT_BYTES)
#error "this example runs models with one input and one output"
#endif

#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)

extern volatile uint32_t systick_wraps;

#ifdef EXAMPLE_BUNDLED_INPUT
extern const uint8_t example_input[];
extern const unsigned example_input_bytes;
#endif

static int fillInput(void *input) {
#ifdef EXAMPLE_BUNDLED_INPUT
  if (example_input_bytes != MODEL_INPUT_BYTES) {
    printf("the bundled input has %u bytes, the model takes %u\n",
           example_input_bytes, (unsigned)MODEL_INPUT_BYTES);
    return 0;
  }
  memcpy(input, example_input, MODEL_INPUT_BYTES);
  return 1;
#else
  FILE *file = fopen("input.bin", "rb");
  if (!file) {
    printf("cannot open input.bin\n");
    return 0;
  }
  size_t got = fread(input, 1, MODEL_INPUT_BYTES, file);
  fclose(file);
  if (got != MODEL_INPUT_BYTES) {
    printf("input.bin has %u bytes, the model takes %u\n", (unsigned)got,
           (unsigned)MODEL_INPUT_BYTES);
    return 0;
  }
  return 1;
#endif
}

int main(void) {
  if (!fillInput(model_input()))
    return 2;

  /* SysTick on the processor clock counts cycles; its interrupt counts the
   * wraps of the 24-bit counter. */
  SYST_RVR = 0xFFFFFF;
  SYST_CVR = 0;
  systick_wraps = 0;
  SYST_CSR = 7;
  int status = model_run(model_input(), model_output());
  uint32_t current = SYST_CVR;
  SYST_CSR = 0;
  uint64_t cycles =
      (uint64_t)systick_wraps * 0x1000000u + (0xFFFFFFu - current);
  if (status != 0) {
    printf("model_run returned %d\n", status);
    return 1;
  }

  const int8_t *output = model_output();
  unsigned top = 0;
  for (unsigned k = 1; k < MODEL_OUTPUT_BYTES; ++k)
    if (output[k] > output[top])
      top = k;
  printf("top class: %u (score %d", top, output[top]);
#if defined(MODEL_OUTPUT_SCALE) && defined(MODEL_OUTPUT_ZERO_POINT)
  printf(", %.4f", (double)(MODEL_OUTPUT_SCALE *
                            (float)(output[top] - MODEL_OUTPUT_ZERO_POINT)));
#endif
  printf(")\ncycles: %llu\n", (unsigned long long)cycles);

  FILE *file = fopen("output.bin", "wb");
  if (!file || fwrite(output, 1, MODEL_OUTPUT_BYTES, file) !=
                   MODEL_OUTPUT_BYTES) {
    printf("cannot write output.bin\n");
    return 2;
  }
  fclose(file);
  return 0;
}
