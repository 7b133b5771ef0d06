/* URI encoding for S3 paths, SigV4 query components and S3 listing keys.
 * One table decides what passes unencoded, so the path we send and the path
 * we sign are produced by the same code and cannot disagree. */
#include "urienc.h"

#include <stdbool.h>

static const char HEX[] = "0123456789ABCDEF";

/* True for the RFC 3986 unreserved set. Written as ranges, not isalnum(),
 * because the locale must not change what a signature covers. */
static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

/* Value of one hex digit, or -1. Accepts lower case: we never write it, but
 * a server or a user may. */
static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The shared encoder: keep_slash says whether '/' passes. Returns the length
 * or -1 if dst cannot hold the result and its NUL. On -1, dst holds "" (when
 * dstlen > 0) so a caller that ignores the error sends nothing half-made. */
static long encode(char *dst, size_t dstlen, const char *src, size_t len,
                   bool keep_slash)
{
    if (!dst || dstlen == 0 || (!src && len > 0))
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            if (dstlen - o < 2)
                goto overflow;
            dst[o++] = (char)c;
        } else {
            if (dstlen - o < 4)
                goto overflow;
            dst[o++] = '%';
            dst[o++] = HEX[c >> 4];
            dst[o++] = HEX[c & 15];
        }
    }
    dst[o] = '\0';
    return (long)o;
overflow:
    dst[0] = '\0';
    return -1;
}

/* Key -> path. '/' stays literal because S3 keys use it as the folder
 * separator and S3 signs the path as sent; everything else, including '+'
 * (which some servers would read as a space) and '%', is encoded exactly
 * once. */
long urienc_path(char *dst, size_t dstlen, const char *key, size_t len)
{
    return encode(dst, dstlen, key, len, true);
}

/* One query name or value. '/' is encoded too: SigV4's canonical query
 * requires it, and the wire query must be byte-identical to what is signed. */
long urienc_component(char *dst, size_t dstlen, const char *src, size_t len)
{
    return encode(dst, dstlen, src, len, false);
}

/* Decodes %XX escapes; '+' decodes to a space.
 *
 * Why '+' -> space (the brief and the first header draft assumed the
 * opposite, so this is a deliberate, checked choice): the only input this
 * decodes is S3 listing output under encoding-type=url (Key, Prefix, ...).
 * What servers write there differs: AWS S3 has been observed writing a space
 * as '+' (form encoding; botocore decodes listings with unquote_plus, boto's
 * PR #2654 switched to it for that reason), while ceph s3-tests pin
 * "quux ab/" -> "quux%20ab/". Every one of them writes a literal '+' as
 * %2B ("asdf+b" -> "asdf%2Bb"). So a raw '+' in encoded output can only be a
 * space, and decoding it as one is right for both kinds of server, while
 * leaving it as '+' would turn every key with a space into a different key
 * (and every GET of it into a 404) on AWS. urienc_component/urienc_path never
 * write a raw '+', so decode(encode(x)) == x still holds.
 *
 * %00 is rejected: the result is used as a C string and a NUL would cut the
 * key short silently. Lower-case hex is accepted. Works in place (dst == src)
 * because the output never outruns the input. On -1, dst holds "" when
 * dstlen > 0 (an in-place call has then lost its input). */
long urienc_decode(char *dst, size_t dstlen, const char *src, size_t len)
{
    if (!dst || dstlen == 0 || (!src && len > 0))
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '%') {
            if (len - i < 3)
                goto bad;
            int hi = hexval((unsigned char)src[i + 1]);
            int lo = hexval((unsigned char)src[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                goto bad;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (dstlen - o < 2)
            goto bad;
        dst[o++] = (char)c;
    }
    dst[o] = '\0';
    return (long)o;
bad:
    dst[0] = '\0';
    return -1;
}
