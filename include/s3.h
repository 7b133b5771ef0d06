#ifndef S3BENCH_S3_H
#define S3BENCH_S3_H
/* The S3 request layer: one client per worker, owning one libcurl easy
 * handle for the whole run (so its connection is reused), its signing-key
 * cache, its copy of the credentials and its buffers. Requests are signed
 * with sigv4 and addressed virtual-hosted or path style (config.h). Only
 * the credentials provider is shared between workers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>
#include "config.h"
#include "creds.h"
#include "curlopt.h"
#include "keylist.h"
#include "listxml.h"
#include "sigv4.h"

#define S3_MAX_URL   8192
#define S3_MAX_ERRBODY 65536
#define S3_MAX_HOST  600 /* a bucket name, '.', the service's authority */
#define S3_MAX_REGIONS 8
#define S3_MAX_HEADERS 6 /* Host, x-amz-content-sha256, x-amz-date, token, Authorization, Expect */ /* buckets whose region S3 corrected, per run */

/* The regions S3 named for buckets that do not live in the configured one
 * (see s3_result_region), learned by whichever client met the answer first
 * and used by all: one table per run, owned by main, shared by the clients
 * of a target like the credentials. Clients re-read it only when its
 * generation changes. Forked children inherit what the listing learned. */
struct s3_regions {
    pthread_mutex_t lock;
    _Atomic uint64_t generation;
    size_t count;
    struct s3_region_entry {
        char bucket[256];
        char region[64];
    } entry[S3_MAX_REGIONS];
    int ready;
};

/* Where and as whom to send requests: derived once from the configuration,
 * then read-only and shared by every client. */
struct s3_target {
    char scheme[8];       /* "http" or "https" */
    char host[300];       /* the endpoint's host[:port]; "" on AWS, where it
                           * is s3.REGION.amazonaws.com for the bucket's region */
    enum config_addressing addressing;
    char region[64];      /* the configured region */
    struct creds_provider *creds;
    struct s3_regions *regions;
    struct curlopt http;  /* TLS and verbosity */
    long connect_timeout; /* seconds */
    long stall_timeout;   /* seconds a transfer may move nothing */
};

/* What one request did. */
struct s3_result {
    long status;             /* HTTP status, 0 when no answer came */
    int64_t content_length;  /* the Content-Length header, -1 if none */
    uint64_t bytes;          /* body bytes received (GET: counted, not kept) */
    double ttfb, total;      /* seconds from the request's start */
    CURLcode curl_code;
    struct listxml_error s3err; /* parsed <Error> body, if any */
    char bucket_region[64];  /* the x-amz-bucket-region header, "" if none */
    char message[CURL_ERROR_SIZE + 64];
};

struct s3_client {
    const struct s3_target *target;
    CURL *curl;
    /* The request's headers without a malloc per request: fixed list nodes
     * over lines laid out in hbuf, rewritten for each request (libcurl
     * reads the list only during curl_easy_perform). */
    struct curl_slist hnode[S3_MAX_HEADERS];
    char hbuf[CREDS_MAX_TOKEN + S3_MAX_HOST + SIGV4_MAX_AUTH + 256];
    time_t date_at;           /* the second amz_date was formatted for */
    char amz_date[17];
    struct sigv4_key key;
    struct sigv4_result sig;
    struct creds_value creds; /* this client's copy, see creds_sync */
    uint64_t creds_gen;
    char where_bucket[256];   /* the bucket region and svc_host are for */
    uint64_t where_gen;       /* s3_regions generation they were read at */
    char region[64];          /* the signing region for where_bucket */
    char svc_host[300];       /* the service's authority in that region */
    char host[S3_MAX_HOST];   /* this request's Host, as signed */
    char bucket_region[64];   /* x-amz-bucket-region of the last answer */
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
    /* Set by the owner: while *abort is nonzero, a transfer in flight is
     * abandoned (CURLE_ABORTED_BY_CALLBACK). NULL: never. */
    const _Atomic int *abort;
    int fresh;                /* the next request opens a new connection */
};

/* Fills t from cfg, signing with creds and sharing the learned regions
 * (both must outlive t; regions may be NULL: no region is followed).
 * Without an endpoint: https://s3.REGION.amazonaws.com (amazonaws.com.cn
 * for cn- regions). Returns 0, or -1 with a message in err. */
int s3_target_init(struct s3_target *t, const struct config *cfg, struct creds_provider *creds,
                   struct s3_regions *regions, char *err, size_t errlen);

/* Sets up an empty region table. Returns 0, or -1 with a message. */
int s3_regions_init(struct s3_regions *rs, char *err, size_t errlen);
void s3_regions_cleanup(struct s3_regions *rs);

/* When r is S3 saying the bucket lives in another region than current (a
 * 301 PermanentRedirect, or a 400 AuthorizationHeaderMalformed, naming it
 * in the x-amz-bucket-region header or the Region element), copies that
 * region into region[len] and returns 1; else 0. */
int s3_result_region(const struct s3_result *r, const char *current, char *region, size_t len);

/* Creates the client's easy handle. Returns 0, or -1 with a message in err. */
int s3_client_init(struct s3_client *c, const struct s3_target *t, char *err, size_t errlen);
void s3_client_cleanup(struct s3_client *c);

/* Every request below goes to its bucket's region: the configured one, or
 * the one S3 named for it. An answer naming another region (see
 * s3_result_region) is followed once: the region is learned for every
 * client, one line says so on stderr, and the request is sent again there.
 *
 * GETs bucket/key and counts the body without keeping it. Returns 0 for a 2xx
 * answer, -1 otherwise (r says why). */
int s3_get_object(struct s3_client *c, const char *bucket, const char *key,
                  size_t keylen, struct s3_result *r);

/* Makes the next request use a new connection: a retry after a reset or
 * a stall should not reuse whatever state the old one was in. */
void s3_client_fresh(struct s3_client *c);

/* GETs bucket/key and keeps the body (at most 64 MiB) in c->body, c->body_len,
 * valid until the client's next request. Returns 0 for a 2xx answer, -1
 * otherwise (r says why). */
int s3_get_body(struct s3_client *c, const char *bucket, const char *key, size_t keylen,
                struct s3_result *r);

/* Fetches one ListObjectsV2 page (encoding-type=url) after token ("" for the
 * first) and appends its keys to kl. Returns 0, or -1 (r says why; a parse
 * failure is in r->message). */
int s3_list_page(struct s3_client *c, const char *bucket, const char *prefix,
                 const char *token, struct keylist *kl, struct listxml_page *page,
                 struct s3_result *r);

/* Lists every key under prefix ("" for all) of bucket into kl, page after
 * page, with a client of its own. Returns 0, or -1 with the one-line reason
 * ("ListObjectsV2 s3://bucket: 403 ...") in err. */
int s3_list_all(const struct s3_target *t, const char *bucket, const char *prefix,
                struct keylist *kl, char *err, size_t errlen);

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
