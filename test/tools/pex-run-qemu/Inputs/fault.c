#include <stdint.h>
/* A stand-in model that reads unmapped memory: the harness reports the fault. */
int fault_run(const int8_t *in, int8_t *out) {
  out[0] = *(volatile int8_t *)0xF0000000u;
  return 0;
}
