/* A bare-metal program around the compiled block: only the object, its
 * header and the C library. */
#include "block.h"

int main(void) {
  for (int i = 0; i < BLOCK_INPUT_BYTES; ++i)
    block_input()[i] = (int8_t)(i * 7);
  if (block_run(block_input(), block_output()) != 0)
    return 1;
  int sum = 0;
  for (int i = 0; i < BLOCK_OUTPUT_BYTES; ++i)
    sum += block_output()[i];
  return sum == 0x7fffffff;
}
