#include <stdint.h>
#define DUMMY_INPUT_BYTES 16
#define DUMMY_OUTPUT_BYTES 16
#define DUMMY_ARENA_BYTES 0
int dummy_run(const int8_t *input, int8_t *output);
