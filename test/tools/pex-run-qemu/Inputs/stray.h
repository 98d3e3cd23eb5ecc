#include <stdint.h>
#define STRAY_ARENA_BYTES 40
#define STRAY_INPUT_BYTES 16
#define STRAY_INPUT_OFFSET 0
#define STRAY_OUTPUT_BYTES 16
#define STRAY_OUTPUT_OFFSET 16
extern int8_t stray_arena[STRAY_ARENA_BYTES];
static inline int8_t *stray_input(void) { return stray_arena + STRAY_INPUT_OFFSET; }
static inline int8_t *stray_output(void) { return stray_arena + STRAY_OUTPUT_OFFSET; }
int stray_run(const int8_t *input, int8_t *output);
