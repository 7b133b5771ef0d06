#ifndef S3BENCH_REPORT_H
#define S3BENCH_REPORT_H
/* Reporting: the result CSV in the reference program's format, the
 * human summary on stderr and the JSON summary on stdout. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "config.h"
#include "keylist.h"
#include "pool.h"

/* Every figure of one run, gathered by main for the summaries. */
struct report_run {
    const struct config *cfg;
    size_t objects;
    double list_seconds;
    struct pool_summary pool;
    double cpu_user, cpu_system;  /* getrusage of self and children */
    long peak_rss_kib;            /* the largest of self and the children */
    char csv_path[2048];
    char result_key[256];
    int uploaded;                 /* 1 uploaded, 0 not asked, -1 failed */
};

/* Writes the reference name "result_{TAG}_{MODE}_{CONCURRENCY}.csv" into
 * dst. Returns 0, or -1 if it does not fit. */
int report_csv_name(char *dst, size_t dstlen, const struct config *cfg);

/* Builds the result CSV in memory: the header
 * "Key (time = {seconds}) sec,Size,CalcSize", then one row per key in
 * listing order, RFC 4180 quoting and CRLF line ends (as Python's csv module
 * writes them). Failed rows carry the listed Size and an empty CalcSize.
 * *out is malloc'd. Returns 0, or -1 when memory runs out. */
int report_csv_build(const struct keylist *kl, const struct pool_result *results,
                     double fetch_seconds, char **out, size_t *outlen);

/* Builds the detail CSV in memory: "key,result,worker,status,retries,size,
 * bytes,ttfb_ms,total_ms", one row per key in listing order (RFC 4180
 * quoting, CRLF, as the result CSV). result is ok, mismatch, failed or
 * unfetched (the run was stopped first); size is the Content-Length (empty
 * when none came), bytes those counted; an unfetched key has empty times.
 * *out is malloc'd. Returns 0, or -1 when memory runs out. */
int report_detail_build(const struct keylist *kl, const struct pool_result *results,
                        char **out, size_t *outlen);

/* Writes the human summary of run to f. */
void report_summary(FILE *f, const struct report_run *run);

/* Writes the JSON summary of run to f as one line. Returns 0 or -1. */
int report_json(FILE *f, const struct report_run *run);

#endif
