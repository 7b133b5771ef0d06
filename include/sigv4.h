#ifndef S3BENCH_SIGV4_H
#define S3BENCH_SIGV4_H
/* AWS Signature Version 4 as a pure function: the request, the credentials,
 * the region, the service and the time go in as data; the canonical request,
 * the string to sign, the signature and the Authorization header come out.
 * No clock, no I/O, no globals. OpenSSL does SHA-256 and HMAC. */
#include <stddef.h>

#define SIGV4_MAX_CANONICAL 16384
#define SIGV4_MAX_STS       512
#define SIGV4_MAX_AUTH      2048
#define SIGV4_MAX_QUERY     8192
#define SIGV4_MAX_HEADERS   32
#define SIGV4_MAX_QUERY_PARAMS 64 /* query parameters one request may carry */

struct sigv4_kv {
    const char *name;
    const char *value;
};

struct sigv4_creds {
    const char *access_key;
    const char *secret_key;
    const char *session_token; /* NULL or "" when none */
};

/* A request to sign. `path` is the canonical URI, already encoded once with
 * urienc_path: S3 signs the path exactly as it is sent. `query` holds raw
 * (decoded) names and values; the signer encodes and sorts them. `headers`
 * are all headers to sign, raw; the signer lowercases, trims, folds and sorts. */
struct sigv4_request {
    const char *method;
    const char *path;
    const struct sigv4_kv *query;
    size_t nquery;
    const struct sigv4_kv *headers;
    size_t nheaders;
    const char *payload_hash; /* hex SHA-256 of the body, or "UNSIGNED-PAYLOAD" */
};

/* The signing key for one (date, region, service), derived once and reused:
 * a worker keeps one and the signer re-derives only when the scope changes. */
struct sigv4_key {
    char date[9];       /* YYYYMMDD */
    char region[64];
    char service[32];
    char secret_fp[65]; /* SHA-256 of the secret, so a new secret re-derives */
    unsigned char key[32];
    int valid;
    /* Fast path: the secret this key was derived from, recognised by address
     * and length, so the secret is not hashed again on every request. A
     * caller that rewrites a secret in place (a credentials refresh) must
     * sigv4_key_wipe the key. */
    const char *secret_ptr;
    size_t secret_len;
    /* HMAC-SHA256 under key, precomputed: the states after the ipad and
     * opad blocks, so a signature costs no key setup and no allocation. */
    unsigned char hmac_state[2][112]; /* two SHA256_CTX (opaque here) */
};

struct sigv4_result {
    char canonical_request[SIGV4_MAX_CANONICAL];
    char canonical_query[SIGV4_MAX_QUERY]; /* also valid as the wire query */
    char signed_headers[1024];
    char string_to_sign[SIGV4_MAX_STS];
    char signature[65];
    char authorization[SIGV4_MAX_AUTH];
};

/* Signs req. amz_date is the ISO 8601 basic time "YYYYMMDDTHHMMSSZ" (the
 * same as the request's x-amz-date header). key is a cache, updated when its
 * scope differs. Returns 0, or -1 with a message in err (never a secret).
 * The caller puts every header to sign in req->headers, as sent: host,
 * x-amz-date (must equal amz_date), x-amz-content-sha256 for S3, and
 * x-amz-security-token when creds has a session token (must equal it: S3
 * wants the token signed). A missing or different one is an error, so a
 * request that S3 would refuse with a 403 fails here with a clear message.
 * On -1, out->signature and out->authorization are empty. */
int sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *creds,
               const char *region, const char *service, const char *amz_date,
               struct sigv4_key *key, struct sigv4_result *out,
               char *err, size_t errlen);

/* Builds the canonical query string of query (encoded, sorted by name then
 * value, "name=" for empty values) into dst. Returns its length or -1. */
long sigv4_canonical_query(char *dst, size_t dstlen,
                           const struct sigv4_kv *query, size_t nquery);

/* Writes the lowercase hex SHA-256 of data into hex (65 bytes). */
void sigv4_sha256_hex(const void *data, size_t len, char hex[65]);

/* Wipes key material (OPENSSL_cleanse). */
void sigv4_key_wipe(struct sigv4_key *key);

/* The SHA-256 of the empty body. */
#define SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

#endif
