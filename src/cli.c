/* Command-line parsing: getopt_long over argv, recording the raw text of each
 * flag for config.c to validate alongside the environment. */
#include "cli.h"

#include "errmsg.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Long-only options get values above any char so they never collide with a
 * short option letter. */
enum {
    OPT_BUCKET = 256,
    OPT_RESULT_BUCKET,
    OPT_ENDPOINT,
    OPT_TAG,
    OPT_REGION,
    OPT_PREFIX,
    OPT_OUT_DIR,
    OPT_NO_UPLOAD,
    OPT_JSON,
    OPT_VERSION,
    OPT_COUNT,
    OPT_SIZE,
    OPT_SEED,
    OPT_KEYS_FROM,
    OPT_CA_BUNDLE,
    OPT_PATH_STYLE,
    OPT_VIRTUAL_HOSTED,
    OPT_INSECURE,
    OPT_DETAIL,
    OPT_QUIET,
    OPT_MAX_ATTEMPTS,
    OPT_CONNECT_TIMEOUT,
    OPT_STALL_TIMEOUT,
    OPT_MODES,
    OPT_CPUS,
    OPT_REPEAT,
};

static const struct option long_opts[] = {
    {"bucket", required_argument, NULL, OPT_BUCKET},
    {"result-bucket", required_argument, NULL, OPT_RESULT_BUCKET},
    {"concurrency", required_argument, NULL, 'c'},
    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
    {"mode", required_argument, NULL, 'm'},
    {"tag", required_argument, NULL, OPT_TAG},
    {"region", required_argument, NULL, OPT_REGION},
    {"prefix", required_argument, NULL, OPT_PREFIX},
    {"out-dir", required_argument, NULL, OPT_OUT_DIR},
    {"no-upload", no_argument, NULL, OPT_NO_UPLOAD},
    {"json", no_argument, NULL, OPT_JSON},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"count", required_argument, NULL, OPT_COUNT},
    {"size", required_argument, NULL, OPT_SIZE},
    {"seed", required_argument, NULL, OPT_SEED},
    {"keys-from", required_argument, NULL, OPT_KEYS_FROM},
    {"ca-bundle", required_argument, NULL, OPT_CA_BUNDLE},
    {"path-style", no_argument, NULL, OPT_PATH_STYLE},
    {"virtual-hosted", no_argument, NULL, OPT_VIRTUAL_HOSTED},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"detail", required_argument, NULL, OPT_DETAIL},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"max-attempts", required_argument, NULL, OPT_MAX_ATTEMPTS},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"stall-timeout", required_argument, NULL, OPT_STALL_TIMEOUT},
    {"modes", required_argument, NULL, OPT_MODES},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"repeat", required_argument, NULL, OPT_REPEAT},
    {NULL, 0, NULL, 0},
};

/* '+' stops at the first non-option instead of permuting argv (a stray word
 * is reported, and argv is left as the caller gave it); ':' makes a missing
 * value come back as ':' so it can be told apart from an unknown option. */
static const char short_opts[] = "+:c:m:vqh";

