#ifndef S3BENCH_DECIMAL_H
#define S3BENCH_DECIMAL_H
/* Strict decimal numbers, for settings and for the sizes in S3's answers:
 * written out rather than strtoull, which would accept leading spaces, '+'
 * and '-' and would need errno juggling for overflow. */
#include <stddef.h>
#include <stdint.h>

/* Parses s[0..len) as a whole run of decimal digits into *out. Returns 0,
 * -1 when it is not just digits (empty, signs, spaces, junk), -2 when it
 * does not fit 64 bits (*out untouched on failure). */
int decimal_parse(const char *s, size_t len, uint64_t *out);

#endif
