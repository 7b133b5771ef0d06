#ifndef S3BENCH_CLI_H
#define S3BENCH_CLI_H
/* The command line as data: which subcommand, and the raw text of every flag
 * that was given. Nothing is validated here beyond the shape of the command
 * line, so that config.c checks a value the same way whether it came from a
 * flag or from the environment. */
#include <stddef.h>
#include "config.h"

struct cli_args {
    enum config_command command;
    int show_usage;       /* the error was in the command line's shape */
    /* Each is NULL when the flag was not given, else points into argv
     * (valid as long as argv is). The last occurrence wins. */
    const char *bucket;
    const char *result_bucket;
    const char *concurrency;
    const char *endpoint;
    const char *mode;
    const char *tag;
    const char *region;
    const char *prefix;
    const char *out_dir;
    const char *count;
    const char *size;
    const char *seed;
    const char *keys_from;
    const char *ca_bundle;
    const char *detail;
    const char *max_attempts;
    const char *connect_timeout;
    const char *stall_timeout;
    const char *modes;    /* sweep */
    const char *cpus;     /* sweep */
    const char *repeat;   /* sweep */
    const char *source;   /* report's one argument */
    int quiet;
    int path_style;       /* --path-style */
    int virtual_hosted;   /* --virtual-hosted */
    int insecure;         /* --insecure */
    int no_upload;
    int json;
    int verbose;          /* how many -v */
};

/* Parses argv[1..argc-1]: an optional subcommand first ("run", "populate",
 * "sweep", "report", "help"), then flags (and for report, one source) in `--flag value`, `--flag=value` or short form.
 * Returns 0, or EXIT_USAGE with a one-line message in err. After --help or
 * --version it stops and returns 0 with the command set. Prints nothing;
 * resets getopt's globals so it can be called any number of times, but is
 * therefore not thread-safe. */
int cli_parse(struct cli_args *a, int argc, char **argv, char *err, size_t errlen);

/* Formats a one-line message into err (when err is non-NULL and errlen > 0;
 * a long message is cut, which is harmless for a message) and returns
 * EXIT_USAGE, so callers can `return cli_fail(...)`. */
int cli_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