int cli_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    errmsg_vset(err, errlen, fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

/* Writes into buf the option the user typed at the current getopt error:
 * the long form up to any '=', else "-x". `arg` is the argv element getopt
 * was working on. Returns 1 for a long option, 0 for a short one. A long
 * name is cut, since it only appears in a message. */
static int offending_option(char *buf, size_t cap, const char *arg)
{
    int n;
    int is_long = arg && strncmp(arg, "--", 2) == 0;
    if (is_long) {
        size_t len = strcspn(arg, "=");
        if (len > 100)
            len = 100;
        n = snprintf(buf, cap, "%.*s", (int)len, arg);
    } else {
        n = snprintf(buf, cap, "-%c", optopt > 0 && optopt < 256 ? optopt : '?');
    }
    if (n < 0)
        buf[0] = '\0';
    return is_long;
}

/* Which commands each flag means something for. */
enum { FOR_RUN = 1, FOR_POPULATE = 2, FOR_SWEEP = 4, FOR_REPORT = 8 };

static int command_bit(enum config_command c)
{
    return c == CONFIG_CMD_POPULATE ? FOR_POPULATE
           : c == CONFIG_CMD_SWEEP  ? FOR_SWEEP
           : c == CONFIG_CMD_REPORT ? FOR_REPORT
                                    : FOR_RUN;
}

/* Rejects flags that mean nothing for the chosen command, so a user who
 * types `populate --json` learns it was ignored rather than wondering. */
static int check_applicable(const struct cli_args *a, char *err, size_t errlen)
{
    static const char *const names[] = {"", "run", "populate", "", "sweep", "", "", "", "report"};
    const struct {
        int given;
        const char *flag;
        int applies;
    } flags[] = {
        {a->count != NULL, "--count", FOR_POPULATE},
        {a->size != NULL, "--size", FOR_POPULATE},
        {a->seed != NULL, "--seed", FOR_POPULATE},
        {a->keys_from != NULL, "--keys-from", FOR_POPULATE},
        {a->bucket != NULL, "--bucket", FOR_RUN | FOR_POPULATE | FOR_SWEEP},
        {a->concurrency != NULL, "--concurrency", FOR_RUN | FOR_POPULATE | FOR_SWEEP},
        {a->result_bucket != NULL, "--result-bucket", FOR_RUN | FOR_SWEEP},
        {a->mode != NULL, "--mode", FOR_RUN},
        {a->tag != NULL, "--tag", FOR_RUN | FOR_SWEEP},
        {a->out_dir != NULL, "--out-dir", FOR_RUN | FOR_SWEEP | FOR_REPORT},
        /* populate names its keys itself (obj-NNNNNNN or --keys-from). */
        {a->prefix != NULL, "--prefix", FOR_RUN | FOR_SWEEP},
        {a->no_upload, "--no-upload", FOR_RUN | FOR_SWEEP},
        {a->json, "--json", FOR_RUN},
        {a->detail != NULL, "--detail", FOR_RUN},
        {a->quiet, "--quiet", FOR_RUN | FOR_SWEEP},
        {a->max_attempts != NULL, "--max-attempts", FOR_RUN | FOR_SWEEP},
        {a->connect_timeout != NULL, "--connect-timeout", FOR_RUN | FOR_SWEEP},
        {a->stall_timeout != NULL, "--stall-timeout", FOR_RUN | FOR_SWEEP},
        {a->modes != NULL, "--modes", FOR_SWEEP},
        {a->cpus != NULL, "--cpus", FOR_SWEEP},
        {a->repeat != NULL, "--repeat", FOR_SWEEP},
    };
    if (a->path_style && a->virtual_hosted)
        return cli_fail(err, errlen, "give --path-style or --virtual-hosted, not both");
    int bit = command_bit(a->command);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        int only = flags[i].applies;
        if (!flags[i].given || (only & bit))
            continue;
        /* A flag of one command is best explained by naming that command. */
        if ((only & (only - 1)) == 0)
            return cli_fail(err, errlen, "%s applies only to %s", flags[i].flag, names[only]);
        return cli_fail(err, errlen, "%s does not apply to %s", flags[i].flag, names[bit]);
    }
    return 0;
}

