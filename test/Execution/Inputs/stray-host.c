/* Stand-in models for the host harness's guards: one copies its 16-byte
 * input and writes one byte past its output, one writes one byte before it,
 * one changes its input. */
#include <stdint.h>
#include <string.h>

void past(int8_t *in, int8_t *out) {
  memcpy(out, in, 16);
  ((volatile int8_t *)out)[16] = 1;
}
void before(int8_t *in, int8_t *out) {
  memcpy(out, in, 16);
  ((volatile int8_t *)out)[-1] = 1;
}
void changes(int8_t *in, int8_t *out) {
  memcpy(out, in, 16);
  in[3] = 0x5a;
}
