#ifndef S3BENCH_CONFIG_H
#define S3BENCH_CONFIG_H
/* The run's configuration: read once from the environment (the names the
 * reference program used) and the command line (flags win), validated, then
 * read-only for the rest of the run. */
#include <stddef.h>
#include <stdint.h>
#include "creds.h"

#define S3BENCH_VERSION "0.1.0"

#define CONFIG_MAX_CONCURRENCY 4096
/* populate's parallel uploads when neither -c nor CONCURRENCY says. */
#define CONFIG_POPULATE_CONCURRENCY 8
/* populate writes each object with one PUT, which S3 caps at 5 GiB. */
#define CONFIG_MAX_OBJECT_SIZE (5ULL << 30)

enum config_mode { CONFIG_MODE_THREAD, CONFIG_MODE_PROCESS };
enum config_command {
    CONFIG_CMD_RUN, CONFIG_CMD_POPULATE, CONFIG_CMD_SWEEP, CONFIG_CMD_REPORT,
    CONFIG_CMD_HELP, CONFIG_CMD_VERSION
};
/* How a bucket goes into a request: AUTO is virtual-hosted on AWS (path
 * style for names that cannot be a TLS host name, such as dotted ones) and
 * path style on a custom endpoint; the flags force one or the other. */
enum config_addressing { CONFIG_ADDR_AUTO, CONFIG_ADDR_PATH, CONFIG_ADDR_VIRTUAL };

/* Exit codes, documented in the usage text and the README. */
enum {
    EXIT_OK = 0,        /* every object fetched, sizes equal, upload done */
    EXIT_FAILED = 1,    /* some objects failed or mismatched, or the upload failed */
    EXIT_USAGE = 2,     /* usage or configuration error, before any request */
    EXIT_LIST = 3,      /* the listing failed */
    /* Stopped by SIGINT or SIGTERM: 128 + the signal, as shells report it
     * (130, 143); the results fetched so far are written and uploaded. */
    EXIT_SIGNAL_BASE = 128,
};

/* Retries and timeouts of object GETs (retry.h has the policy). */
#define CONFIG_DEFAULT_ATTEMPTS 5
#define CONFIG_DEFAULT_CONNECT_TIMEOUT 10 /* seconds */
#define CONFIG_DEFAULT_STALL_TIMEOUT 30   /* seconds below 1 byte/s */

/* sweep's grid: the reference experiment's axes. */
#define CONFIG_MAX_POINTS 32
struct config_grid {
    enum config_mode modes[2];
    int nmodes;
    int conc[CONFIG_MAX_POINTS];
    int nconc;
    int cpus[CONFIG_MAX_POINTS]; /* none: the runs are not pinned */
    int ncpus;
    int repeat;
};

struct config {
    enum config_command command;
    /* Set with EXIT_USAGE when the command line itself was wrong (unknown
     * option or command, missing value, stray argument): main prints the
     * usage text after the one-line message. */
    int show_usage;
    char bucket[256];
    char result_bucket[256];
    char prefix[1025];
    int concurrency;      /* run: workers; populate: parallel uploads */
    enum config_mode mode; /* MODE unset means thread */
    char tag[128];        /* TAG unset means "s3bench"; letters, digits, . _ - */
    char endpoint[512];   /* scheme://host[:port], no trailing '/'; "" = AWS */
    enum config_addressing addressing;
    char region[64];      /* --region, AWS_REGION, AWS_DEFAULT_REGION, the
                           * profile's, else us-east-1 */
    char out_dir[1024];
    int no_upload;        /* also set when there is no result bucket */
    int json;
    int verbose;
    int quiet;            /* --quiet: no progress line */
    char detail[1024];    /* --detail FILE: per-object timings; "" = none */
    int max_attempts;     /* GET attempts per object [AWS_MAX_ATTEMPTS] */
    int connect_timeout;  /* seconds */
    int stall_timeout;    /* seconds a transfer may move nothing */
    struct config_grid grid; /* sweep */
    char source[1024];    /* report: a directory, or s3://BUCKET/PREFIX */
    char ca_bundle[1024]; /* --ca-bundle, else AWS_CA_BUNDLE; "" = libcurl's default */
    int insecure;         /* --insecure: no TLS verification (main warns) */
    /* Where the credentials come from, with the keys when they are static.
     * Never printed. */
    struct creds_config creds;
    /* populate */
    long populate_count;  /* required unless keys_from is set */
    char keys_from[1024]; /* --keys-from: file of NUL-separated key names to
                           * write instead of obj-0000000...; "" = none */
    uint64_t size_min, size_max; /* bytes; equal for a fixed size */
    uint64_t seed;        /* default 1 */
};

/* Fills cfg from the environment env (a NULL-terminated "NAME=value" array,
 * normally environ; NULL = empty), the AWS shared files it names (see
 * creds_config_load; the only files read) and the arguments
 * argv[1..argc-1]. Returns
 * 0, or EXIT_USAGE with a one-line message in err (no newline, no program
 * name prefix, no secret in it) and cfg->show_usage set when main should
 * also print the usage. On failure cfg holds no credentials. For HELP and
 * VERSION it returns 0 without looking at the environment. Prints nothing,
 * never exits; resets getopt, so not thread-safe. */
int config_load(struct config *cfg, int argc, char **argv, char **env,
                char *err, size_t errlen);

/* Writes the usage text to f. */
#include <stdio.h>
void config_usage(FILE *f);

const char *config_mode_name(enum config_mode m);

#endif
