#ifndef S3BENCH_CURLOPT_H
#define S3BENCH_CURLOPT_H
/* The libcurl settings every handle of a run shares, S3 requests and
 * credential fetches alike, so the two can never differ: TLS verification
 * (always on unless --insecure) with an optional CA bundle, and at -vv the
 * redacted debug output of redact.h. */
#include <curl/curl.h>

struct curlopt {
    const char *ca_bundle; /* NULL: libcurl's default */
    int insecure;          /* --insecure: verify neither peer nor host */
    int verbose;           /* how many -v; 2 or more shows HTTP headers */
};

/* Applies o to the easy handle h. */
void curlopt_apply(CURL *h, const struct curlopt *o);

#endif
