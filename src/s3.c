/* The S3 request layer: signs each request with sigv4, sends it with the
 * client's own libcurl easy handle, and either counts the body (GET of an
 * object) or keeps it (listings, error documents). */
#include "s3.h"

#include "errmsg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "urienc.h"

#define LIST_BODY_MAX (64u << 20)

/* Copies the authority of endpoint ("scheme://authority") into host. We send
 * this exact string as the Host header and sign the same string, so the
 * server's view and ours cannot differ (libcurl would drop a default port
 * from Host, which would break the signature). Returns 0 or -1. */
static int endpoint_host(const char *endpoint, char *host, size_t hostlen)
{
    const char *p = strstr(endpoint, "://");
    if (!p)
        return -1;
    p += 3;
    size_t n = strcspn(p, "/");
    if (n == 0 || n >= hostlen)
        return -1;
    memcpy(host, p, n);
    host[n] = '\0';
    return 0;
}

int s3_target_init(struct s3_target *t, const struct config *cfg, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    int n;
    if (cfg->endpoint[0])
        n = snprintf(t->endpoint, sizeof t->endpoint, "%s", cfg->endpoint);
    else /* Path-style against the regional endpoint works for every bucket name. */
        n = snprintf(t->endpoint, sizeof t->endpoint, "https://s3.%s.amazonaws.com", cfg->region);
    if (n < 0 || (size_t)n >= sizeof t->endpoint) {
        errmsg_set(err, errlen, "endpoint too long");
        return -1;
    }
    if (endpoint_host(t->endpoint, t->host, sizeof t->host) != 0) {
        errmsg_set(err, errlen, "malformed endpoint URL");
        return -1;
    }
    n = snprintf(t->region, sizeof t->region, "%s", cfg->region);
    if (n < 0 || (size_t)n >= sizeof t->region) {
        errmsg_set(err, errlen, "region too long");
        return -1;
    }
    t->creds.access_key = cfg->access_key;
    t->creds.secret_key = cfg->secret_key;
    t->creds.session_token = cfg->session_token[0] ? cfg->session_token : NULL;
    t->verbose = cfg->verbose;
    t->ca_bundle = cfg->ca_bundle[0] ? cfg->ca_bundle : NULL;
    return 0;
}

/* libcurl write callback. The first call decides, from the status line
 * already received, whether the body is counted (a successful GET: never
 * held in memory) or kept (listings and error documents, up to body_max). */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct s3_client *c = userdata;
    size_t len = size * nmemb;
    if (c->keep_body < 0) {
        long code = 0;
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
        c->keep_body = code >= 300 ? 1 : 0;
        if (code >= 300)
            c->body_max = S3_MAX_ERRBODY;
    }
    if (!c->keep_body) {
        c->counted += len;
        return len;
    }
    if (c->body_len + len > c->body_max) {
        /* An error document is only for the message: keep its head. A
         * listing beyond the limit is an error (a short return stops curl). */
        if (c->body_max == S3_MAX_ERRBODY) {
            c->counted += len;
            return len;
        }
        return 0;
    }
    if (c->body_len + len + 1 > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap : 65536;
        while (cap < c->body_len + len + 1)
            cap *= 2;
        char *nb = realloc(c->body, cap);
        if (!nb)
            return 0;
        c->body = nb;
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, data, len);
    c->body_len += len;
    c->body[c->body_len] = '\0';
    c->counted += len;
    return len;
}

/* libcurl read callback: serves the PUT body from memory. */
static size_t on_upload(char *buf, size_t size, size_t nmemb, void *userdata)
{
    struct s3_client *c = userdata;
    size_t want = size * nmemb, left = c->put_len - c->put_off;
    size_t n = want < left ? want : left;
    memcpy(buf, c->put_data + c->put_off, n);
    c->put_off += n;
    return n;
}

int s3_client_init(struct s3_client *c, const struct s3_target *t, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->target = t;
    c->curl = curl_easy_init();
    if (!c->curl) {
        errmsg_set(err, errlen, "curl_easy_init failed");
        return -1;
    }
    CURL *h = c->curl;
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_upload);
    curl_easy_setopt(h, CURLOPT_READDATA, c);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
    /* Workers are threads: no signal-based DNS timeouts. */
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "s3bench/" S3BENCH_VERSION);
    /* S3 answers redirects with an error document naming the right region;
     * following them blindly would re-send a signature for another host. */
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    if (t->ca_bundle)
        curl_easy_setopt(h, CURLOPT_CAINFO, t->ca_bundle);
    return 0;
}

void s3_client_cleanup(struct s3_client *c)
{
    if (c->curl)
        curl_easy_cleanup(c->curl);
    curl_slist_free_all(c->headers);
    free(c->body);
    sigv4_key_wipe(&c->key);
    memset(&c->sig, 0, sizeof c->sig);
    c->curl = NULL;
    c->headers = NULL;
    c->body = NULL;
}

