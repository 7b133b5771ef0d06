/* Fuzz target: the URI encoder and decoder (include/urienc.h) and the SigV4
 * canonicaliser (include/sigv4.h).
 *
 * Input: NUL-separated fields
 *   flags, method, path, then (name, value) pairs: a name starting with '?'
 *   is a query parameter (the '?' dropped), any other a header.
 * flags[0] bits: 1 encode the path with urienc_path first (as s3.c does),
 * 2 add the host and x-amz-date headers S3 requests always carry, 4 sign
 * with a session token and add its header, 8 a NULL query value for empty
 * ones. The whole input is also fed to the encoders and the decoder as one
 * byte string, with room from flags[1] so the too-small paths run too.
 *
 * Checks: the encoders' output is exactly the unreserved set plus %XX (and
 * '/' for paths) and decodes back to the input; a too-small buffer gives -1
 * and ""; the decoder never writes past dstlen and works in place; a signed
 * request's canonical request has one line per distinct header plus five
 * (no value can forge a line), a 64-hex signature, and signing is
 * deterministic. */
#include "fuzz.h"

#include "sigv4.h"
#include "urienc.h"

#define URIENC_FUZZ_FIELDS (3 + 2 * 48)
#define URIENC_FUZZ_DATE "20150830T123600Z"
#define URIENC_FUZZ_TOKEN "fuzz-session-token"

