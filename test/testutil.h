#ifndef S3BENCH_TESTUTIL_H
#define S3BENCH_TESTUTIL_H
/* Shared by the unit tests: cmocka and a file reader for test/data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Reads test/data/<rel> whole, NUL-terminated; *len gets its size. The test
 * fails if it cannot. Paths are relative to the repository top (make runs
 * tests from there). */
static inline char *testutil_read(const char *rel, size_t *len)
{
    char path[1024];
    int n = snprintf(path, sizeof path, "test/data/%s", rel);
    if (n < 0 || (size_t)n >= sizeof path)
        fail_msg("path too long: %s", rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) != 0)
        fail_msg("cannot seek %s", path);
    long sz = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)sz + 1);
    if (!buf)
        fail_msg("out of memory");
    if (fread(buf, 1, (size_t)sz, f) != (size_t)sz)
        fail_msg("short read %s", path);
    fclose(f);
    buf[sz] = '\0';
    if (len)
        *len = (size_t)sz;
    return buf;
}

#endif