/* Appends "name: value" to the header list. Returns 0 or -1. */
static int add_header(struct curl_slist **list, const char *name, const char *value)
{
    char line[4096];
    int n = snprintf(line, sizeof line, "%s: %s", name, value);
    if (n < 0 || (size_t)n >= sizeof line)
        return -1;
    struct curl_slist *nl = curl_slist_append(*list, line);
    if (!nl)
        return -1;
    *list = nl;
    return 0;
}

/* Writes "/" bucket ["/" key] into c->path, encoded once by the same
 * encoder whose output the signer takes as the canonical URI. */
static int build_path(struct s3_client *c, const char *bucket, const char *key, size_t keylen)
{
    size_t blen = strlen(bucket);
    c->path[0] = '/';
    long n = urienc_path(c->path + 1, sizeof c->path - 1, bucket, blen);
    if (n < 0)
        return -1;
    if (!key)
        return 0;
    size_t off = 1 + (size_t)n;
    if (off + 1 >= sizeof c->path)
        return -1;
    c->path[off++] = '/';
    return urienc_path(c->path + off, sizeof c->path - off, key, keylen) < 0 ? -1 : 0;
}

/* Signs a request for c->path and the query, sets the URL and headers on the
 * easy handle and performs it, filling r. keep_body: 1 keeps the body (a
 * listing), -1 decides by status (a GET). Returns 0 for 2xx, -1 otherwise. */
static int perform(struct s3_client *c, const char *method, const struct sigv4_kv *query,
                   size_t nquery, const char *payload_hash, int keep_body,
                   struct s3_result *r)
{
    const struct s3_target *t = c->target;
    memset(r, 0, sizeof *r);
    r->content_length = -1;

