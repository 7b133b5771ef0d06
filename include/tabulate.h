#ifndef S3BENCH_TABULATE_H
#define S3BENCH_TABULATE_H
/* The experiment's table and chart, rebuilt from result files alone: each
 * run is a reference CSV "result_{TAG}_{MODE}_{CONCURRENCY}.csv" (time from
 * its header, objects and bytes from its rows) and, when one sits beside it,
 * the run's JSON summary "result_{...}.json" (latency percentiles, CPU).
 * `sweep` and `report` both go through here, so a report over a sweep's
 * files gives the sweep's table. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One run, from one result file (and its summary, if any). */
struct tab_run {
    char tag[128];
    char group[128];  /* tag without a trailing "-r<N>" repetition */
    char mode[32];
    int concurrency;
    int cpus;         /* from "<K>cpu" or "<K>vcpu" in the tag; 0 unknown */
    double seconds;   /* the fetch time of the CSV header */
    uint64_t objects, bytes, failed;
    double p50_ms, p99_ms, cpu_seconds; /* NAN without a summary */
};

/* One line of the table: the median run (by seconds) of a cell. */
struct tab_row {
    struct tab_run run;
    int runs;         /* repetitions in the cell */
};

struct tab {
    struct tab_run *runs;
    size_t count, cap;
};

void tab_init(struct tab *t);
void tab_free(struct tab *t);

/* Splits a result file name "result_{TAG}_{MODE}_{CONCURRENCY}.csv" (any
 * directory part ignored; TAG may hold '_', so it is read from the right)
 * into r's tag, group, mode, concurrency and cpus. Returns 0, or -1 if name
 * is not a result file name. */
int tab_parse_name(const char *name, struct tab_run *r);

/* Adds the run of the result file called name with contents csv, and its
 * JSON summary (NULL if none). Returns 0, or -1 with err when the CSV is not
 * a result CSV or memory runs out. */
int tab_add(struct tab *t, const char *name, const char *csv, size_t csvlen,
            const char *json, size_t jsonlen, char *err, size_t errlen);

/* Adds every result file of directory dir. Returns the number added, or -1
 * with err. */
long tab_add_dir(struct tab *t, const char *dir, char *err, size_t errlen);

/* Groups the runs into cells (group, mode, concurrency), each represented by
 * its median run, sorted by group, mode and concurrency. *rows is malloc'd.
 * Returns 0 or -1 (out of memory). */
int tab_rows(const struct tab *t, struct tab_row **rows, size_t *nrows);

/* The table as CSV, and as a Markdown table. Return 0 or -1 on a write error. */
int tab_write_csv(FILE *f, const struct tab_row *rows, size_t n);
int tab_write_markdown(FILE *f, const struct tab_row *rows, size_t n);

/* Writes dir/table.csv, dir/table.md and the chart (throughput against
 * concurrency, a line per group and mode; MiB/s and objects/s side by side)
 * as dir/chart.svg and dir/chart.png through gnuplot. Returns 0, or -1 with
 * err. */
int tab_write_all(const char *dir, const struct tab_row *rows, size_t n,
                  char *err, size_t errlen);

/* The whole report of t: its rows (tab_rows) written by tab_write_all into
 * dir, and as a Markdown table to md. Returns 0, or -1 with err. */
int tab_report(const struct tab *t, const char *dir, FILE *md, char *err, size_t errlen);

#endif
