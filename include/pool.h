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

#define POOL_ABORT_GRACE 3.0 /* seconds in-flight transfers get after a stop */

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
    int32_t retries;        /* attempts after the first */
    double ttfb, total;     /* seconds, of the last attempt */
};
/* Whole records go down the pipe: no padding bytes, whose contents would
 * be undefined (valgrind reports them). */
_Static_assert(sizeof(struct pool_result) == 4 * 8 + 4 * 4 + 8,
               "struct pool_result has padding");

struct pool_summary {
    double fetch_seconds;   /* CLOCK_MONOTONIC, workers' start to last result */
    size_t ok, failed, mismatched;
    size_t unfetched;       /* never fetched: the run was stopped */
    uint64_t bytes;
    uint64_t retries;
    int stop_signal;        /* SIGINT or SIGTERM that stopped the run, or 0 */
    int workers_died;       /* process mode: children that did not end well */
    /* Total time and time to first byte of every object that answered,
     * in µs: each worker's histograms merged after the run. */
    struct hist latency, ttfb;
};

/* Seconds on the monotonic clock, which times every span of a run (the
 * listing in bench.c as well as the fetch here) and is the same in forked
 * children. */
double pool_clock(void);

/* Checks that cfg->concurrency workers can have their connections (and,
 * for processes, their pipes), raising the soft RLIMIT_NOFILE to the hard
 * limit if need be. Returns 0, or -1 with err when the hard limit is too
 * low. */
int pool_check_limits(const struct config *cfg, char *err, size_t errlen);

/* Fetches every key of kl with cfg->concurrency workers of cfg->mode,
 * writing results[i] for key i (results has kl->count slots). Each GET is
 * retried as retry.h says, up to cfg->max_attempts. progress, if not NULL,
 * is a terminal on which to show how far the run is. While it runs, SIGINT
 * and SIGTERM stop it: no more keys are handed out, transfers in flight get
 * POOL_ABORT_GRACE seconds to finish, and sum->stop_signal says which
 * signal came. In process mode a child that dies is noticed, the objects
 * it had in flight are fetched again by the parent, and the run ends with
 * -1 and the count. Returns 0 when the pool ran (object failures are
 * counted in sum), -1 with a message in err when it could not run or lost
 * workers. */
int pool_run(const struct config *cfg, const struct s3_target *t, const struct keylist *kl,
             struct pool_result *results, struct pool_summary *sum, FILE *progress,
             char *err, size_t errlen);

#endif
