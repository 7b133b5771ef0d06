/* Configuration: the environment (the names the reference program used, so a
 * container's task definition works unchanged) merged with the command line
 * (flags win), then validated so that a bad setting is one clear line and
 * exit 2 before any request is made. Never prints, never exits. */
#include "config.h"
#include "cli.h"
#include "decimal.h"
#include "sweep.h"
#include "env.h"
#include "errmsg.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Values are echoed in messages up to this many characters, so a pasted
 * megabyte does not become a megabyte of error. */
#define ECHO_MAX 100

/* Where one setting came from, for messages that tell the user what to fix:
 * the flag's name or the environment variable's. */
struct setting {
    const char *value; /* NULL when neither source gave it */
    const char *from;  /* "--bucket" or "BUCKET_NAME" */
};

/* The flag's value when given, else the environment's (env_name may be NULL
 * for flag-only settings). */
static struct setting pick(const char *flag_value, const char *flag_name,
                           char **env, const char *env_name)
{
    struct setting s = {flag_value, flag_name};
    if (!flag_value && env_name) {
        s.value = env_get(env, env_name);
        s.from = env_name;
    }
    return s;
}

/* Copies src into dst[cap]. Returns 0, or EXIT_USAGE when it does not fit:
 * a cut bucket name or key would silently talk to the wrong thing. The
 * message names the setting but never its value, so this is safe for
 * secrets too. */
static int copy_value(char *dst, size_t cap, const char *src, const char *from,
                      char *err, size_t errlen)
{
    int n = snprintf(dst, cap, "%s", src);
    if (n < 0 || (size_t)n >= cap) {
        dst[0] = '\0';
        return cli_fail(err, errlen, "%s is too long (at most %zu characters)", from, cap - 1);
    }
    return 0;
}

/* "..." when s is longer than what messages echo, else "". */
static const char *ellipsis(const char *s)
{
    return strlen(s) > ECHO_MAX ? "..." : "";
}

/* Strictly parses a whole number in [lo, hi] into *out: digits only. A
 * leading '-' is recognised only to say "out of range" rather than "not a
 * number". */
static int parse_bounded(const struct setting *s, int lo, int hi, int *out, char *err,
                         size_t errlen)
{
    const char *v = s->value;
    int neg = v[0] == '-';
    uint64_t n = 0;
    int rc = decimal_parse(v + neg, strlen(v + neg), &n);
    if (rc == -1)
        return cli_fail(err, errlen, "%s '%.*s%s' is not a number (want %d to %d)", s->from,
                        ECHO_MAX, v, ellipsis(v), lo, hi);
    if (rc == -2 || neg || n < (uint64_t)lo || n > (uint64_t)hi)
        return cli_fail(err, errlen, "%s %.*s%s is out of range (want %d to %d)", s->from,
                        ECHO_MAX, v, ellipsis(v), lo, hi);
    *out = (int)n;
    return 0;
}

/* An optional bounded number: *out keeps its default when neither the flag
 * nor the variable is set. */
static int load_bounded(const char *flag_value, const char *flag, char **env, const char *var,
                        int lo, int hi, int *out, char *err, size_t errlen)
{
    struct setting st = pick(flag_value, flag, env, var);
    return st.value ? parse_bounded(&st, lo, hi, out, err, errlen) : 0;
}

/* Whether v holds only letters, digits, '.', '_' and '-': what bucket
 * names and tags may hold, safe in a URL path, a host name and a file name. */
static int name_chars(const char *v)
{
    return v[strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] == '\0';
}

/* A bucket name as S3 will accept in a URL: 3..255 characters of letters,
 * digits, '.', '_' and '-'. Deliberately looser than today's 3..63 lowercase
 * rule (old us-east-1 buckets and some S3-compatible servers allow more);
 * what it must keep out is anything that would change the request's path or
 * host, such as '/', '?', '%' or spaces. */
static int check_bucket(const struct setting *s, char *dst, size_t cap, char *err, size_t errlen)
{
    const char *v = s->value;
    size_t len = strlen(v);
    if (len < 3 || len >= cap || !name_chars(v))
        return cli_fail(err, errlen,
                        "%s '%.*s%s' is not a valid bucket name (3 to %zu letters, digits, '.', '_' or '-')",
                        s->from, ECHO_MAX, v, ellipsis(v), cap - 1);
    return copy_value(dst, cap, v, s->from, err, errlen);
}

