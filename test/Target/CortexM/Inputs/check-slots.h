/* Compile-time checks of a generated model header (block.h): the input and
 * output slots lie inside the arena and are aligned for their elements. */
CHECK(BLOCK_INPUT_OFFSET + BLOCK_INPUT_BYTES <= BLOCK_ARENA_BYTES)
CHECK(BLOCK_OUTPUT_OFFSET + BLOCK_OUTPUT_BYTES <= BLOCK_ARENA_BYTES)
CHECK(BLOCK_INPUT_OFFSET % BLOCK_ARENA_ALIGNMENT == 0)
CHECK(BLOCK_OUTPUT_OFFSET % BLOCK_ARENA_ALIGNMENT == 0)
