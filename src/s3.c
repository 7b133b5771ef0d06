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
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "urienc.h"

#define LIST_BODY_MAX (64u << 20)

/* AWS's S3 host for region: s3.REGION.amazonaws.com, or .amazonaws.com.cn
 * in the China regions. */
static int aws_host(char *host, size_t cap, const char *region)
{
    int cn = strncmp(region, "cn-", 3) == 0;
    int n = snprintf(host, cap, "s3.%s.amazonaws.com%s", region, cn ? ".cn" : "");
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int s3_regions_init(struct s3_regions *rs, char *err, size_t errlen)
{
    memset(rs, 0, sizeof *rs);
    if (pthread_mutex_init(&rs->lock, NULL) != 0)
        return errmsg_set(err, errlen, "cannot create a mutex");
    /* Above a new client's 0, so its first request reads the table. */
    atomic_init(&rs->generation, 1);
    rs->ready = 1;
    return 0;
}

void s3_regions_cleanup(struct s3_regions *rs)
{
    if (rs->ready)
        pthread_mutex_destroy(&rs->lock);
    rs->ready = 0;
}

int s3_target_init(struct s3_target *t, const struct config *cfg, struct creds_provider *creds,
                   struct s3_regions *regions, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    /* The endpoint is normalised by config: scheme://authority. We send
     * the authority as the Host header and sign the same string, so the
     * server's view and ours cannot differ (libcurl would drop a default
     * port from Host, which would break the signature). */
    const char *sep = strstr(cfg->endpoint, "://");
    if (cfg->endpoint[0]) {
        int n = sep ? snprintf(t->scheme, sizeof t->scheme, "%.*s", (int)(sep - cfg->endpoint),
                               cfg->endpoint) : -1;
        int m = sep ? snprintf(t->host, sizeof t->host, "%s", sep + 3) : -1;
        if (n < 0 || (size_t)n >= sizeof t->scheme || m <= 0 || (size_t)m >= sizeof t->host)
            return errmsg_set(err, errlen, "malformed endpoint URL");
    } else {
        memcpy(t->scheme, "https", 6);
    }
    int n = snprintf(t->region, sizeof t->region, "%s", cfg->region);
    if (n < 0 || (size_t)n >= sizeof t->region)
        return errmsg_set(err, errlen, "region too long");
    t->addressing = cfg->addressing;
    t->creds = creds;
    t->regions = regions;
    t->http = (struct curlopt){cfg->ca_bundle[0] ? cfg->ca_bundle : NULL, cfg->insecure,
                               cfg->verbose};
    t->connect_timeout = cfg->connect_timeout;
    t->stall_timeout = cfg->stall_timeout;
    return 0;
}

/* 1 when bucket can be the first label of a TLS-checked host name: 3 to 63
 * lowercase letters, digits and '-', starting and ending with a letter or
 * digit. Dots would make more labels than the certificate's wildcard
 * covers, so such buckets go path style. */
static int dns_bucket(const char *bucket)
{
    size_t n = strlen(bucket);
    if (n < 3 || n > 63 || bucket[0] == '-' || bucket[n - 1] == '-')
        return 0;
    return strspn(bucket, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* Whether requests for bucket go virtual-hosted (see config_addressing). */
static int virtual_hosted(const struct s3_target *t, const char *bucket)
{
    if (t->addressing != CONFIG_ADDR_AUTO)
        return t->addressing == CONFIG_ADDR_VIRTUAL;
    return !t->host[0] && dns_bucket(bucket);
}

int s3_result_region(const struct s3_result *r, const char *current, char *region, size_t len)
{
    int moved = r->status == 301 || strcmp(r->s3err.code, "PermanentRedirect") == 0 ||
                strcmp(r->s3err.code, "AuthorizationHeaderMalformed") == 0;
    const char *named = r->bucket_region[0] ? r->bucket_region : r->s3err.region;
    size_t n = strlen(named);
    /* It becomes part of a host name and the signing scope: letters,
     * digits and '-' only. */
    if (!moved || n == 0 || n >= len || strcmp(named, current) == 0 ||
        strspn(named, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != n)
        return 0;
    memcpy(region, named, n + 1);
    return 1;
}

/* libcurl header callback: keeps x-amz-bucket-region, the one header S3
 * names a bucket's region in. */
static size_t on_header(char *data, size_t size, size_t nitems, void *userdata)
{
    struct s3_client *c = userdata;
    size_t len = size * nitems;
    static const char name[] = "x-amz-bucket-region:";
    if (len > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
        const char *v = data + sizeof name - 1;
        size_t n = len - (sizeof name - 1);
        while (n > 0 && (*v == ' ' || *v == '\t')) {
            v++;
            n--;
        }
        while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
            n--;
        if (n < sizeof c->bucket_region) {
            memcpy(c->bucket_region, v, n);
            c->bucket_region[n] = '\0';
        }
    }
    return len;
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

/* libcurl progress callback: a nonzero return abandons the transfer. */
static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    const struct s3_client *c = userdata;
    return c->abort && atomic_load_explicit(c->abort, memory_order_relaxed);
}

void s3_client_fresh(struct s3_client *c)
{
    c->fresh = 1;
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
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, t->connect_timeout);
    /* A connection that moves nothing for stall_timeout seconds is dead
     * (a stalled peer, a lost route): give it up so the worker can retry
     * on a new one instead of waiting forever. */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, t->stall_timeout);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "s3bench/" S3BENCH_VERSION);
    /* S3 keys are names, not paths: "a/../b" is its own object. Without
     * this libcurl would squash dot segments after we signed the path. */
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
    /* Big objects arrive in bigger pieces: fewer callbacks and reads, about
     * 40% less CPU per 16 MiB object (make bench). */
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024);
    /* S3 answers redirects with an error document naming the right region;
     * following them blindly would re-send a signature for another host. */
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
    curlopt_apply(h, &t->http);
    return 0;
}

