#ifndef S3BENCH_S3_H
#define S3BENCH_S3_H
/* The S3 request layer: one client per worker, owning one libcurl easy
 * handle for the whole run (so its connection is reused), its signing-key
 * cache and its buffers. Requests are signed with sigv4 and addressed
 * path-style against the configured endpoint. Nothing here is shared between
 * workers. */
#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>
#include "config.h"
#include "keylist.h"
#include "listxml.h"
#include "sigv4.h"

#define S3_MAX_URL   8192
#define S3_MAX_ERRBODY 65536

/* Where and as whom to send requests: derived once from the configuration,
 * then read-only and shared by every client. */
struct s3_target {
    char endpoint[512];   /* scheme://host[:port] */
    char host[300];       /* the Host header value, as signed */
    char region[64];
    struct sigv4_creds creds;
    int verbose;
    const char *ca_bundle; /* NULL: libcurl's default */
};

/* What one request did. */
struct s3_result {
    long status;             /* HTTP status, 0 when no answer came */
    int64_t content_length;  /* the Content-Length header, -1 if none */
    uint64_t bytes;          /* body bytes received (GET: counted, not kept) */
    double ttfb, total;      /* seconds from the request's start */
    CURLcode curl_code;
    struct listxml_error s3err; /* parsed <Error> body, if any */
    char message[CURL_ERROR_SIZE + 64];
};

struct s3_client {
    const struct s3_target *target;
    CURL *curl;
    struct curl_slist *headers;
    struct sigv4_key key;
    struct sigv4_result sig;
    char url[S3_MAX_URL];
    char path[S3_MAX_URL];
    char errbuf[CURL_ERROR_SIZE];
    /* Response body: counted only for a successful GET, kept (bounded) for
     * listings and error documents. */
    char *body;
    size_t body_len, body_cap, body_max;
    int keep_body;
    uint64_t counted;
    /* Upload source for PUT. */
    const char *put_data;
    size_t put_len, put_off;
};

/* Fills t from cfg. Returns 0, or -1 with a message in err. */
int s3_target_init(struct s3_target *t, const struct config *cfg, char *err, size_t errlen);

/* Creates the client's easy handle. Returns 0, or -1 with a message in err. */
int s3_client_init(struct s3_client *c, const struct s3_target *t, char *err, size_t errlen);
void s3_client_cleanup(struct s3_client *c);

/* GETs bucket/key and counts the body without keeping it. Returns 0 for a 2xx
 * answer, -1 otherwise (r says why). */
int s3_get_object(struct s3_client *c, const char *bucket, const char *key,
                  size_t keylen, struct s3_result *r);

/* Fetches one ListObjectsV2 page (encoding-type=url) after token ("" for the
 * first) and appends its keys to kl. Returns 0, or -1 (r says why; a parse
 * failure is in r->message). */
int s3_list_page(struct s3_client *c, const char *bucket, const char *prefix,
                 const char *token, struct keylist *kl, struct listxml_page *page,
                 struct s3_result *r);

/* PUTs len bytes as bucket/key, signed with the payload's real SHA-256.
 * Returns 0 for a 2xx answer, -1 otherwise. */
int s3_put_object(struct s3_client *c, const char *bucket, const char *key,
                  size_t keylen, const void *data, size_t len, struct s3_result *r);

/* Creates bucket; one that we already own counts as success. */
int s3_create_bucket(struct s3_client *c, const char *bucket, struct s3_result *r);

/* Formats r as one line ("403 SignatureDoesNotMatch: message (request id X)"
 * or the transport error) into dst. */
void s3_result_describe(const struct s3_result *r, char *dst, size_t dstlen);

#endif
