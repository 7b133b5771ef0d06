#ifndef S3BENCH_POOL_H
#define S3BENCH_POOL_H
/* The worker pools: N threads or N forked processes fetch every listed
 * object, each taking the next key index from one shared counter (dynamic
 * balance), each with its own S3 client. Results land in one slot per key. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "config.h"
#include "hist.h"
#include "keylist.h"
#include "s3.h"

enum pool_state { POOL_PENDING = 0, POOL_OK = 1, POOL_FAILED = 2 };

/* One object's outcome: also the framed record a child process writes to its
 * pipe (fixed size, far below PIPE_BUF, holding the key's index rather than
 * the key, so no key bytes can break the framing). */
struct pool_result {
    uint64_t index;
    int64_t content_length; /* Content-Length of the answer, -1 if none */
    uint64_t bytes;         /* body bytes counted */
    int32_t status;         /* HTTP status, 0 if no answer */
    int32_t state;          /* enum pool_state */
    int32_t worker;         /* which worker fetched it */
    double ttfb, total;     /* seconds */
};

struct pool_summary {
    double fetch_seconds;   /* CLOCK_MONOTONIC, workers' start to last result */
    size_t ok, failed, mismatched;
    uint64_t bytes;
    /* Total time and time to first byte of every object that answered,
     * in µs: each worker's histograms merged after the run. */
    struct hist latency, ttfb;
};

/* Fetches every key of kl with cfg->concurrency workers of cfg->mode,
 * writing results[i] for key i (results has kl->count slots). progress, if
 * not NULL, is a terminal on which to show how far the run is. Returns 0
 * when the pool ran (object failures are counted in sum), -1 with a message
 * in err when it could not run. */
int pool_run(const struct config *cfg, const struct s3_target *t, const struct keylist *kl,
             struct pool_result *results, struct pool_summary *sum, FILE *progress,
             char *err, size_t errlen);

#endif