/* Is ch a character allowed in a host name or IPv4 address? '_' is allowed
 * because Docker Compose service names (a common local S3) may hold it. */
static int host_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
}

/* Validates an endpoint URL and writes it normalised into dst[cap]:
 * "http(s)://host[:port]" with the scheme lowercased and a lone trailing '/'
 * removed, because the request code appends "/bucket..." to it. Anything
 * else (a path, query, user info, empty host, bad port) is refused rather
 * than guessed at. An empty value means "AWS itself" and gives "". */
static int check_endpoint(const struct setting *s, char *dst, size_t cap, char *err, size_t errlen)
{
    const char *v = s->value;
    dst[0] = '\0';
    if (v[0] == '\0')
        return 0;
    /* User info could hold a password: say why without echoing it. */
    if (strchr(v, '@'))
        return cli_fail(err, errlen, "malformed endpoint URL in %s: user info ('@') is not allowed",
                        s->from);

    const char *why = NULL;
    const char *scheme;
    const char *p;
    if (strncasecmp(v, "http://", 7) == 0) {
        scheme = "http";
        p = v + 7;
    } else if (strncasecmp(v, "https://", 8) == 0) {
        scheme = "https";
        p = v + 8;
    } else {
        why = "it must start with http:// or https://";
        goto bad;
    }

    const char *host = p;
    if (*p == '[') { /* IPv6 literal */
        p++;
        while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
               (*p >= 'A' && *p <= 'F') || *p == ':' || *p == '.')
            p++;
        if (*p != ']' || p == host + 1) {
            why = "bad IPv6 address";
            goto bad;
        }
        p++;
    } else {
        while (host_char(*p))
            p++;
    }
    size_t host_len = (size_t)(p - host);
    if (host_len == 0) {
        why = "no host";
        goto bad;
    }

    const char *port = NULL;
    size_t port_len = 0;
    if (*p == ':') {
        port = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        port_len = (size_t)(p - port);
        uint64_t pn = 0;
        if (decimal_parse(port, port_len, &pn) != 0 || pn < 1 || pn > 65535) {
            why = "the port must be 1 to 65535";
            goto bad;
        }
    }
    if (*p == '/')
        p++;
    if (*p != '\0') {
        why = "only scheme://host[:port] is allowed";
        goto bad;
    }

    int n;
    if (port)
        n = snprintf(dst, cap, "%s://%.*s:%.*s", scheme, (int)host_len, host, (int)port_len, port);
    else
        n = snprintf(dst, cap, "%s://%.*s", scheme, (int)host_len, host);
    if (n < 0 || (size_t)n >= cap) {
        dst[0] = '\0';
        return cli_fail(err, errlen, "%s is too long (at most %zu characters)", s->from, cap - 1);
    }
    return 0;

bad:
    return cli_fail(err, errlen, "malformed endpoint URL '%.*s%s' in %s: %s", ECHO_MAX, v,
                    ellipsis(v), s->from, why);
}

/* 1 when the normalised endpoint's host is an IP address (IPv4 digits and
 * dots, or a bracketed IPv6 literal), 0 for a host name. */
static int endpoint_is_ip(const char *endpoint)
{
    const char *host = strstr(endpoint, "://");
    host = host ? host + 3 : endpoint;
    if (host[0] == '[')
        return 1;
    size_t n = strcspn(host, ":");
    return n > 0 && strspn(host, "0123456789.") == n;
}

/* A region is a signing-scope component and may become part of a host name,
 * so only letters, digits, '-' and '_' (custom regions on S3-compatible
 * servers use more than AWS's lowercase form). */