void s3_client_cleanup(struct s3_client *c)
{
    if (c->curl)
        curl_easy_cleanup(c->curl);
    free(c->body);
    sigv4_key_wipe(&c->key);
    OPENSSL_cleanse(&c->creds, sizeof c->creds);
    OPENSSL_cleanse(&c->sig, sizeof c->sig);
    c->curl = NULL;
    c->body = NULL;
}

/* Lays out n header lines ("name: value"; a NULL value gives "name:",
 * which tells libcurl to leave that header out) in c->hbuf and links them
 * through c->hnode. Returns the list, or NULL if they do not fit. */
static struct curl_slist *set_headers(struct s3_client *c, const char *const (*lines)[2], int n)
{
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        int k = snprintf(c->hbuf + off, sizeof c->hbuf - off, "%s:%s%s", lines[i][0],
                         lines[i][1] ? " " : "", lines[i][1] ? lines[i][1] : "");
        if (k < 0 || (size_t)k >= sizeof c->hbuf - off)
            return NULL;
        c->hnode[i].data = c->hbuf + off;
        c->hnode[i].next = i + 1 < n ? &c->hnode[i + 1] : NULL;
        off += (size_t)k + 1;
    }
    return c->hnode;
}

/* Sets c->region and c->svc_host for bucket: the region S3 named for it,
 * else the configured one. Costs one atomic load and a name comparison
 * when nothing changed since the last request. Returns 0 or -1. */
static int locate(struct s3_client *c, const char *bucket)
{
    const struct s3_target *t = c->target;
    struct s3_regions *rs = t->regions;
    uint64_t gen = rs ? atomic_load_explicit(&rs->generation, memory_order_acquire) : 1;
    if (gen == c->where_gen && strcmp(c->where_bucket, bucket) == 0)
        return 0;
    memcpy(c->region, t->region, sizeof c->region);
    if (rs) {
        pthread_mutex_lock(&rs->lock);
        for (size_t i = 0; i < rs->count; i++)
            if (strcmp(rs->entry[i].bucket, bucket) == 0)
                memcpy(c->region, rs->entry[i].region, sizeof c->region);
        gen = atomic_load_explicit(&rs->generation, memory_order_relaxed);
        pthread_mutex_unlock(&rs->lock);
    }
    int n = snprintf(c->where_bucket, sizeof c->where_bucket, "%s", bucket);
    if (n < 0 || (size_t)n >= sizeof c->where_bucket)
        return -1;
    if (t->host[0])
        memcpy(c->svc_host, t->host, sizeof c->svc_host);
    else if (aws_host(c->svc_host, sizeof c->svc_host, c->region) != 0)
        return -1;
    c->where_gen = gen;
    return 0;
}

