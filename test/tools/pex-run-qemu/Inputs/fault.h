#include <stdint.h>
#define FAULT_INPUT_BYTES 16
#define FAULT_OUTPUT_BYTES 16
#define FAULT_ARENA_BYTES 0
int fault_run(const int8_t *input, int8_t *output);