static int check_region(const struct setting *s, char *dst, size_t cap, char *err, size_t errlen)
{
    const char *v = s->value;
    size_t len = strlen(v);
    int ok = len >= 1 && len < cap;
    for (size_t i = 0; ok && i < len; i++) {
        char ch = v[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
             (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    }
    if (!ok)
        return cli_fail(err, errlen, "%s '%.*s%s' is not a valid region", s->from, ECHO_MAX, v,
                        ellipsis(v));
    return copy_value(dst, cap, v, s->from, err, errlen);
}

/* The tag names the result files and object keys, so it is kept to
 * characters that are safe in both: letters, digits, '.', '_', '-'; and it
 * must not be "." or ".." for the same reason. */
static int check_tag(const struct setting *s, char *dst, size_t cap, char *err, size_t errlen)
{
    const char *v = s->value;
    size_t len = strlen(v);
    if (len < 1 || len >= cap || strcmp(v, ".") == 0 || strcmp(v, "..") == 0 || !name_chars(v))
        return cli_fail(err, errlen,
                        "%s '%.*s%s' is not a valid tag (1 to %zu letters, digits, '.', '_' or '-')",
                        s->from, ECHO_MAX, v, ellipsis(v), cap - 1);
    return copy_value(dst, cap, v, s->from, err, errlen);
}

/* Parses one size, "N" or "N" followed by K, KiB, M, MiB, G or GiB (any
 * letter case; all 1024-based, since "1K" meaning 1000 here would surprise
 * nobody less than "1KiB" meaning 1000). Returns 0, -1 when malformed, -2
 * when it overflows 64 bits. */
static int parse_one_size(const char *s, size_t len, uint64_t *out)
{
    size_t nd = 0;
    while (nd < len && s[nd] >= '0' && s[nd] <= '9')
        nd++;
    uint64_t n = 0;
    int rc = decimal_parse(s, nd, &n);
    if (rc != 0)
        return rc;
    const char *u = s + nd;
    size_t ulen = len - nd;
    unsigned shift;
    if (ulen == 0)
        shift = 0;
    else if ((ulen == 1 || (ulen == 3 && strncasecmp(u + 1, "ib", 2) == 0)) &&
             (u[0] == 'k' || u[0] == 'K'))
        shift = 10;
    else if ((ulen == 1 || (ulen == 3 && strncasecmp(u + 1, "ib", 2) == 0)) &&
             (u[0] == 'm' || u[0] == 'M'))
        shift = 20;
    else if ((ulen == 1 || (ulen == 3 && strncasecmp(u + 1, "ib", 2) == 0)) &&
             (u[0] == 'g' || u[0] == 'G'))
        shift = 30;
    else
        return -1;
    if (n > (UINT64_MAX >> shift))
        return -2;
    *out = n << shift;
    return 0;
}

/* Parses populate's --size: one size, or "MIN-MAX" with MIN <= MAX, each at
 * most CONFIG_MAX_OBJECT_SIZE. */
static int parse_size_range(const char *v, uint64_t *min, uint64_t *max, char *err, size_t errlen)
{
    const char *dash = strchr(v, '-');
    size_t len = strlen(v);
    size_t first_len = dash ? (size_t)(dash - v) : len;
    int rc = parse_one_size(v, first_len, min);
    if (rc == 0) {
        if (dash)
            rc = parse_one_size(dash + 1, len - first_len - 1, max);
        else
            *max = *min;
    }
    if (rc == -1)
        return cli_fail(err, errlen,
                        "--size '%.*s%s' is not a size (bytes, or with K/KiB, M/MiB, G/GiB; or MIN-MAX)",
                        ECHO_MAX, v, ellipsis(v));
    if (rc == -2 || *min > CONFIG_MAX_OBJECT_SIZE || *max > CONFIG_MAX_OBJECT_SIZE)
        return cli_fail(err, errlen, "--size '%.*s%s' is above the 5GiB single-upload limit",
                        ECHO_MAX, v, ellipsis(v));
    if (*min > *max)
        return cli_fail(err, errlen, "--size '%.*s%s': the minimum is above the maximum", ECHO_MAX,
                        v, ellipsis(v));
    return 0;
}

/* The credentials source (creds_config_load: the environment, the shared
 * files, the container endpoint or IMDS) and then the region, which may
 * come from the profile: --region, AWS_REGION, AWS_DEFAULT_REGION (already
 * in cfg->region when given), the profile's region, else us-east-1. */
static int load_credentials(struct config *cfg, char **env, char *err, size_t errlen)
{
    if (creds_config_load(&cfg->creds, env, err, errlen) != 0)
        return EXIT_USAGE;
    if (cfg->region[0])
        return 0;
    char from[CREDS_MAX_NAME + 32];
    /* Only for messages, so a cut one is fine. */
    errmsg_set(from, sizeof from, "the region of profile '%s'", cfg->creds.profile);
    struct setting region = {cfg->creds.region, from};
    if (!region.value[0])
        region = (struct setting){"us-east-1", "default region"};
    return check_region(&region, cfg->region, sizeof cfg->region, err, errlen);
}

/* Settings the commands share: concurrency, bucket, endpoint, region,
 * prefix, CA bundle, verbosity. `default_conc` > 0 means a missing
 * concurrency takes it; 0 means a missing one is an error; -1 means the
 * command reads its own (sweep's list). */
static int load_common(struct config *cfg, const struct cli_args *a, char **env,
                       int default_conc, char *err, size_t errlen)
{
    int rc;
    struct setting conc = pick(a->concurrency, "--concurrency", env, "CONCURRENCY");
    if (default_conc < 0) {
        /* sweep: its grid says. */
    } else if (conc.value) {
        if ((rc = parse_bounded(&conc, 1, CONFIG_MAX_CONCURRENCY, &cfg->concurrency, err, errlen)) != 0)
            return rc;
    } else if (default_conc > 0) {
        cfg->concurrency = default_conc;
    } else {
        return cli_fail(err, errlen, "CONCURRENCY missing: set CONCURRENCY or pass -c N (1 to %d)",
                        CONFIG_MAX_CONCURRENCY);
    }

    struct setting bucket = pick(a->bucket, "--bucket", env, "BUCKET_NAME");
    if (!bucket.value)
        return cli_fail(err, errlen, "no bucket: set BUCKET_NAME or pass --bucket");
    if ((rc = check_bucket(&bucket, cfg->bucket, sizeof cfg->bucket, err, errlen)) != 0)
        return rc;

    /* An explicit empty --endpoint is kept (it means AWS, overriding the
     * environment); an empty variable counts as unset anyway. The S3
     * service's own variable wins over the general one, as in the SDKs. */
    struct setting endpoint = pick(a->endpoint, "--endpoint", env, "AWS_ENDPOINT_URL_S3");
    if (!endpoint.value)
        endpoint = pick(NULL, NULL, env, "AWS_ENDPOINT_URL");
    if (endpoint.value &&
        (rc = check_endpoint(&endpoint, cfg->endpoint, sizeof cfg->endpoint, err, errlen)) != 0)
        return rc;
    cfg->addressing = a->path_style ? CONFIG_ADDR_PATH
                      : a->virtual_hosted ? CONFIG_ADDR_VIRTUAL : CONFIG_ADDR_AUTO;
    /* BUCKET.127.0.0.1 names no host: virtual-hosted style needs a name. */
    if (cfg->addressing == CONFIG_ADDR_VIRTUAL && cfg->endpoint[0] && endpoint_is_ip(cfg->endpoint))
        return cli_fail(err, errlen,
                        "--virtual-hosted needs an endpoint with a host name, not an IP address");

    /* AWS_REGION before AWS_DEFAULT_REGION, as the AWS SDKs do. Unset, the
     * profile's region or us-east-1 applies (load_credentials). */
    struct setting region = pick(a->region, "--region", env, "AWS_REGION");
    if (!region.value)
        region = pick(NULL, NULL, env, "AWS_DEFAULT_REGION");
    if (region.value &&
        (rc = check_region(&region, cfg->region, sizeof cfg->region, err, errlen)) != 0)
        return rc;

    if (a->prefix &&
        (rc = copy_value(cfg->prefix, sizeof cfg->prefix, a->prefix, "--prefix", err, errlen)) != 0)
        return rc;

    /* A path, checked when libcurl opens it: reading it here would only
     * duplicate libcurl's check, and its error names the file anyway. */
    struct setting ca = pick(a->ca_bundle, "--ca-bundle", env, "AWS_CA_BUNDLE");
    if (ca.value && ca.value[0] == '\0')
        return cli_fail(err, errlen, "--ca-bundle is empty");
    if (ca.value && (rc = copy_value(cfg->ca_bundle, sizeof cfg->ca_bundle, ca.value, ca.from, err,
                                     errlen)) != 0)
        return rc;
    cfg->insecure = a->insecure;

    cfg->verbose = a->verbose;
    return 0;
}

/* sweep's grid: modes, concurrencies, CPU counts and repetitions; the
 * reference experiment's axes by default. */
static int load_grid(struct config *cfg, const struct cli_args *a, char **env, char *err,
                     size_t errlen)
{
    struct config_grid *g = &cfg->grid;
    g->nmodes = sweep_parse_modes(a->modes ? a->modes : "thread,process", g->modes, err, errlen);
    if (g->nmodes < 0)
        return EXIT_USAGE;
    g->nconc = sweep_parse_ints("--concurrency", a->concurrency ? a->concurrency : "1,2,4,8,16", 1,
                                CONFIG_MAX_CONCURRENCY, g->conc, err, errlen);
    if (g->nconc < 0)
        return EXIT_USAGE;
    if (a->cpus && (g->ncpus = sweep_parse_ints("--cpus", a->cpus, 1, 1024, g->cpus, err, errlen)) < 0)
        return EXIT_USAGE;
    g->repeat = 1;
    return load_bounded(a->repeat, "--repeat", env, NULL, 1, 100, &g->repeat, err, errlen);
}

/* The settings of run and sweep: mode (sweep: the grid), tag, result
 * bucket, output, retries and timeouts. */
static int load_run(struct config *cfg, const struct cli_args *a, char **env, char *err,
                    size_t errlen)
{
    int sweep = cfg->command == CONFIG_CMD_SWEEP;
    int rc = load_common(cfg, a, env, sweep ? -1 : 0, err, errlen);
    if (rc != 0)
        return rc;

    /* MODE unset means thread: the cheaper of the two and what a user
     * trying the tool by hand most likely wants. Set, it must be exact. */
    struct setting mode = pick(a->mode, "--mode", env, sweep ? NULL : "MODE");
    if (!mode.value || strcmp(mode.value, "thread") == 0)
        cfg->mode = CONFIG_MODE_THREAD;
    else if (strcmp(mode.value, "process") == 0)
        cfg->mode = CONFIG_MODE_PROCESS;
    else
        return cli_fail(err, errlen, "%s '%.*s%s' is not thread or process", mode.from, ECHO_MAX,
                        mode.value, ellipsis(mode.value));
    if (sweep && (rc = load_grid(cfg, a, env, err, errlen)) != 0)
        return rc;

    /* TAG unset means "s3bench" ("sweep" for a sweep): the reference
     * required it, but a tag only labels the results, and a local run
     * should not need one. */
    struct setting tag = pick(a->tag, "--tag", env, "TAG");
    if (!tag.value)
        tag = (struct setting){sweep ? "sweep" : "s3bench", "default tag"};
    if ((rc = check_tag(&tag, cfg->tag, sizeof cfg->tag, err, errlen)) != 0)
        return rc;

    /* No result bucket is not an error: the results are then only written
     * locally, exactly as with --no-upload. A result bucket that is set is
     * checked unless --no-upload says it will not be used. */
    cfg->no_upload = a->no_upload;
    struct setting rb = pick(a->result_bucket, "--result-bucket", env, "RESULT_BUCKET_NAME");
    if (!cfg->no_upload) {
        if (!rb.value || rb.value[0] == '\0')
            cfg->no_upload = 1;
        else if ((rc = check_bucket(&rb, cfg->result_bucket, sizeof cfg->result_bucket, err,
                                    errlen)) != 0)
            return rc;
    }

    /* A sweep leaves a dozen files and a chart: a folder of their own by
     * default rather than the current directory. */
    const char *out = a->out_dir ? a->out_dir : sweep ? "s3bench-sweep" : ".";
    if (out[0] == '\0')
        return cli_fail(err, errlen, "--out-dir is empty");
    if ((rc = copy_value(cfg->out_dir, sizeof cfg->out_dir, out, "--out-dir", err, errlen)) != 0)
        return rc;
    if (a->detail && (rc = copy_value(cfg->detail, sizeof cfg->detail, a->detail, "--detail", err,
                                      errlen)) != 0)
        return rc;
    if (a->detail && !a->detail[0])
        return cli_fail(err, errlen, "--detail is empty");
    cfg->json = a->json;
    cfg->quiet = a->quiet;

    /* AWS_MAX_ATTEMPTS is the SDKs' variable for the same thing. */
    if ((rc = load_bounded(a->max_attempts, "--max-attempts", env, "AWS_MAX_ATTEMPTS", 1, 100,
                           &cfg->max_attempts, err, errlen)) != 0 ||
        (rc = load_bounded(a->connect_timeout, "--connect-timeout", env, NULL, 1, 3600,
                           &cfg->connect_timeout, err, errlen)) != 0 ||
        (rc = load_bounded(a->stall_timeout, "--stall-timeout", env, NULL, 1, 86400,
                           &cfg->stall_timeout, err, errlen)) != 0)
        return rc;
    /* Last, so every plain mistake is reported before "no credentials". */
    return load_credentials(cfg, env, err, errlen);
}

/* report's source: a directory of result files, which needs nothing else,
 * or s3://BUCKET/PREFIX, which needs what a run needs to list and read. */
static int load_report(struct config *cfg, const struct cli_args *a, char **env, char *err,
                       size_t errlen)
{
    int rc;
    if ((rc = copy_value(cfg->source, sizeof cfg->source, a->source, "the report source", err,
                         errlen)) != 0)
        return rc;
    const char *out = a->out_dir;
    if (strncmp(a->source, "s3://", 5) != 0) {
        if (!a->source[0])
            return cli_fail(err, errlen, "report: the directory is empty");
        /* The table and chart go beside the files they were made from. */
        return copy_value(cfg->out_dir, sizeof cfg->out_dir, out ? out : a->source, "--out-dir",
                          err, errlen);
    }
    const char *b = a->source + 5, *slash = strchr(b, '/');
    char bucket[256];
    size_t blen = slash ? (size_t)(slash - b) : strlen(b);
    if (blen == 0 || blen >= sizeof bucket)
        return cli_fail(err, errlen, "report: '%.*s%s' is not s3://BUCKET/PREFIX", ECHO_MAX,
                        a->source, ellipsis(a->source));
    memcpy(bucket, b, blen);
    bucket[blen] = '\0';
    struct cli_args with = *a;
    with.bucket = bucket;
    with.prefix = slash ? slash + 1 : "";
    if ((rc = load_common(cfg, &with, env, -1, err, errlen)) != 0 ||
        (rc = copy_value(cfg->out_dir, sizeof cfg->out_dir, out ? out : "s3bench-report",
                         "--out-dir", err, errlen)) != 0)
        return rc;
    return load_credentials(cfg, env, err, errlen);
}

/* The populate command's own settings: count or key file, size, seed. */
static int load_populate(struct config *cfg, const struct cli_args *a, char **env, char *err,
                         size_t errlen)
{
    /* Count and size first: they are what populate is about, and a user
     * who forgot one learns that before any environment complaint. With
     * --keys-from the file gives the keys, so a count would be ambiguous. */
    int rc;
    if (a->keys_from) {
        if (a->count)
            return cli_fail(err, errlen, "give --count or --keys-from, not both");
        if (a->keys_from[0] == '\0')
            return cli_fail(err, errlen, "--keys-from is empty");
        if ((rc = copy_value(cfg->keys_from, sizeof cfg->keys_from, a->keys_from, "--keys-from",
                             err, errlen)) != 0)
            return rc;
    } else {
        if (!a->count)
            return cli_fail(err, errlen,
                            "populate needs --count N (objects to write, 0 or more) or --keys-from FILE");
        uint64_t n = 0;
        rc = decimal_parse(a->count, strlen(a->count), &n);
        if (rc != 0 || n > (uint64_t)LONG_MAX)
            return cli_fail(err, errlen, "--count '%.*s%s' is not a whole number, 0 or more",
                            ECHO_MAX, a->count, ellipsis(a->count));
        cfg->populate_count = (long)n;
    }

    if (!a->size)
        return cli_fail(err, errlen, "populate needs --size SIZE or --size MIN-MAX (e.g. 1KiB-4MiB)");
    if ((rc = parse_size_range(a->size, &cfg->size_min, &cfg->size_max, err, errlen)) != 0)
        return rc;

    cfg->seed = 1;
    if (a->seed && decimal_parse(a->seed, strlen(a->seed), &cfg->seed) != 0)
        return cli_fail(err, errlen, "--seed '%.*s%s' is not a whole number from 0 to %llu",
                        ECHO_MAX, a->seed, ellipsis(a->seed), (unsigned long long)UINT64_MAX);

    /* Env CONCURRENCY applies here too (flags win), so a container's
     * setting carries over; unset, a modest default rather than an error. */
    if ((rc = load_common(cfg, a, env, CONFIG_POPULATE_CONCURRENCY, err, errlen)) != 0)
        return rc;
    return load_credentials(cfg, env, err, errlen);
}

int config_load(struct config *cfg, int argc, char **argv, char **env,
                char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->mode = CONFIG_MODE_THREAD;
    /* Every command's requests retry and time out alike unless run or
     * sweep is told otherwise. */
    cfg->max_attempts = CONFIG_DEFAULT_ATTEMPTS;
    cfg->connect_timeout = CONFIG_DEFAULT_CONNECT_TIMEOUT;
    cfg->stall_timeout = CONFIG_DEFAULT_STALL_TIMEOUT;
    if (err && errlen > 0)
        err[0] = '\0';

    struct cli_args a;
    int rc = cli_parse(&a, argc, argv, err, errlen);
    cfg->command = a.command;
    cfg->show_usage = a.show_usage;
    if (rc != 0)
        return rc;

    switch (a.command) {
    case CONFIG_CMD_HELP:
    case CONFIG_CMD_VERSION:
        return 0; /* main prints them; the environment does not matter */
    case CONFIG_CMD_POPULATE:
        rc = load_populate(cfg, &a, env, err, errlen);
        break;
    case CONFIG_CMD_REPORT:
        rc = load_report(cfg, &a, env, err, errlen);
        break;
    case CONFIG_CMD_RUN:
    default:
        rc = load_run(cfg, &a, env, err, errlen);
        break;
    }
    if (rc != 0) {
        /* Do not leave credentials lying in a config the caller will not use. */
        enum config_command cmd = cfg->command;
        memset(cfg, 0, sizeof *cfg);
        cfg->command = cmd;
    }
    return rc;
}

const char *config_mode_name(enum config_mode m)
{
    return m == CONFIG_MODE_PROCESS ? "process" : "thread";
}

void config_usage(FILE *f)
{
    fprintf(f,
"usage: s3bench [run] [options]\n"
"       s3bench populate (--count N | --keys-from FILE) --size SIZE|MIN-MAX\n"
"                        [--seed S] [options]\n"
"       s3bench sweep [--modes thread,process] [-c 1,2,4,8,16] [--cpus K,...]\n"
"                     [--repeat R] [options]\n"
"       s3bench report DIR | s3://BUCKET/PREFIX [--out-dir DIR]\n"
"       s3bench --help | --version\n"
"\n"
"run (the default) lists the bucket, downloads every object with N threads or\n"
"N processes, checks each size against the listing, writes the results to the\n"
"output directory and uploads them to the result bucket.\n"
"populate writes N objects of random content to the bucket, each of SIZE bytes\n"
"or of a size drawn from MIN-MAX; the same seed gives the same objects.\n"
"sweep runs the reference grid, every mode at every concurrency (each run a\n"
"child process, pinned to the first K CPUs with --cpus, R times with\n"
"--repeat), then writes table.csv, table.md, chart.svg and chart.png into the\n"
"output directory (default s3bench-sweep).\n"
"report rebuilds that table and chart from result CSVs already written, in a\n"
"directory or in S3 (time from each header; TAG, mode and concurrency from\n"
"each name; a tag holding <K>cpu or <K>vcpu gives the CPU column).\n"
"\n"
"Options (a flag overrides its environment variable):\n"
"  --bucket NAME         bucket to read, or for populate to fill [BUCKET_NAME]\n"
"  --result-bucket NAME  bucket for the results; none: no upload\n"
"                                                         [RESULT_BUCKET_NAME]\n"
"  -c, --concurrency N   workers, 1 to %d; required for run, populate's\n"
"                        parallel uploads default to %d           [CONCURRENCY]\n"
"  -m, --mode MODE       thread or process (default thread)             [MODE]\n"
"  --tag TAG             label for the results (default s3bench)         [TAG]\n"
"  --endpoint URL        http(s)://host[:port] of an S3-compatible server;\n"
"                        none: AWS     [AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL]\n"
"  --path-style          address buckets as host/BUCKET/key (the default\n"
"                        with --endpoint and for bucket names with dots)\n"
"  --virtual-hosted      address buckets as BUCKET.host/key (the default\n"
"                        on AWS)\n"
"  --region REGION       signing region       [AWS_REGION, AWS_DEFAULT_REGION]\n"
"                        (else the profile's, else us-east-1); a bucket in\n"
"                        another region is followed there\n"
"  --ca-bundle FILE      PEM file of CA certificates to trust for https\n"
"                                                             [AWS_CA_BUNDLE]\n"
"  --insecure            do not verify TLS certificates (prints a warning)\n"
"  --prefix PREFIX       only keys under PREFIX\n"
"  --out-dir DIR         directory for the result files (default .)\n"
"  --no-upload           keep the results local\n"
"  --json                print the summary as JSON\n"
"  --detail FILE         also write per-object timings (worker, status,\n"
"                        retries, time to first byte, total) as CSV\n"
"  -q, --quiet           no progress line (shown only on a terminal anyway)\n"
"  --max-attempts N      tries per object, 1 to 100 (default %d); throttling,\n"
"                        5xx, resets, stalls and short bodies are retried\n"
"                        with capped, jittered backoff   [AWS_MAX_ATTEMPTS]\n"
"  --connect-timeout S   seconds to connect (default %d)\n"
"  --stall-timeout S     seconds a transfer may move nothing before it is\n"
"                        abandoned and retried (default %d)\n"
"  -v, --verbose         more detail on stderr; repeat for more\n"
"  -h, --help            print this text\n"
"  --version             print the version\n"
"\n"
"populate options:\n"
"  --count N             number of objects, 0 or more, named obj-0000000...\n"
"  --keys-from FILE      write the NUL-separated key names in FILE instead\n"
"  --size SIZE|MIN-MAX   bytes, or with K/KiB, M/MiB, G/GiB (all 1024-based),\n"
"                        e.g. 16MiB or 1KiB-4MiB; at most 5GiB\n"
"  --seed S              random seed (default 1)\n"
"\n"
"Credentials, the first source that has them wins:\n"
"  1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)\n"
"  2. the profile AWS_PROFILE (default: default) in ~/.aws/credentials, then\n"
"     ~/.aws/config [profile NAME] (AWS_SHARED_CREDENTIALS_FILE and\n"
"     AWS_CONFIG_FILE name other files); a named profile must exist\n"
"  3. the container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or\n"
"     AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN\n"
"     or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE\n"
"  4. EC2 instance metadata, IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT;\n"
"     AWS_EC2_METADATA_DISABLED=true turns it off)\n"
"Temporary credentials are refreshed before they expire. -v logs each\n"
"request, -vv adds the HTTP headers; secrets, tokens and signatures are\n"
"never shown. An empty variable counts as unset.\n"
"\n"
"Exit status:\n"
"  0  every object fetched with its listed size, results uploaded\n"
"  1  some objects failed or mismatched, or the result upload failed\n"
"  2  usage or configuration error (nothing was requested)\n"
"  3  the listing failed\n"
"  130, 143  stopped by SIGINT or SIGTERM: the objects fetched so far are in\n"
"     the CSV (the rest have an empty CalcSize), which is still uploaded\n",
            CONFIG_MAX_CONCURRENCY, CONFIG_POPULATE_CONCURRENCY, CONFIG_DEFAULT_ATTEMPTS,
            CONFIG_DEFAULT_CONNECT_TIMEOUT, CONFIG_DEFAULT_STALL_TIMEOUT);
}
