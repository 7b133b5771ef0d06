#ifndef S3BENCH_RETRY_H
#define S3BENCH_RETRY_H
/* When to try a request again, and how long to wait first: the AWS SDKs'
 * standard policy (throttling, server errors, dropped connections and short
 * bodies are retried; other client errors are not) with capped exponential
 * backoff and full jitter, so that a fleet of workers slowed down by S3 does
 * not come back in step. Pure: the outcome and the random state go in. */
#include <stdint.h>
#include <curl/curl.h>
#include "s3.h"

#define RETRY_DEFAULT_ATTEMPTS 5
#define RETRY_BASE_SECONDS 0.1
#define RETRY_CAP_SECONDS 20.0

/* 1 if the outcome r of a request is worth another attempt: HTTP 500, 502,
 * 503, 504, 408 and 429, S3's RequestTimeout and SlowDown codes whatever
 * the status, a connection refused, reset or timed out, or a 2xx body
 * shorter than its Content-Length. 0 otherwise (success included). */
int retry_should(const struct s3_result *r);

/* Seconds to wait before retry number attempt (1 for the first): uniformly
 * random in [0, min(cap, base * 2^(attempt-1))). *rng is the caller's own
 * state (a worker's), advanced. */
double retry_backoff(int attempt, uint64_t *rng);

#endif
