#ifndef S3BENCH_BENCH_H
#define S3BENCH_BENCH_H
/* One benchmark run: list, fetch with the worker pool, CSV, upload,
 * summary. main runs it once; sweep runs it once per grid point. */
#include <stddef.h>
#include "config.h"
#include "s3.h"

/* Runs the benchmark cfg describes against t. Prints the summary on stderr
 * (and the JSON line on stdout with cfg->json). Returns the exit code:
 * EXIT_OK, EXIT_FAILED (objects failed or mismatched, or the upload or the
 * CSV write failed) or EXIT_LIST. */
int bench_run(const struct config *cfg, const struct s3_target *t);

/* Creates directory dir and its missing parents (mkdir -p), so results
 * always have somewhere to go. Returns 0, or -1 with err. */
int bench_make_dir(const char *dir, char *err, size_t errlen);

#endif
