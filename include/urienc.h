#ifndef S3BENCH_URIENC_H
#define S3BENCH_URIENC_H
/* URI encoding as SigV4 and S3 define it: RFC 3986 unreserved bytes
 * (A-Z a-z 0-9 - . _ ~) pass, every other byte becomes %XX, uppercase hex.
 * The one encoder behind both the path on the wire and the canonical URI,
 * so the two can never disagree. */
#include <stddef.h>

/* Encodes the object key `key` (len bytes, any bytes) into dst as a path
 * segment sequence: '/' kept, everything else encoded once. Writes a NUL.
 * Returns the length written, or -1 when dst (dstlen bytes) is too small. */
long urienc_path(char *dst, size_t dstlen, const char *key, size_t len);

/* Encodes one query name or value: like urienc_path but '/' is encoded too
 * (space -> %20, '+' -> %2B). Returns the length written, or -1 if too small. */
long urienc_component(char *dst, size_t dstlen, const char *src, size_t len);

/* Decodes %XX escapes of src into dst, for keys and prefixes that S3 lists
 * with encoding-type=url. '+' decodes to a space: AWS writes a space there as
 * '+' (others as %20) and every server writes a literal '+' as %2B; see
 * urienc.c. Returns the decoded length, or -1 on a malformed escape ("%",
 * "%4", "%G1"), on %00 (the result is a C string) or a too small dst. dst
 * may be src. Always NUL-terminates when dstlen > 0. */
long urienc_decode(char *dst, size_t dstlen, const char *src, size_t len);

#endif
