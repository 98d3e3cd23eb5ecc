/*===- harness.c - run a model compiled by --pex-host-pipeline ------------===*
 *
 * The model's entry point takes one bare pointer per input, then one per
 * output (--pex-host-pipeline moves results into out-parameters and lowers
 * memrefs with the bare-pointer calling convention). Compile with
 *
 *   -DPEX_ENTRY=pex_main -DPEX_NUM_INPUTS=<n> -DPEX_NUM_OUTPUTS=<m>
 *
 * and run as
 *
 *   harness IN_0:BYTES ... IN_n-1:BYTES OUT_0:BYTES ... OUT_m-1:BYTES
 *
 * Inputs are raw files of exactly BYTES bytes; outputs are written raw.
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PEX_ENTRY
#error "define PEX_ENTRY to the model's entry point"
#endif
#ifndef PEX_NUM_INPUTS
#error "define PEX_NUM_INPUTS"
#endif
#ifndef PEX_NUM_OUTPUTS
#error "define PEX_NUM_OUTPUTS"
#endif

#define PEX_NUM_ARGS (PEX_NUM_INPUTS + PEX_NUM_OUTPUTS)

#if PEX_NUM_ARGS == 1
void PEX_ENTRY(void *);
#define PEX_CALL(a) PEX_ENTRY(a[0])
#elif PEX_NUM_ARGS == 2
void PEX_ENTRY(void *, void *);
#define PEX_CALL(a) PEX_ENTRY(a[0], a[1])
#elif PEX_NUM_ARGS == 3
void PEX_ENTRY(void *, void *, void *);
#define PEX_CALL(a) PEX_ENTRY(a[0], a[1], a[2])
#elif PEX_NUM_ARGS == 4
void PEX_ENTRY(void *, void *, void *, void *);
#define PEX_CALL(a) PEX_ENTRY(a[0], a[1], a[2], a[3])
#elif PEX_NUM_ARGS == 5
void PEX_ENTRY(void *, void *, void *, void *, void *);
#define PEX_CALL(a) PEX_ENTRY(a[0], a[1], a[2], a[3], a[4])
#elif PEX_NUM_ARGS == 6
void PEX_ENTRY(void *, void *, void *, void *, void *, void *);
#define PEX_CALL(a) PEX_ENTRY(a[0], a[1], a[2], a[3], a[4], a[5])
#else
#error "the harness supports 1 to 6 inputs and outputs in all"
#endif

/* Splits "path:bytes"; the path may itself contain colons. */
static int parseSpec(char *spec, const char **path, size_t *bytes) {
  char *colon = strrchr(spec, ':');
  char *end;
  if (!colon)
    return -1;
  *colon = '\0';
  *path = spec;
  *bytes = (size_t)strtoull(colon + 1, &end, 10);
  return *end == '\0' && *bytes > 0 ? 0 : -1;
}

int main(int argc, char **argv) {
  void *buffers[PEX_NUM_ARGS];
  const char *paths[PEX_NUM_ARGS];
  size_t sizes[PEX_NUM_ARGS];
  int i;
  if (argc != PEX_NUM_ARGS + 1) {
    fprintf(stderr, "usage: %s IN:BYTES... OUT:BYTES... (%d inputs, %d "
                    "outputs)\n",
            argv[0], PEX_NUM_INPUTS, PEX_NUM_OUTPUTS);
    return 2;
  }
  for (i = 0; i < PEX_NUM_ARGS; ++i) {
    if (parseSpec(argv[i + 1], &paths[i], &sizes[i])) {
      fprintf(stderr, "error: bad argument '%s' (expected PATH:BYTES)\n",
              argv[i + 1]);
      return 2;
    }
    /* Rounded up: aligned_alloc wants a multiple of the alignment. */
    buffers[i] = aligned_alloc(64, (sizes[i] + 63) / 64 * 64);
    if (!buffers[i]) {
      fprintf(stderr, "error: out of memory\n");
      return 1;
    }
  }
  for (i = 0; i < PEX_NUM_INPUTS; ++i) {
    FILE *file = fopen(paths[i], "rb");
    size_t got;
    int extra;
    if (!file) {
      fprintf(stderr, "error: cannot open input '%s'\n", paths[i]);
      return 1;
    }
    got = fread(buffers[i], 1, sizes[i], file);
    extra = fgetc(file);
    fclose(file);
    if (got != sizes[i] || extra != EOF) {
      fprintf(stderr, "error: input '%s' does not hold exactly %zu bytes\n",
              paths[i], sizes[i]);
      return 1;
    }
  }
  for (i = PEX_NUM_INPUTS; i < PEX_NUM_ARGS; ++i)
    memset(buffers[i], 0, sizes[i]);

  PEX_CALL(buffers);

  for (i = PEX_NUM_INPUTS; i < PEX_NUM_ARGS; ++i) {
    FILE *file = fopen(paths[i], "wb");
    if (!file || fwrite(buffers[i], 1, sizes[i], file) != sizes[i]) {
      fprintf(stderr, "error: cannot write output '%s'\n", paths[i]);
      return 1;
    }
    fclose(file);
  }
  for (i = 0; i < PEX_NUM_ARGS; ++i)
    free(buffers[i]);
  return 0;
}
