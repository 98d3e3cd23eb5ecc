#include <stdint.h>
/* A stand-in model with a 40-byte arena that copies its input to its output
 * and then, as a broken kernel would, writes one byte past its arena (or,
 * built with -DBELOW, one byte before it). */
int8_t stray_arena[40] __attribute__((aligned(8)));
int stray_run(const int8_t *in, int8_t *out) {
  for (int i = 0; i < 16; ++i)
    out[i] = in[i];
#ifdef BELOW
  ((volatile int8_t *)stray_arena)[-1] = 1;
#else
  ((volatile int8_t *)stray_arena)[40] = 1;
#endif
  return 0;
}