int cli_parse(struct cli_args *a, int argc, char **argv, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    a->command = CONFIG_CMD_RUN;
    if (err && errlen > 0)
        err[0] = '\0';
    if (argc < 1 || !argv)
        return 0;

    /* The subcommand, when present, takes argv[0]'s place for getopt, which
     * only uses that slot as the program name. */
    int skip = 0;
    if (argc > 1 && argv[1][0] != '-') {
        if (strcmp(argv[1], "run") == 0) {
            a->command = CONFIG_CMD_RUN;
        } else if (strcmp(argv[1], "populate") == 0) {
            a->command = CONFIG_CMD_POPULATE;
        } else if (strcmp(argv[1], "sweep") == 0) {
            a->command = CONFIG_CMD_SWEEP;
        } else if (strcmp(argv[1], "report") == 0) {
            a->command = CONFIG_CMD_REPORT;
        } else if (strcmp(argv[1], "help") == 0) {
            a->command = CONFIG_CMD_HELP;
            return 0;
        } else {
            a->show_usage = 1;
            return cli_fail(err, errlen, "unknown command '%.100s'", argv[1]);
        }
        skip = 1;
        /* report's one argument, right after the command, takes the
         * program-name slot too, so the flags may follow it. */
        if (a->command == CONFIG_CMD_REPORT && argc > 2 && argv[2][0] != '-') {
            a->source = argv[2];
            skip = 2;
        }
    }
    int gargc = argc - skip;
    char **gargv = argv + skip;

    /* optind = 0 makes glibc re-initialise completely (including its hidden
     * cluster position), which a plain optind = 1 would not; tests and any
     * second caller depend on it. */
    optind = 0;
    opterr = 0;
    int c;
    char name[112];
    for (;;) {
        /* The element getopt is about to work on: for a long option it moves
         * optind past it before reporting, inside a short cluster it does
         * not, so optind after an error cannot name it reliably. */
        int cur = optind < 1 ? 1 : optind;
        const char *cur_arg = cur < gargc ? gargv[cur] : NULL;
        c = getopt_long(gargc, gargv, short_opts, long_opts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case OPT_BUCKET: a->bucket = optarg; break;
        case OPT_RESULT_BUCKET: a->result_bucket = optarg; break;
        case 'c': a->concurrency = optarg; break;
        case OPT_ENDPOINT: a->endpoint = optarg; break;
        case 'm': a->mode = optarg; break;
        case OPT_TAG: a->tag = optarg; break;
        case OPT_REGION: a->region = optarg; break;
        case OPT_PREFIX: a->prefix = optarg; break;
        case OPT_OUT_DIR: a->out_dir = optarg; break;
        case OPT_NO_UPLOAD: a->no_upload = 1; break;
        case OPT_JSON: a->json = 1; break;
        case 'v':
            if (a->verbose < 100) /* more means nothing more; avoid overflow */
                a->verbose++;
            break;
        case OPT_COUNT: a->count = optarg; break;
        case OPT_SIZE: a->size = optarg; break;
        case OPT_SEED: a->seed = optarg; break;
        case OPT_KEYS_FROM: a->keys_from = optarg; break;
        case OPT_CA_BUNDLE: a->ca_bundle = optarg; break;
        case OPT_PATH_STYLE: a->path_style = 1; break;
        case OPT_VIRTUAL_HOSTED: a->virtual_hosted = 1; break;
        case OPT_INSECURE: a->insecure = 1; break;
        case OPT_DETAIL: a->detail = optarg; break;
        case 'q':
        case OPT_QUIET: a->quiet = 1; break;
        case OPT_MAX_ATTEMPTS: a->max_attempts = optarg; break;
        case OPT_CONNECT_TIMEOUT: a->connect_timeout = optarg; break;
        case OPT_STALL_TIMEOUT: a->stall_timeout = optarg; break;
        case OPT_MODES: a->modes = optarg; break;
        case OPT_CPUS: a->cpus = optarg; break;
        case OPT_REPEAT: a->repeat = optarg; break;
        case 'h':
            a->command = CONFIG_CMD_HELP;
            return 0;
        case OPT_VERSION:
            a->command = CONFIG_CMD_VERSION;
            return 0;
        case ':':
            offending_option(name, sizeof name, cur_arg);
            a->show_usage = 1;
            return cli_fail(err, errlen, "option '%s' needs a value", name);
        default: /* '?' */
            a->show_usage = 1;
            /* glibc leaves optopt at the option's value when a known long
             * option was given a value it does not take, 0 when unknown or
             * ambiguous. */
            if (offending_option(name, sizeof name, cur_arg) && optopt != 0)
                return cli_fail(err, errlen, "option '%s' takes no value", name);
            return cli_fail(err, errlen, "unknown option '%s'", name);
        }
    }
    /* report's one argument may also come after its flags. */
    if (a->command == CONFIG_CMD_REPORT && !a->source && optind == gargc - 1)
        a->source = gargv[optind++];
    if (optind < gargc) {
        a->show_usage = 1;
        return cli_fail(err, errlen, "unexpected argument '%.100s'", gargv[optind]);
    }
    if (a->command == CONFIG_CMD_REPORT && !a->source) {
        a->show_usage = 1;
        return cli_fail(err, errlen, "report needs a directory or s3://BUCKET/PREFIX to read");
    }
    return check_applicable(a, err, errlen);
}