/* When r says bucket lives in another region than the one c used, records
 * it for every client (one line on stderr, by the first client to learn
 * it) and returns 1, so the caller sends the request again; else 0. */
static int learn_region(struct s3_client *c, const char *bucket, const struct s3_result *r)
{
    struct s3_regions *rs = c->target->regions;
    char region[sizeof c->region];
    if (!rs || !s3_result_region(r, c->region, region, sizeof region) ||
        strlen(bucket) >= sizeof rs->entry[0].bucket)
        return 0;
    int known = 0, room = 1;
    pthread_mutex_lock(&rs->lock);
    size_t i = 0;
    while (i < rs->count && strcmp(rs->entry[i].bucket, bucket) != 0)
        i++;
    if (i < rs->count)
        known = strcmp(rs->entry[i].region, region) == 0;
    else if (rs->count < S3_MAX_REGIONS)
        memcpy(rs->entry[rs->count++].bucket, bucket, strlen(bucket) + 1);
    else
        room = 0;
    if (room) {
        memcpy(rs->entry[i].region, region, sizeof rs->entry[i].region);
        atomic_fetch_add_explicit(&rs->generation, 1, memory_order_release);
    }
    pthread_mutex_unlock(&rs->lock);
    if (room && !known)
        fprintf(stderr, "s3bench: s3://%s is in region %s, not %s: retrying there\n", bucket,
                region, c->region);
    return room;
}

/* Addresses bucket/key: c->host gets the Host (BUCKET.host when
 * virtual-hosted), c->path the path ("/" BUCKET ["/" key] in path style,
 * "/" [key] virtual-hosted), encoded once by the same encoder whose output
 * the signer takes as the canonical URI. Returns 0 or -1. */
static int build_path(struct s3_client *c, const char *bucket, const char *key, size_t keylen)
{
    const struct s3_target *t = c->target;
    int vh = virtual_hosted(t, bucket);
    int n = vh ? snprintf(c->host, sizeof c->host, "%s.%s", bucket, c->svc_host)
               : snprintf(c->host, sizeof c->host, "%s", c->svc_host);
    if (n < 0 || (size_t)n >= sizeof c->host)
        return -1;
    size_t off = 1;
    c->path[0] = '/';
    c->path[1] = '\0';
    if (!vh) {
        long m = urienc_path(c->path + 1, sizeof c->path - 1, bucket, strlen(bucket));
        if (m < 0)
            return -1;
        if (!key)
            return 0;
        off = 1 + (size_t)m;
        if (off + 1 >= sizeof c->path)
            return -1;
        c->path[off++] = '/';
    }
    if (!key)
        return 0;
    return urienc_path(c->path + off, sizeof c->path - off, key, keylen) < 0 ? -1 : 0;
}

/* Writes the message of a transport failure into r: the TLS ones say what
 * to do about them, as they are the usual first hurdle with https. */