static int urienc_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static int urienc_is_hex_upper(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* Encodes src both ways into buffers of exact and of small size. */
static void urienc_check_encoders(const char *src, size_t len, size_t small)
{
    for (int slash = 0; slash < 2; slash++) {
        size_t cap = 3 * len + 1;
        char *dst = malloc(cap);
        FUZZ_CHECK(dst != NULL);
        long n = slash ? urienc_path(dst, cap, src, len) : urienc_component(dst, cap, src, len);
        FUZZ_CHECK(n >= 0 && (size_t)n < cap && dst[n] == '\0');
        for (long i = 0; i < n; i++) {
            unsigned char c = (unsigned char)dst[i];
            if (c == '%') {
                FUZZ_CHECK(i + 2 < n && urienc_is_hex_upper((unsigned char)dst[i + 1]) &&
                           urienc_is_hex_upper((unsigned char)dst[i + 2]));
                i += 2;
            } else {
                FUZZ_CHECK(urienc_unreserved(c) || (slash && c == '/'));
            }
        }
        /* decode(encode(x)) == x, unless x holds a NUL (%00 is refused). */
        char *back = malloc(len + 1);
        FUZZ_CHECK(back != NULL);
        long m = urienc_decode(back, len + 1, dst, (size_t)n);
        if (memchr(src, '\0', len))
            FUZZ_CHECK(m == -1);
        else
            FUZZ_CHECK(m == (long)len && memcmp(back, src, len) == 0 && back[len] == '\0');
        free(back);
        free(dst);

        /* Too small: -1 and "", never a write past dstlen. */
        if (small > 0 && small < cap) {
            char *tiny = malloc(small);
            FUZZ_CHECK(tiny != NULL);
            n = slash ? urienc_path(tiny, small, src, len) : urienc_component(tiny, small, src, len);
            FUZZ_CHECK((n == -1 && tiny[0] == '\0') || (n >= 0 && (size_t)n < small));
            free(tiny);
        }
    }
}

/* Decodes src into an exact-size buffer, a small one and in place. */
static void urienc_check_decoder(const char *src, size_t len, size_t small)
{
    char *dst = malloc(len + 1);
    FUZZ_CHECK(dst != NULL);
    long n = urienc_decode(dst, len + 1, src, len);
    FUZZ_CHECK(n >= -1 && n <= (long)len);
    if (n < 0) {
        FUZZ_CHECK(dst[0] == '\0');
    } else {
        /* A literal NUL passes through (only %00 is refused): XML text,
         * the one input in use, cannot hold one. */
        FUZZ_CHECK(dst[n] == '\0');
        FUZZ_CHECK(memchr(src, '\0', len) || memchr(dst, '\0', (size_t)n) == NULL);
    }
    if (n >= 0 && !memchr(dst, '\0', (size_t)n)) {
        /* Re-encoding gives a canonical form that decodes to the same. */
        size_t cap = 3 * (size_t)n + 1;
        char *enc = malloc(cap);
        FUZZ_CHECK(enc != NULL);
        long e = urienc_component(enc, cap, dst, (size_t)n);
        FUZZ_CHECK(e >= 0);
        char *again = malloc((size_t)n + 1);
        FUZZ_CHECK(again != NULL);
        FUZZ_CHECK(urienc_decode(again, (size_t)n + 1, enc, (size_t)e) == n);
        FUZZ_CHECK(memcmp(again, dst, (size_t)n) == 0);
        free(again);
        free(enc);
    }

    char *inplace = malloc(len + 1);
    FUZZ_CHECK(inplace != NULL);
    if (len)
        memcpy(inplace, src, len);
    long m = urienc_decode(inplace, len + 1, inplace, len);
    FUZZ_CHECK(m == n);
    if (n >= 0)
        FUZZ_CHECK(memcmp(inplace, dst, (size_t)n + 1) == 0);
    free(inplace);
    free(dst);

    if (small > 0 && small <= len) {
        char *tiny = malloc(small);
        FUZZ_CHECK(tiny != NULL);
        m = urienc_decode(tiny, small, src, len);
        FUZZ_CHECK((m == -1 && tiny[0] == '\0') || (m >= 0 && (size_t)m < small));
        free(tiny);
    }
}

/* Builds a request from the fields and signs it twice. */
static void urienc_check_sigv4(char **f, size_t nf)
{
    unsigned flags = (unsigned char)f[0][0];
    const char *method = f[1];
    char path[4096];
    if (flags & 1) {
        if (urienc_path(path, sizeof path, f[2], strlen(f[2])) < 0)
            return;
    } else if ((size_t)snprintf(path, sizeof path, "%s", f[2]) >= sizeof path) {
        return;
    }

    struct sigv4_kv query[SIGV4_MAX_QUERY_PARAMS + 4];
    struct sigv4_kv headers[SIGV4_MAX_HEADERS + 4];
    size_t nq = 0, nh = 0;
    if (flags & 2) {
        headers[nh++] = (struct sigv4_kv){"Host", "bucket.s3.amazonaws.com"};
        headers[nh++] = (struct sigv4_kv){"X-Amz-Date", URIENC_FUZZ_DATE};
    }
    if (flags & 4)
        headers[nh++] = (struct sigv4_kv){"x-amz-security-token", URIENC_FUZZ_TOKEN};
    for (size_t i = 3; i + 1 < nf; i += 2) {
        const char *value = f[i + 1];
        if ((flags & 8) && value[0] == '\0')
            value = NULL;
        if (f[i][0] == '?') {
            if (nq < sizeof query / sizeof query[0])
                query[nq++] = (struct sigv4_kv){f[i] + 1, value};
        } else if (nh < sizeof headers / sizeof headers[0]) {
            headers[nh++] = (struct sigv4_kv){f[i], value};
        }
    }

    static char cq[SIGV4_MAX_QUERY];
    long qn = sigv4_canonical_query(cq, sizeof cq, query, nq);
    FUZZ_CHECK(qn >= -1 && qn < (long)sizeof cq);
    if (qn >= 0) {
        FUZZ_CHECK(cq[qn] == '\0');
        for (long i = 0; i < qn; i++)
            FUZZ_CHECK(cq[i] > 0x20 && cq[i] < 0x7f);
    } else {
        FUZZ_CHECK(cq[0] == '\0');
    }

    struct sigv4_request req = {
        .method = method, .path = path, .query = query, .nquery = nq,
        .headers = headers, .nheaders = nh, .payload_hash = SIGV4_EMPTY_SHA256,
    };
    struct sigv4_creds creds = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                (flags & 4) ? URIENC_FUZZ_TOKEN : NULL};
    static struct sigv4_result out, out2;
    struct sigv4_key key, key2;
    memset(&key, 0, sizeof key);
    memset(&key2, 0, sizeof key2);
    char err[256];
    int rc = sigv4_sign(&req, &creds, "us-east-1", "s3", URIENC_FUZZ_DATE, &key, &out, err,
                        sizeof err);
    FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
    if (rc != 0) {
        FUZZ_CHECK(rc == -1 && err[0] != '\0');
        FUZZ_CHECK(out.signature[0] == '\0' && out.authorization[0] == '\0');
        return;
    }
    FUZZ_CHECK(strlen(out.signature) == 64);
    FUZZ_CHECK(strspn(out.signature, "0123456789abcdef") == 64);
    /* One line per distinct header name, plus method, path, query, the
     * blank line and the signed-header list: a value never adds a line. */
    size_t lines = 0, names = 1;
    for (const char *p = out.canonical_request; *p; p++)
        lines += *p == '\n';
    for (const char *p = out.signed_headers; *p; p++)
        names += *p == ';';
    FUZZ_CHECK(lines == names + 5);
    FUZZ_CHECK(strstr(out.authorization, out.signature) != NULL);
    FUZZ_CHECK(strchr(out.authorization, '\n') == NULL && strchr(out.authorization, '\r') == NULL);
    /* Deterministic, and the cached key gives what a fresh one gives. */
    FUZZ_CHECK(sigv4_sign(&req, &creds, "us-east-1", "s3", URIENC_FUZZ_DATE, &key, &out2, err,
                          sizeof err) == 0);
    FUZZ_CHECK(strcmp(out.authorization, out2.authorization) == 0);
    FUZZ_CHECK(sigv4_sign(&req, &creds, "us-east-1", "s3", URIENC_FUZZ_DATE, &key2, &out2, err,
                          sizeof err) == 0);
    FUZZ_CHECK(strcmp(out.canonical_request, out2.canonical_request) == 0 &&
               strcmp(out.signature, out2.signature) == 0);
    sigv4_key_wipe(&key);
    sigv4_key_wipe(&key2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    char *raw = fuzz_dup(data, size);
    if (!raw)
        return 0;
    size_t small = size > 1 ? (unsigned char)data[1] % (3 * size + 1) : 0;
    urienc_check_encoders(raw, size, small);
    urienc_check_decoder(raw, size, small);
    free(raw);

    char *f[URIENC_FUZZ_FIELDS];
    size_t nf = 0;
    char *copy = fuzz_split(data, size, f, URIENC_FUZZ_FIELDS, &nf);
    if (!copy)
        return 0;
    if (nf >= 3)
        urienc_check_sigv4(f, nf);
    free(copy);
    return 0;
}
