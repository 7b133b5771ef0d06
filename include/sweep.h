#ifndef S3BENCH_SWEEP_H
#define S3BENCH_SWEEP_H
/* `s3bench sweep`: the reference experiment's grid on one machine. Every
 * (CPU count, repetition, mode, concurrency) point is one whole benchmark
 * run in a child process of its own, pinned to the first K allowed CPUs to
 * stand in for a task of K vCPUs; each leaves its result CSV and JSON
 * summary in the output directory, and the table and chart are then built
 * from those files (tabulate), exactly as `s3bench report` would. */
#include <stddef.h>
#include "config.h"
#include "s3.h"

/* Parses a comma-separated list of integers in [lo, hi] ("1,2,4,8,16")
 * into out (at most CONFIG_MAX_POINTS, no duplicates). Returns the count, or
 * -1 with err naming what (for the message) was wrong. */
int sweep_parse_ints(const char *what, const char *list, int lo, int hi, int *out,
                     char *err, size_t errlen);

/* Parses "thread,process" (either or both) into out. Returns the count, or
 * -1 with err. */
int sweep_parse_modes(const char *list, enum config_mode *out, char *err, size_t errlen);

/* Runs the grid cfg->grid with the rest of cfg as every run's configuration,
 * into cfg->out_dir, then writes table.csv, table.md, chart.svg and
 * chart.png there and prints the Markdown table on stdout. Returns an exit
 * code: 0 when every run succeeded, EXIT_FAILED when some failed (the table
 * holds the rest), EXIT_LIST when the bucket cannot be listed, EXIT_USAGE
 * for a CPU count this machine cannot give. */
int sweep_run(const struct config *cfg, const struct s3_target *t);

#endif
