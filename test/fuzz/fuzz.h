#ifndef S3BENCH_FUZZ_H
#define S3BENCH_FUZZ_H
/* Shared by the libFuzzer targets in test/fuzz/. Each target defines
 * LLVMFuzzerTestOneInput; `make fuzz` links it with libFuzzer (clang), and
 * test/test_fuzz_replay.c includes it under another name to replay the
 * corpus and the regressions with any compiler in `make test`.
 *
 * Inputs that need several strings split the data on NUL bytes (a C string
 * cannot hold one anyway), so every field stays freely mutable. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An invariant the code under test promises; breaking it is a finding,
 * reported like a crash (libFuzzer saves the input; the replay fails). */
#define FUZZ_CHECK(cond)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                     \
            abort();                                                            \
        }                                                                       \
    } while (0)

/* Inputs beyond this are cut: the code under test has its own small bounds,
 * and long inputs only slow the search down. */
#define FUZZ_MAX_INPUT (64 * 1024)

/* A NUL-terminated, heap-allocated copy of the input (ASan sees an overrun
 * of it), split at NUL bytes into at most max fields. fields[i] point into
 * the copy; a missing field is "". Returns the copy (free it), or NULL when
 * out of memory. */
static inline char *fuzz_split(const uint8_t *data, size_t size, char **fields, size_t max,
                               size_t *nfields)
{
    if (size > FUZZ_MAX_INPUT)
        size = FUZZ_MAX_INPUT;
    char *copy = malloc(size + 1);
    if (!copy)
        return NULL;
    if (size)
        memcpy(copy, data, size);
    copy[size] = '\0';
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= size && n < max; i++) {
        if (i == size || copy[i] == '\0') {
            fields[n++] = copy + start;
            start = i + 1;
        }
    }
    if (nfields)
        *nfields = n;
    for (size_t i = n; i < max; i++)
        fields[i] = copy + size; /* "" */
    return copy;
}

/* A malloc'd copy of n bytes (not NUL-terminated), so ASan catches a read
 * past the end that a copy inside a bigger buffer would hide. */
static inline char *fuzz_dup(const void *p, size_t n)
{
    char *c = malloc(n ? n : 1);
    if (c && n)
        memcpy(c, p, n);
    return c;
}

#endif
