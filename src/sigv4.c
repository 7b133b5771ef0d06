/* AWS Signature Version 4 for S3, as one straight pipeline whose steps carry
 * the names the specification gives them (the same shape as curl's
 * lib/http_aws_sigv4.c):
 *
 *   canonical query -> canonical headers -> signed headers
 *   -> canonical request -> string to sign -> signing key -> signature
 *   -> Authorization header
 *
 * Everything lives in fixed-size buffers: the caller's struct sigv4_result
 * and a few bounded locals. No malloc, no VLA; every append is checked, and
 * a too long input is an error, never a truncated signature. Error messages
 * name fields and header names only, never a value, so neither the secret
 * nor a session token can leak through err. */
#include "sigv4.h"

#include "errmsg.h"
#include "urienc.h"

/* The low-level SHA256_* calls: no EVP fetch, no allocation, a stack
 * context. Deprecated in OpenSSL 3.0, still shipped; the EVP one-shots cost
 * ~19 heap calls each (see bench/signbench). */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ALGORITHM "AWS4-HMAC-SHA256"
#define TERMINATOR "aws4_request"
/* AWS secrets are 40 bytes; the bound only keeps "AWS4"+secret on the stack. */
#define MAX_SECRET 256
#define MAX_ACCESS_KEY 128
#define MAX_HEADER_NAME 128

/* ---- small helpers ---------------------------------------------------- */


/* A bounded appender. Overflow is sticky, so a pipeline step can append
 * freely and check once at the end; the buffer stays NUL-terminated. */
struct sbuf {
    char *p;
    size_t cap;
    size_t len;
    bool overflow;
};

/* Starts an empty sbuf over p[cap]; cap must be > 0. */
static void sb_init(struct sbuf *b, char *p, size_t cap)
{
    b->p = p;
    b->cap = cap;
    b->len = 0;
    b->overflow = false;
    p[0] = '\0';
}

/* Appends n bytes of s, or marks the buffer overflowed and leaves it as is. */
static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
    if (b->overflow || b->cap - b->len <= n) {
        b->overflow = true;
        return;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* Appends the string s. */
static void sb_add(struct sbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

/* Appends one byte. */
static void sb_addc(struct sbuf *b, char c)
{
    sb_addn(b, &c, 1);
}

/* Lower-cases one ASCII byte. Not tolower(): the locale must not change
 * what is signed. */
static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Compares two header names as their lower-case forms compare bytewise,
 * which is the order SigV4 sorts canonical headers in. */
static int name_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = lower((unsigned char)*a);
        unsigned char cb = lower((unsigned char)*b);
        if (ca != cb || ca == '\0')
            return (int)ca - (int)cb;
    }
}

/* True for an RFC 9110 token byte, the only bytes a header name may hold. */
static bool is_tchar(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* True for a byte that may stand in a credential-scope part or the access
 * key: visible ASCII except '/' (the scope separator) and ',' (the
 * Authorization separator), so no input can forge another field. */
static bool is_scope_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '/' && c != ',';
}

/* True if s is non-empty, at most max bytes, and made of scope characters. */
static bool valid_scope_part(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= max || !is_scope_char((unsigned char)s[n]))
            return false;
    return n > 0;
}

/* Writes the lowercase hex form of n bytes (n <= 32) into hex[2n+1]. */
static void to_hex(const unsigned char *in, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[in[i] >> 4];
        hex[2 * i + 1] = digits[in[i] & 15];
    }
    hex[2 * n] = '\0';
}

/* Lower-case hex SHA-256, the form every hash in SigV4 takes. */
void sigv4_sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, data, len);
    SHA256_Final(md, &c);
    to_hex(md, sizeof md, hex);
}

/* Cleanses the whole cache, not only key[]: the fingerprint and scope are
 * no secret, but a wiped key must also read as invalid. NULL is a no-op. */
void sigv4_key_wipe(struct sigv4_key *key)
{
    if (key)
        OPENSSL_cleanse(key, sizeof *key); /* also clears valid */
}

/* ---- input checks ----------------------------------------------------- */

/* True if amz_date is "YYYYMMDDTHHMMSSZ". Only the shape is checked: the
 * scope date is cut from it, so a wrong shape would sign a wrong scope. */
