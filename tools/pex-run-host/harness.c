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
 * Each buffer sits between two guard zones of canary bytes, and a copy of
 * each input is kept: after the call, a changed canary (a write just before
 * or past a buffer) or a changed input is reported and the exit status is 3.
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

#define GUARD_BYTES 64
#define CANARY 0xA5

/* GUARD_BYTES of canaries, the buffer rounded up to the alignment, then
 * GUARD_BYTES again; returns the buffer. */
static unsigned char *guardedAlloc(size_t bytes) {
  size_t inner = (bytes + 63) / 64 * 64;
  unsigned char *block = aligned_alloc(64, inner + 2 * GUARD_BYTES);
  if (!block)
    return NULL;
  memset(block, CANARY, inner + 2 * GUARD_BYTES);
  return block + GUARD_BYTES;
}

/* 0 when the canaries around `buffer` (of `bytes`) are intact. */
static int checkGuards(const unsigned char *buffer, size_t bytes,
                       const char *what, int index) {
  size_t inner = (bytes + 63) / 64 * 64;
  for (long k = -GUARD_BYTES; k < (long)(inner + GUARD_BYTES); ++k) {
    if (k == 0)
      k = (long)bytes;
    if (buffer[k] != CANARY) {
      fprintf(stderr,
              "error: the model wrote %ld bytes %s %s %d (its %zu bytes)\n",
              k < 0 ? -k : k - (long)bytes + 1, k < 0 ? "before" : "past", what,
              index, bytes);
      return 1;
    }
  }
  return 0;
}

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
  void *copies[PEX_NUM_INPUTS];
  const char *paths[PEX_NUM_ARGS];
  size_t sizes[PEX_NUM_ARGS];
  int i;
  if (argc != PEX_NUM_ARGS + 1) {
    fprintf(stderr,
            "usage: %s IN:BYTES... OUT:BYTES... (%d inputs, %d "
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
    buffers[i] = guardedAlloc(sizes[i]);
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
  for (i = 0; i < PEX_NUM_INPUTS; ++i) {
    copies[i] = malloc(sizes[i]);
    if (!copies[i]) {
      fprintf(stderr, "error: out of memory\n");
      return 1;
    }
    memcpy(copies[i], buffers[i], sizes[i]);
  }

  PEX_CALL(buffers);

  for (i = 0; i < PEX_NUM_ARGS; ++i) {
    int input = i < PEX_NUM_INPUTS;
    if (checkGuards(buffers[i], sizes[i], input ? "input" : "output",
                    input ? i : i - PEX_NUM_INPUTS))
      return 3;
  }
  for (i = 0; i < PEX_NUM_INPUTS; ++i)
    if (memcmp(copies[i], buffers[i], sizes[i]) != 0) {
      fprintf(stderr, "error: the model changed its input %d\n", i);
      return 3;
    }

  for (i = PEX_NUM_INPUTS; i < PEX_NUM_ARGS; ++i) {
    FILE *file = fopen(paths[i], "wb");
    if (!file || fwrite(buffers[i], 1, sizes[i], file) != sizes[i]) {
      fprintf(stderr, "error: cannot write output '%s'\n", paths[i]);
      return 1;
    }
    fclose(file);
  }
  for (i = 0; i < PEX_NUM_ARGS; ++i)
    free((unsigned char *)buffers[i] - GUARD_BYTES);
  for (i = 0; i < PEX_NUM_INPUTS; ++i)
    free(copies[i]);
  return 0;
}
