#ifndef S3BENCH_GATHER_H
#define S3BENCH_GATHER_H
/* `s3bench report`: gathers result files already written, from a directory
 * or from s3://BUCKET/PREFIX (where the ECS tasks uploaded theirs), and
 * rebuilds the experiment's table and chart from them (tabulate). */
#include "config.h"
#include "s3.h"

/* Reports on cfg->source into cfg->out_dir; t is used only for an s3://
 * source. Prints the Markdown table on stdout. Returns the exit code:
 * EXIT_OK, EXIT_FAILED (no result files, an unreadable one, or the chart
 * could not be drawn) or EXIT_LIST. */
int gather_report(const struct config *cfg, const struct s3_target *t);

#endif
