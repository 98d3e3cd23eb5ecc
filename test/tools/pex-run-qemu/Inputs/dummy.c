#include <stdint.h>
/* A stand-in model: saturating y = 2x + 1 over 16 bytes, with a stack array. */
int dummy_run(const int8_t *in, int8_t *out) {
  volatile int8_t scratch[200];
  for (int i = 0; i < 200; ++i) scratch[i] = (int8_t)i;
  for (int i = 0; i < 16; ++i) {
    int v = 2 * in[i] + 1 + scratch[i] - i;
    out[i] = v > 127 ? 127 : v < -128 ? -128 : v;
  }
  return 0;
}
