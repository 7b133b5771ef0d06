#ifndef S3BENCH_BENCH_H
#define S3BENCH_BENCH_H
/* One benchmark run: list, fetch with the worker pool, CSV, upload,
 * summary. main runs it once; sweep runs it once per grid point. */
#include "config.h"
#include "s3.h"

/* Runs the benchmark cfg describes against t. Prints the summary on stderr
 * (and the JSON line on stdout with cfg->json). Returns the exit code:
 * EXIT_OK, EXIT_FAILED (objects failed or mismatched, or the upload or the
 * CSV write failed) or EXIT_LIST. */
int bench_run(const struct config *cfg, const struct s3_target *t);

#endif