static void transport_message(const struct s3_client *c, struct s3_result *r)
{
    const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(r->curl_code);
    if (r->curl_code == CURLE_PEER_FAILED_VERIFICATION)
        errmsg_set(r->message, sizeof r->message,
                   "TLS certificate of %s not trusted (%s): give its CA with --ca-bundle or AWS_CA_BUNDLE",
                   c->host, why);
    else if (r->curl_code == CURLE_SSL_CACERT_BADFILE)
        errmsg_set(r->message, sizeof r->message, "cannot use the CA bundle %s: %s",
                   c->target->http.ca_bundle ? c->target->http.ca_bundle : "(libcurl's default)", why);
    else
        errmsg_set(r->message, sizeof r->message, "%s", why);
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

    /* The date changes once a second; formatting it is not worth doing
     * for each of thousands of requests in that second. */
    time_t now = time(NULL);
    struct tm tm;
    if (now != c->date_at) {
        if (!gmtime_r(&now, &tm) ||
            strftime(c->amz_date, sizeof c->amz_date, "%Y%m%dT%H%M%SZ", &tm) != 16) {
            errmsg_set(r->message, sizeof r->message, "cannot format the request time");
            return -1;
        }
        c->date_at = now;
    }
    const char *amz_date = c->amz_date;
    uint64_t gen = c->creds_gen;
    creds_sync(t->creds, (int64_t)now, &c->creds, &c->creds_gen);
    /* The signer knows its secret by address (sigv4.h), and a refresh
     * rewrites c->creds in place: forget the key it derived. */
    if (c->creds_gen != gen)
        sigv4_key_wipe(&c->key);
    const char *token = c->creds.session_token[0] ? c->creds.session_token : NULL;
    struct sigv4_creds creds = {c->creds.access_key, c->creds.secret_key, token};
    struct sigv4_kv hdr[4] = {
        {"host", c->host},
        {"x-amz-content-sha256", payload_hash},
        {"x-amz-date", amz_date},
        {"x-amz-security-token", token},
    };
    /* The token is signed when there is one: S3 rejects an unsigned one. */
    struct sigv4_request req = {
        .method = method, .path = c->path, .query = query, .nquery = nquery,
        .headers = hdr, .nheaders = token ? 4 : 3,
        .payload_hash = payload_hash,
    };
    char err[256];
    if (sigv4_sign(&req, &creds, c->region, "s3", amz_date, &c->key, &c->sig, err, sizeof err) != 0) {
        errmsg_set(r->message, sizeof r->message, "signing: %s", err);
        return -1;
    }
    /* The canonical query is sorted and encoded the S3 way, so it is also a
     * valid wire query: what is sent is exactly what was signed. */
    int n = snprintf(c->url, sizeof c->url, "%s://%s%s%s%s", t->scheme, c->host, c->path,
                     c->sig.canonical_query[0] ? "?" : "", c->sig.canonical_query);
    if (n < 0 || (size_t)n >= sizeof c->url) {
        errmsg_set(r->message, sizeof r->message, "URL too long");
        return -1;
    }
    const char *const lines[S3_MAX_HEADERS][2] = {
        {"Host", c->host},
        {"x-amz-content-sha256", payload_hash},
        {"x-amz-date", amz_date},
        {"Authorization", c->sig.authorization},
        /* No "Expect: 100-continue": it costs a round trip (or a 1 s wait) per PUT. */
        {"Expect", NULL},
        {"x-amz-security-token", token},
    };
    struct curl_slist *headers = set_headers(c, lines, token ? 6 : 5);
    if (!headers) {
        errmsg_set(r->message, sizeof r->message, "request headers too long");
        return -1;
    }
    c->keep_body = keep_body;
    c->body_len = 0;
    c->body_max = LIST_BODY_MAX;
    c->counted = 0;
    c->errbuf[0] = '\0';
    c->bucket_region[0] = '\0';
    curl_easy_setopt(c->curl, CURLOPT_URL, c->url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
    if (c->fresh)
        curl_easy_setopt(c->curl, CURLOPT_FRESH_CONNECT, 1L);

    r->curl_code = curl_easy_perform(c->curl);
    if (c->fresh) {
        curl_easy_setopt(c->curl, CURLOPT_FRESH_CONNECT, 0L);
        c->fresh = 0;
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_off_t cl = -1, ttfb = 0, total = 0;
    curl_easy_getinfo(c->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
    curl_easy_getinfo(c->curl, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
    curl_easy_getinfo(c->curl, CURLINFO_TOTAL_TIME_T, &total);
    r->content_length = cl;
    r->ttfb = (double)ttfb / 1e6;
    r->total = (double)total / 1e6;
    r->bytes = c->counted;
    memcpy(r->bucket_region, c->bucket_region, sizeof r->bucket_region);
    if (t->http.verbose)
        fprintf(stderr, "s3bench: %s %s -> %ld (%" PRIu64 " bytes, %.3f s)\n", method, c->url,
                r->status, r->bytes, r->total);
    if (r->curl_code != CURLE_OK) {
        transport_message(c, r);
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

/* Sends method to bucket[/key] in the bucket's region (perform has the
 * rest of the arguments), following once to the region S3 names instead.
 * A PUT's body (c->put_data) is sent from its start each time. */
static int request(struct s3_client *c, const char *method, const char *bucket, const char *key,
                   size_t keylen, const struct sigv4_kv *query, size_t nquery,
                   const char *payload_hash, int keep_body, struct s3_result *r)
{
    for (int attempt = 0;; attempt++) {
        if (locate(c, bucket) != 0 || build_path(c, bucket, key, keylen) != 0) {
            memset(r, 0, sizeof *r);
            errmsg_set(r->message, sizeof r->message, "bucket name or key too long to encode");
            return -1;
        }
        c->put_off = 0;
        int rc = perform(c, method, query, nquery, payload_hash, keep_body, r);
        if (rc == 0 || attempt > 0 || !learn_region(c, bucket, r))
            return rc;
    }
}

/* GETs sign the SHA-256 of the empty body rather than UNSIGNED-PAYLOAD: it
 * states exactly what is sent (nothing), is valid over plain HTTP as over
 * HTTPS, and costs nothing, being a constant. */
int s3_get_object(struct s3_client *c, const char *bucket, const char *key,
                  size_t keylen, struct s3_result *r)
{
    set_get(c);
    return request(c, "GET", bucket, key, keylen, NULL, 0, SIGV4_EMPTY_SHA256, -1, r);
}

int s3_get_body(struct s3_client *c, const char *bucket, const char *key, size_t keylen,
                struct s3_result *r)
{
    set_get(c);
    return request(c, "GET", bucket, key, keylen, NULL, 0, SIGV4_EMPTY_SHA256, 1, r);
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
    set_get(c);
    if (request(c, "GET", bucket, NULL, 0, q, nq, SIGV4_EMPTY_SHA256, 1, r) != 0)
        return -1;
    char err[256];
    if (listxml_parse_page(c->body ? c->body : "", c->body_len, kl, page, err, sizeof err) != 0) {
        errmsg_set(r->message, sizeof r->message, "bad ListObjectsV2 answer: %s", err);
        return -1;
    }
    return 0;
}

/* PUTs len bytes of data to bucket[/key]. */
static int put(struct s3_client *c, const char *bucket, const char *key, size_t keylen,
               const void *data, size_t len, struct s3_result *r)
{
    char hash[65];
    sigv4_sha256_hex(data, len, hash);
    c->put_data = data;
    c->put_len = len;
    curl_easy_setopt(c->curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    int rc = request(c, "PUT", bucket, key, keylen, NULL, 0, hash, -1, r);
    set_get(c);
    return rc;
}

int s3_put_object(struct s3_client *c, const char *bucket, const char *key,
                  size_t keylen, const void *data, size_t len, struct s3_result *r)
{
    return put(c, bucket, key, keylen, data, len, r);
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
    if (n < 0 || (size_t)n >= sizeof body) {
        memset(r, 0, sizeof *r);
        errmsg_set(r->message, sizeof r->message, "region too long");
        return -1;
    }
    if (put(c, bucket, NULL, 0, body, (size_t)n, r) == 0)
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

int s3_list_all(const struct s3_target *t, const char *bucket, const char *prefix,
                struct keylist *kl, char *err, size_t errlen)
{
    int rc = -1;
    struct s3_client c;
    if (s3_client_init(&c, t, err, errlen) != 0)
        return -1;
    struct listxml_page page = {.is_truncated = 1};
    char token[LISTXML_MAX_TOKEN + 1] = "";
    while (page.is_truncated) {
        struct s3_result r;
        if (s3_list_page(&c, bucket, prefix, token, kl, &page, &r) != 0) {
            char why[768];
            s3_result_describe(&r, why, sizeof why);
            errmsg_set(err, errlen, "ListObjectsV2 s3://%s: %s", bucket, why);
            goto cleanup;
        }
        memcpy(token, page.next_token, sizeof token);
    }
    rc = 0;
cleanup:
    s3_client_cleanup(&c);
    return rc;
}