    char amz_date[17];
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || strftime(amz_date, sizeof amz_date, "%Y%m%dT%H%M%SZ", &tm) != 16) {
        errmsg_set(r->message, sizeof r->message, "cannot format the request time");
        return -1;
    }
    struct sigv4_kv hdr[4] = {
        {"host", t->host},
        {"x-amz-content-sha256", payload_hash},
        {"x-amz-date", amz_date},
        {"x-amz-security-token", t->creds.session_token},
    };
    /* The token is signed when there is one: S3 rejects an unsigned one. */
    struct sigv4_request req = {
        .method = method, .path = c->path, .query = query, .nquery = nquery,
        .headers = hdr, .nheaders = t->creds.session_token ? 4 : 3,
        .payload_hash = payload_hash,
    };
    char err[256];
    if (sigv4_sign(&req, &t->creds, t->region, "s3", amz_date, &c->key, &c->sig, err, sizeof err) != 0) {
        errmsg_set(r->message, sizeof r->message, "signing: %s", err);
        return -1;
    }
    /* The canonical query is sorted and encoded the S3 way, so it is also a
     * valid wire query: what is sent is exactly what was signed. */
    int n = snprintf(c->url, sizeof c->url, "%s%s%s%s", t->endpoint, c->path,
                     c->sig.canonical_query[0] ? "?" : "", c->sig.canonical_query);
    if (n < 0 || (size_t)n >= sizeof c->url) {
        errmsg_set(r->message, sizeof r->message, "URL too long");
        return -1;
    }
    curl_slist_free_all(c->headers);
    c->headers = NULL;
    if (add_header(&c->headers, "Host", t->host) || add_header(&c->headers, "x-amz-content-sha256", payload_hash) ||
        add_header(&c->headers, "x-amz-date", amz_date) ||
        (t->creds.session_token && add_header(&c->headers, "x-amz-security-token", t->creds.session_token)) ||
        add_header(&c->headers, "Authorization", c->sig.authorization) ||
        /* No "Expect: 100-continue": it costs a round trip (or a 1 s wait) per PUT. */
        !(c->headers = curl_slist_append(c->headers, "Expect:"))) {
        errmsg_set(r->message, sizeof r->message, "out of memory building headers");
        return -1;
    }
    c->keep_body = keep_body;
    c->body_len = 0;
    c->body_max = LIST_BODY_MAX;
    c->counted = 0;
    c->errbuf[0] = '\0';
    curl_easy_setopt(c->curl, CURLOPT_URL, c->url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->headers);

    r->curl_code = curl_easy_perform(c->curl);
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_off_t cl = -1, ttfb = 0, total = 0;
    curl_easy_getinfo(c->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
    curl_easy_getinfo(c->curl, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
    curl_easy_getinfo(c->curl, CURLINFO_TOTAL_TIME_T, &total);
    r->content_length = cl;
    r->ttfb = (double)ttfb / 1e6;
    r->total = (double)total / 1e6;
    r->bytes = c->counted;
    if (t->verbose)
        fprintf(stderr, "s3bench: %s %s -> %ld (%" PRIu64 " bytes, %.3f s)\n", method, c->url,
                r->status, r->bytes, r->total);
    if (r->curl_code != CURLE_OK) {
        errmsg_set(r->message, sizeof r->message, "%s", c->errbuf[0] ? c->errbuf : curl_easy_strerror(r->curl_code));
        return -1;
    }
    if (r->status < 200 || r->status >= 300) {
        if (c->body_len)
            listxml_parse_error(c->body, c->body_len, &r->s3err);
        r->bytes = 0;
        return -1;
    }
    return 0;
}

/* Sets the easy handle up for a GET (after a PUT changed it). */
static void set_get(struct s3_client *c)
{
    curl_easy_setopt(c->curl, CURLOPT_UPLOAD, 0L);
    curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
}

/* GETs sign the SHA-256 of the empty body rather than UNSIGNED-PAYLOAD: it
 * states exactly what is sent (nothing), is valid over plain HTTP as over
 * HTTPS, and costs nothing, being a constant. */
int s3_get_object(struct s3_client *c, const char *bucket, const char *key,
                  size_t keylen, struct s3_result *r)
{
    if (build_path(c, bucket, key, keylen) != 0) {
        memset(r, 0, sizeof *r);
        errmsg_set(r->message, sizeof r->message, "key too long to encode");
        return -1;
    }
    set_get(c);
    return perform(c, "GET", NULL, 0, SIGV4_EMPTY_SHA256, -1, r);
}

int s3_list_page(struct s3_client *c, const char *bucket, const char *prefix,
                 const char *token, struct keylist *kl, struct listxml_page *page,
                 struct s3_result *r)
{
    /* encoding-type=url: keys holding bytes that XML 1.0 cannot carry
     * (control characters) come back percent-encoded instead of breaking
     * the document. */
    struct sigv4_kv q[4] = {{"list-type", "2"}, {"encoding-type", "url"}};
    size_t nq = 2;
    if (prefix && prefix[0])
        q[nq++] = (struct sigv4_kv){"prefix", prefix};
    if (token && token[0])
        q[nq++] = (struct sigv4_kv){"continuation-token", token};
    if (build_path(c, bucket, NULL, 0) != 0) {
        memset(r, 0, sizeof *r);
        errmsg_set(r->message, sizeof r->message, "bucket name too long");
        return -1;
    }
    set_get(c);
    if (perform(c, "GET", q, nq, SIGV4_EMPTY_SHA256, 1, r) != 0)
        return -1;
    char err[256];
    if (listxml_parse_page(c->body ? c->body : "", c->body_len, kl, page, err, sizeof err) != 0) {
        errmsg_set(r->message, sizeof r->message, "bad ListObjectsV2 answer: %s", err);
        return -1;
    }
    return 0;
}

/* PUTs c->put_data to c->path. */
static int put(struct s3_client *c, const void *data, size_t len, struct s3_result *r)
{
    char hash[65];
    sigv4_sha256_hex(data, len, hash);
    c->put_data = data;
    c->put_len = len;
    c->put_off = 0;
    curl_easy_setopt(c->curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    int rc = perform(c, "PUT", NULL, 0, hash, -1, r);
    set_get(c);
    return rc;
}

int s3_put_object(struct s3_client *c, const char *bucket, const char *key,
                  size_t keylen, const void *data, size_t len, struct s3_result *r)
{
    if (build_path(c, bucket, key, keylen) != 0) {
        memset(r, 0, sizeof *r);
        errmsg_set(r->message, sizeof r->message, "key too long to encode");
        return -1;
    }
    return put(c, data, len, r);
}

int s3_create_bucket(struct s3_client *c, const char *bucket, struct s3_result *r)
{
    char body[512] = "";
    int n = 0;
    /* us-east-1 is the one region where CreateBucket must carry no location. */
    if (strcmp(c->target->region, "us-east-1") != 0)
        n = snprintf(body, sizeof body,
                     "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                     "<LocationConstraint>%s</LocationConstraint></CreateBucketConfiguration>",
                     c->target->region);
    if (n < 0 || (size_t)n >= sizeof body || build_path(c, bucket, NULL, 0) != 0) {
        memset(r, 0, sizeof *r);
        errmsg_set(r->message, sizeof r->message, "bucket name or region too long");
        return -1;
    }
    if (put(c, body, (size_t)n, r) == 0)
        return 0;
    return strcmp(r->s3err.code, "BucketAlreadyOwnedByYou") == 0 ? 0 : -1;
}

void s3_result_describe(const struct s3_result *r, char *dst, size_t dstlen)
{
    if (r->message[0] && r->status == 0)
        errmsg_set(dst, dstlen, "%s", r->message);
    else if (r->s3err.code[0])
        errmsg_set(dst, dstlen, "%ld %s: %s (request id %s)", r->status, r->s3err.code,
                 r->s3err.message[0] ? r->s3err.message : "no message",
                 r->s3err.request_id[0] ? r->s3err.request_id : "none");
    else if (r->message[0])
        errmsg_set(dst, dstlen, "%ld: %s", r->status, r->message);
    else
        errmsg_set(dst, dstlen, "HTTP %ld", r->status);
}