static bool valid_amz_date(const char *d)
{
    for (int i = 0; i < 16; i++) {
        unsigned char c = (unsigned char)d[i];
        bool ok = (i == 8) ? c == 'T' : (i == 15) ? c == 'Z' : (c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return d[16] == '\0';
}

/* True if path is what urienc_path produces: '/', unreserved bytes and %XX
 * with upper-case hex. S3 signs the path exactly as sent, so a raw key
 * (a space, a '+') would be sent one way and signed another; catching it
 * here turns a puzzling 403 into a clear error. */
static bool valid_encoded_path(const char *p)
{
    if (p[0] != '/')
        return false;
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '~' || c == '/')
            continue;
        if (c != '%')
            return false;
        for (int k = 1; k <= 2; k++) {
            unsigned char h = (unsigned char)p[k];
            if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F')))
                return false;
        }
        p += 2;
    }
    return true;
}

/* True if s is non-empty visible ASCII: one line of the canonical request
 * each, so a newline in them would forge the lines after. */
static bool valid_token(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

/* Checks everything the pipeline relies on before any of it runs. */
static int check_inputs(const struct sigv4_request *req,
                        const struct sigv4_creds *creds, const char *region,
                        const char *service, const char *amz_date,
                        const struct sigv4_key *key,
                        const struct sigv4_result *out, char *err,
                        size_t errlen)
{
    if (!req || !creds || !region || !service || !amz_date || !key || !out)
        return errmsg_set(err, errlen, "sigv4: NULL argument");
    if (!req->method || !req->path || !req->payload_hash)
        return errmsg_set(err, errlen, "sigv4: request without method, path or payload hash");
    if ((req->nquery > 0 && !req->query) || (req->nheaders > 0 && !req->headers))
        return errmsg_set(err, errlen, "sigv4: query or headers count without array");
    if (!valid_token(req->method))
        return errmsg_set(err, errlen, "sigv4: invalid method");
    if (!valid_encoded_path(req->path))
        return errmsg_set(err, errlen, "sigv4: path must start with '/' and be encoded with urienc_path");
    if (!valid_token(req->payload_hash))
        return errmsg_set(err, errlen, "sigv4: invalid payload hash");
    if (!valid_amz_date(amz_date))
        return errmsg_set(err, errlen, "sigv4: amz_date must be YYYYMMDDTHHMMSSZ");
    if (!valid_scope_part(region, sizeof key->region - 1))
        return errmsg_set(err, errlen, "sigv4: invalid or too long region");
    if (!valid_scope_part(service, sizeof key->service - 1))
        return errmsg_set(err, errlen, "sigv4: invalid or too long service");
    if (!creds->access_key || !valid_scope_part(creds->access_key, MAX_ACCESS_KEY))
        return errmsg_set(err, errlen, "sigv4: invalid or too long access key id");
    if (!creds->secret_key || !creds->secret_key[0])
        return errmsg_set(err, errlen, "sigv4: empty secret key");
    if (strlen(creds->secret_key) > MAX_SECRET)
        return errmsg_set(err, errlen, "sigv4: secret key longer than %d bytes", MAX_SECRET);
    if (req->nheaders > SIGV4_MAX_HEADERS)
        return errmsg_set(err, errlen, "sigv4: more than %d headers", SIGV4_MAX_HEADERS);
    return 0;
}

/* ---- step 1: canonical query string ------------------------------------ */

/* Encoded names and values are compared, not raw ones: the specification
 * sorts the encoded form, and the orders differ (raw, the UTF-8 byte 0xE1
 * sorts after 'P'; encoded, "%E1" sorts before it). A NULL value is an
 * empty one ("name="); a NULL name is an error. */
long sigv4_canonical_query(char *dst, size_t dstlen,
                           const struct sigv4_kv *query, size_t nquery)
{
    /* Scratch holds "name\0value\0" per parameter: never longer than the
     * finished query plus one byte, so SIGV4_MAX_QUERY bounds both. */
    char scratch[SIGV4_MAX_QUERY];
    size_t name_at[SIGV4_MAX_QUERY_PARAMS], value_at[SIGV4_MAX_QUERY_PARAMS];
    size_t order[SIGV4_MAX_QUERY_PARAMS];
    size_t used = 0;

    if (!dst || dstlen == 0)
        return -1;
    dst[0] = '\0';
    if (nquery > SIGV4_MAX_QUERY_PARAMS || (nquery > 0 && !query))
        return -1;

    for (size_t i = 0; i < nquery; i++) {
        const char *name = query[i].name;
        const char *value = query[i].value ? query[i].value : "";
        if (!name)
            return -1;
        long n = urienc_component(scratch + used, sizeof scratch - used, name, strlen(name));
        if (n < 0)
            return -1;
        name_at[i] = used;
        used += (size_t)n + 1;
        if (used >= sizeof scratch)
            return -1;
        n = urienc_component(scratch + used, sizeof scratch - used, value, strlen(value));
        if (n < 0)
            return -1;
        value_at[i] = used;
        used += (size_t)n + 1;
        order[i] = i;
    }

    /* Insertion sort: at most SIGV4_MAX_QUERY_PARAMS items, no allocation,
     * and no comparator context (qsort_r is not portable C11). */
    for (size_t i = 1; i < nquery; i++) {
        size_t cur = order[i], j = i;
        while (j > 0) {
            size_t prev = order[j - 1];
            int c = strcmp(scratch + name_at[prev], scratch + name_at[cur]);
            if (c == 0)
                c = strcmp(scratch + value_at[prev], scratch + value_at[cur]);
            if (c <= 0)
                break;
            order[j] = prev;
            j--;
        }
        order[j] = cur;
    }

    struct sbuf b;
    sb_init(&b, dst, dstlen);
    for (size_t i = 0; i < nquery; i++) {
        if (i > 0)
            sb_addc(&b, '&');
        sb_add(&b, scratch + name_at[order[i]]);
        sb_addc(&b, '='); /* "name=" even when empty, as SigV4 requires */
        sb_add(&b, scratch + value_at[order[i]]);
    }
    if (b.overflow) {
        dst[0] = '\0';
        return -1;
    }
    return (long)b.len;
}

/* ---- steps 2 and 3: canonical headers and signed headers --------------- */

/* Appends one header value the canonical way: leading and trailing white
 * space dropped, each inner run of spaces/tabs written as one space. A
 * control byte (CR, LF, NUL...) is refused rather than folded: in a value it
 * is a header injection, and folding continuation lines is the HTTP
 * parser's job, not the signer's. Returns false on such a byte. */
static bool append_value(struct sbuf *b, const char *v)
{
    bool pending_space = false, wrote = false;
    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;
        if (c == ' ' || c == '\t') {
            pending_space = wrote;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            return false;
        if (pending_space)
            sb_addc(b, ' ');
        pending_space = false;
        sb_addc(b, (char)c);
        wrote = true;
    }
    return true;
}

/* Appends the lower-cased header name. */
static void append_lower(struct sbuf *b, const char *name)
{
    for (; *name; name++)
        sb_addc(b, (char)lower((unsigned char)*name));
}

/* Writes the canonical header lines into creq and the signed-header list
 * into signed_headers. Headers are sorted by lower-cased name with a stable
 * sort, so repeated headers keep the order the caller gave; they are then
 * joined with ',' on one line, as SigV4 says. Also checks the headers S3's
 * signature depends on: host must be there, x-amz-date must equal amz_date,
 * and a session token must be signed (S3 rejects an unsigned one). */
static int canonical_headers(struct sbuf *creq, char *signed_headers,
                             size_t signed_len, const struct sigv4_request *req,
                             const struct sigv4_creds *creds,
                             const char *amz_date, char *err, size_t errlen)
{
    size_t order[SIGV4_MAX_HEADERS];
    size_t n = req->nheaders;
    bool have_host = false, have_date = false, have_token = false;
    const char *token = creds->session_token;
    bool need_token = token && token[0];

    for (size_t i = 0; i < n; i++) {
        const char *name = req->headers[i].name;
        if (!name || !name[0] || !req->headers[i].value)
            return errmsg_set(err, errlen, "sigv4: header %zu has no name or no value", i);
        size_t k = 0;
        for (; name[k]; k++)
            if (k >= MAX_HEADER_NAME || !is_tchar((unsigned char)name[k]))
                return errmsg_set(err, errlen, "sigv4: header %zu: invalid or too long name", i);
        order[i] = i;
    }

    for (size_t i = 1; i < n; i++) { /* stable insertion sort */
        size_t cur = order[i], j = i;
        while (j > 0 && name_cmp(req->headers[order[j - 1]].name, req->headers[cur].name) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = cur;
    }

    struct sbuf sh;
    sb_init(&sh, signed_headers, signed_len);
    for (size_t i = 0; i < n;) {
        const char *name = req->headers[order[i]].name;
        size_t end = i + 1;
        while (end < n && name_cmp(req->headers[order[end]].name, name) == 0)
            end++;

        append_lower(creq, name);
        sb_addc(creq, ':');
        size_t value_at = creq->len;
        for (size_t k = i; k < end; k++) {
            if (k > i)
                sb_addc(creq, ',');
            if (!append_value(creq, req->headers[order[k]].value))
                return errmsg_set(err, errlen, "sigv4: header %s: control character in value", name);
        }
        if (creq->overflow)
            return errmsg_set(err, errlen, "sigv4: canonical request longer than %d bytes",
                        SIGV4_MAX_CANONICAL);
        const char *value = creq->p + value_at;
        if (name_cmp(name, "host") == 0) {
            have_host = true;
        } else if (name_cmp(name, "x-amz-date") == 0) {
            if (strcmp(value, amz_date) != 0)
                return errmsg_set(err, errlen, "sigv4: x-amz-date header differs from amz_date");
            have_date = true;
        } else if (name_cmp(name, "x-amz-security-token") == 0) {
            if (need_token && strcmp(value, token) != 0)
                return errmsg_set(err, errlen,
                            "sigv4: x-amz-security-token header differs from the session token");
            have_token = true;
        }
        sb_addc(creq, '\n');

        if (i > 0)
            sb_addc(&sh, ';');
        append_lower(&sh, name);
        i = end;
    }

    if (!have_host)
        return errmsg_set(err, errlen, "sigv4: no host header to sign");
    if (!have_date)
        return errmsg_set(err, errlen, "sigv4: no x-amz-date header to sign");
    if (need_token && !have_token)
        return errmsg_set(err, errlen, "sigv4: session token given but no x-amz-security-token header");
    if (sh.overflow)
        return errmsg_set(err, errlen, "sigv4: signed headers longer than %zu bytes", signed_len - 1);
    if (creq->overflow)
        return errmsg_set(err, errlen, "sigv4: canonical request longer than %d bytes",
                    SIGV4_MAX_CANONICAL);
    return 0;
}

/* ---- step 4: canonical request ----------------------------------------- */

/* Builds METHOD \n path \n query \n headers \n signed-headers \n payload.
 * The path goes in exactly as given: S3, unlike every other service, does
 * not encode the path a second time and does not normalise it (no removal
 * of "." / ".." segments, no merging of "//"), so "/a/../b" and "//x" are
 * signed as sent. The caller encoded it once with urienc_path. */
static int canonical_request(const struct sigv4_request *req,
                             const struct sigv4_creds *creds,
                             const char *amz_date, struct sigv4_result *out,
                             char *err, size_t errlen)
{
    if (sigv4_canonical_query(out->canonical_query, sizeof out->canonical_query,
                              req->query, req->nquery) < 0)
        return errmsg_set(err, errlen,
                    "sigv4: query invalid, over %d parameters or longer than %d bytes",
                    SIGV4_MAX_QUERY_PARAMS, SIGV4_MAX_QUERY - 1);

    struct sbuf creq;
    sb_init(&creq, out->canonical_request, sizeof out->canonical_request);
    sb_add(&creq, req->method);
    sb_addc(&creq, '\n');
    sb_add(&creq, req->path);
    sb_addc(&creq, '\n');
    sb_add(&creq, out->canonical_query);
    sb_addc(&creq, '\n');
    if (canonical_headers(&creq, out->signed_headers, sizeof out->signed_headers,
                          req, creds, amz_date, err, errlen) < 0)
        return -1;
    sb_addc(&creq, '\n'); /* the blank line that ends the header block */
    sb_add(&creq, out->signed_headers);
    sb_addc(&creq, '\n');
    sb_add(&creq, req->payload_hash);
    if (creq.overflow)
        return errmsg_set(err, errlen, "sigv4: canonical request longer than %d bytes",
                    SIGV4_MAX_CANONICAL);
    return 0;
}

/* ---- step 5: string to sign -------------------------------------------- */

/* Appends the credential scope, "YYYYMMDD/region/service/aws4_request":
 * the string to sign and the Authorization header must name the same one. */
static void add_scope(struct sbuf *b, const char *amz_date, const char *region,
                      const char *service)
{
    sb_addn(b, amz_date, 8);
    sb_addc(b, '/');
    sb_add(b, region);
    sb_addc(b, '/');
    sb_add(b, service);
    sb_add(b, "/" TERMINATOR);
}

/* ALGORITHM \n amz_date \n scope \n hex(SHA-256(canonical request)). */
static int string_to_sign(const char *amz_date, const char *region,
                          const char *service, struct sigv4_result *out,
                          char *err, size_t errlen)
{
    char hash[65];
    sigv4_sha256_hex(out->canonical_request, strlen(out->canonical_request), hash);
    struct sbuf b;
    sb_init(&b, out->string_to_sign, sizeof out->string_to_sign);
    sb_add(&b, ALGORITHM "\n");
    sb_add(&b, amz_date);
    sb_addc(&b, '\n');
    add_scope(&b, amz_date, region, service);
    sb_addc(&b, '\n');
    sb_addn(&b, hash, 64);
    if (b.overflow)
        return errmsg_set(err, errlen, "sigv4: string to sign longer than %d bytes",
                    SIGV4_MAX_STS - 1);
    return 0;
}

/* ---- step 6: signing key ----------------------------------------------- */

/* HMAC-SHA256 of msg under k into out (32 bytes); false if OpenSSL fails. */
static bool hmac256(const void *k, size_t klen, const void *msg, size_t mlen,
                    unsigned char out[32])
{
    unsigned int outlen = 0;
    return HMAC(EVP_sha256(), k, (int)klen, msg, mlen, out, &outlen) != NULL &&
           outlen == 32;
}

/* Makes key hold the signing key for (date, region, service, secret).
 * The key only changes with the scope, so it is derived once per day and
 * region and reused: four HMACs saved on every request. The secret is
 * recognised by its SHA-256 (secret_fp), so the cache never stores the
 * secret itself and a rotated secret still forces a new derivation. Every
 * buffer that held the secret or an intermediate key is cleansed. */
static int signing_key(struct sigv4_key *key, const char *secret,
                       const char *amz_date, const char *region,
                       const char *service, char *err, size_t errlen)
{
    char fp[65];
    size_t slen = strlen(secret);
    if (key->valid && key->secret_ptr == secret && key->secret_len == slen &&
        memcmp(key->date, amz_date, 8) == 0 && key->date[8] == '\0' &&
        strcmp(key->region, region) == 0 && strcmp(key->service, service) == 0)
        return 0;
    sigv4_sha256_hex(secret, slen, fp);

    if (key->valid && memcmp(key->date, amz_date, 8) == 0 && key->date[8] == '\0' &&
        strcmp(key->region, region) == 0 && strcmp(key->service, service) == 0 &&
        CRYPTO_memcmp(key->secret_fp, fp, 64) == 0) {
        OPENSSL_cleanse(fp, sizeof fp);
        return 0;
    }

    unsigned char ksecret[4 + MAX_SECRET];
    unsigned char kdate[32], kregion[32], kservice[32];
    memcpy(ksecret, "AWS4", 4);
    memcpy(ksecret + 4, secret, slen); /* slen <= MAX_SECRET: check_inputs */
    bool ok = hmac256(ksecret, 4 + slen, amz_date, 8, kdate) &&
              hmac256(kdate, 32, region, strlen(region), kregion) &&
              hmac256(kregion, 32, service, strlen(service), kservice) &&
              hmac256(kservice, 32, TERMINATOR, strlen(TERMINATOR), key->key);
    OPENSSL_cleanse(ksecret, sizeof ksecret);
    OPENSSL_cleanse(kdate, sizeof kdate);
    OPENSSL_cleanse(kregion, sizeof kregion);
    OPENSSL_cleanse(kservice, sizeof kservice);
    if (!ok) {
        OPENSSL_cleanse(fp, sizeof fp);
        sigv4_key_wipe(key);
        return errmsg_set(err, errlen, "sigv4: HMAC-SHA256 failed in OpenSSL");
    }

    memcpy(key->date, amz_date, 8);
    key->date[8] = '\0';
    /* Lengths were checked against these fields in check_inputs. */
    snprintf(key->region, sizeof key->region, "%s", region);
    snprintf(key->service, sizeof key->service, "%s", service);
    memcpy(key->secret_fp, fp, sizeof key->secret_fp);
    OPENSSL_cleanse(fp, sizeof fp);
    key->secret_ptr = secret;
    key->secret_len = slen;
    /* HMAC (RFC 2104) precomputation: SHA256 state after key^ipad, key^opad. */
    _Static_assert(sizeof(SHA256_CTX) <= sizeof key->hmac_state[0], "SHA256_CTX size");
    unsigned char pad[64];
    for (int k = 0; k < 2; k++) {
        SHA256_CTX c;
        memset(pad, k == 0 ? 0x36 : 0x5c, sizeof pad);
        for (int i = 0; i < 32; i++)
            pad[i] ^= key->key[i];
        SHA256_Init(&c);
        SHA256_Update(&c, pad, sizeof pad);
        memcpy(key->hmac_state[k], &c, sizeof c);
        OPENSSL_cleanse(&c, sizeof c);
    }
    OPENSSL_cleanse(pad, sizeof pad);
    key->valid = 1;
    return 0;
}

/* ---- step 7: signature ------------------------------------------------- */

/* hex(HMAC-SHA256(signing key, string to sign)). */
static int signature(const struct sigv4_key *key, struct sigv4_result *out,
                     char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    unsigned char mac[32];
    SHA256_CTX c;
    memcpy(&c, key->hmac_state[0], sizeof c);
    SHA256_Update(&c, out->string_to_sign, strlen(out->string_to_sign));
    SHA256_Final(mac, &c);
    memcpy(&c, key->hmac_state[1], sizeof c);
    SHA256_Update(&c, mac, sizeof mac);
    SHA256_Final(mac, &c);
    to_hex(mac, sizeof mac, out->signature);
    return 0;
}

/* ---- step 8: Authorization header -------------------------------------- */

/* "AWS4-HMAC-SHA256 Credential=AK/scope, SignedHeaders=..., Signature=...".
 * ", " separates the parts as botocore and the SigV4 test suite write it;
 * S3 accepts it with or without the space. */
static int authorization_header(const struct sigv4_creds *creds,
                                const char *amz_date, const char *region,
                                const char *service, struct sigv4_result *out,
                                char *err, size_t errlen)
{
    struct sbuf b;
    sb_init(&b, out->authorization, sizeof out->authorization);
    sb_add(&b, ALGORITHM " Credential=");
    sb_add(&b, creds->access_key);
    sb_addc(&b, '/');
    add_scope(&b, amz_date, region, service);
    sb_add(&b, ", SignedHeaders=");
    sb_add(&b, out->signed_headers);
    sb_add(&b, ", Signature=");
    sb_add(&b, out->signature);
    if (b.overflow)
        return errmsg_set(err, errlen, "sigv4: Authorization header longer than %d bytes",
                    SIGV4_MAX_AUTH - 1);
    return 0;
}

/* ---- the pipeline ------------------------------------------------------ */

/* Runs the pipeline; any step that fails stops it with its own message.
 * The contract is in sigv4.h. */
int sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *creds,
               const char *region, const char *service, const char *amz_date,
               struct sigv4_key *key, struct sigv4_result *out,
               char *err, size_t errlen)
{
    if (err && errlen > 0)
        err[0] = '\0';
    if (out) {
        /* A failed call must not leave an earlier request's signature for
         * a careless caller to send. */
        out->signature[0] = '\0';
        out->authorization[0] = '\0';
    }
    if (check_inputs(req, creds, region, service, amz_date, key, out, err, errlen) < 0 ||
        canonical_request(req, creds, amz_date, out, err, errlen) < 0 ||
        string_to_sign(amz_date, region, service, out, err, errlen) < 0 ||
        signing_key(key, creds->secret_key, amz_date, region, service, err, errlen) < 0 ||
        signature(key, out, err, errlen) < 0 ||
        authorization_header(creds, amz_date, region, service, out, err, errlen) < 0) {
        if (out) {
            out->signature[0] = '\0';
            out->authorization[0] = '\0';
        }
        return -1;
    }
    return 0;
}
