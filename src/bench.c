/* One benchmark run, the data path top to bottom: list the bucket, fetch
 * every object with the worker pool, write the reference CSV, upload it,
 * summarise. */
#include "bench.h"

#include "errmsg.h"
#include "keylist.h"
#include "listxml.h"
#include "pool.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int bench_make_dir(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return errmsg_set(err, errlen, "directory name too long: %s", dir);
    /* Each parent in turn, then the whole: the components that exist
     * already are passed over. */
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return errmsg_set(err, errlen, "cannot create %s: %s", path, strerror(errno));
        *p = c;
        if (!c)
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return errmsg_set(err, errlen, "%s is not a directory", dir);
    return 0;
}

/* Writes the CSV to path. Returns 0, or -1 with err. */
static int write_file(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        errmsg_set(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    size_t w = fwrite(data, 1, len, f);
    int bad = w != len || ferror(f);
    if (fclose(f) != 0 || bad) {
        errmsg_set(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Writes the per-object detail CSV to path. Returns 0, or -1 with err. */
static int write_detail(const char *path, const struct keylist *kl, const struct pool_result *results,
                        char *err, size_t errlen)
{
    char *text;
    size_t len;
    if (report_detail_build(kl, results, &text, &len) != 0)
        return errmsg_set(err, errlen, "out of memory building the detail CSV");
    int rc = write_file(path, text, len, err, errlen);
    free(text);
    return rc;
}

/* Uploads the result CSV. Returns 0, or -1 with err. */
static int upload_csv(const struct config *cfg, const struct s3_target *t, const char *key,
                      const char *data, size_t len, char *err, size_t errlen)
{
    struct s3_client c;
    struct s3_result r;
    if (s3_client_init(&c, t, err, errlen) != 0)
        return -1;
    int rc = s3_put_object(&c, cfg->result_bucket, key, strlen(key), data, len, &r);
    if (rc != 0) {
        char why[768];
        s3_result_describe(&r, why, sizeof why);
        errmsg_set(err, errlen, "PutObject s3://%s/%s: %s", cfg->result_bucket, key, why);
    }
    s3_client_cleanup(&c);
    return rc;
}

/* CPU seconds of this process and its reaped children (process mode's
 * workers), and the peak resident size of the largest of them. */
static void resource_usage(struct report_run *run)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    run->cpu_user = (double)(self.ru_utime.tv_sec + kids.ru_utime.tv_sec) +
                    (double)(self.ru_utime.tv_usec + kids.ru_utime.tv_usec) / 1e6;
    run->cpu_system = (double)(self.ru_stime.tv_sec + kids.ru_stime.tv_sec) +
                      (double)(self.ru_stime.tv_usec + kids.ru_stime.tv_usec) / 1e6;
    run->peak_rss_kib = self.ru_maxrss > kids.ru_maxrss ? self.ru_maxrss : kids.ru_maxrss;
}

int bench_run(const struct config *cfg, const struct s3_target *t)
{
    int code = EXIT_FAILED;
    char err[1024], *csv = NULL;
    size_t csvlen = 0;
    struct pool_result *results = NULL;
    struct keylist kl;
    keylist_init(&kl);
    struct report_run run = {.cfg = cfg};

    /* Before the listing: a limit or a folder that stops the run should
     * not cost one, let alone a fetch. */
    if (pool_check_limits(cfg, err, sizeof err) != 0 ||
        bench_make_dir(cfg->out_dir, err, sizeof err) != 0) {
        fprintf(stderr, "s3bench: %s\n", err);
        code = EXIT_USAGE;
        goto cleanup;
    }
    double t0 = pool_clock();
    if (s3_list_all(t, cfg->bucket, cfg->prefix, &kl, err, sizeof err) != 0) {
        fprintf(stderr, "s3bench: %s\n", err);
        code = EXIT_LIST;
        goto cleanup;
    }
    run.list_seconds = pool_clock() - t0;
    run.objects = kl.count;
    results = calloc(kl.count ? kl.count : 1, sizeof *results);
    if (!results) {
        fprintf(stderr, "s3bench: out of memory for %zu results\n", kl.count);
        goto cleanup;
    }
    /* Progress only for a person watching: never into a log or a pipe. */
    FILE *progress = !cfg->quiet && isatty(STDERR_FILENO) ? stderr : NULL;
    int pool_rc = pool_run(cfg, t, &kl, results, &run.pool, progress, err, sizeof err);
    if (pool_rc != 0)
        fprintf(stderr, "s3bench: %s\n", err);
    resource_usage(&run);

    if (report_csv_name(run.result_key, sizeof run.result_key, cfg) != 0) {
        fprintf(stderr, "s3bench: result name too long\n");
        goto cleanup;
    }
    int n = snprintf(run.csv_path, sizeof run.csv_path, "%s/%s", cfg->out_dir, run.result_key);
    if (n < 0 || (size_t)n >= sizeof run.csv_path) {
        fprintf(stderr, "s3bench: output path too long\n");
        goto cleanup;
    }
    if (report_csv_build(&kl, results, run.pool.fetch_seconds, &csv, &csvlen) != 0) {
        fprintf(stderr, "s3bench: out of memory building the CSV\n");
        goto cleanup;
    }
    if (write_file(run.csv_path, csv, csvlen, err, sizeof err) != 0) {
        fprintf(stderr, "s3bench: %s\n", err);
        goto cleanup;
    }
    if (cfg->detail[0] && write_detail(cfg->detail, &kl, results, err, sizeof err) != 0) {
        fprintf(stderr, "s3bench: %s\n", err);
        goto cleanup;
    }
    if (!cfg->no_upload && cfg->result_bucket[0]) {
        if (upload_csv(cfg, t, run.result_key, csv, csvlen, err, sizeof err) == 0) {
            run.uploaded = 1;
        } else {
            fprintf(stderr, "s3bench: %s (the CSV is kept at %s)\n", err, run.csv_path);
            run.uploaded = -1;
        }
    }
    report_summary(stderr, &run);
    if (cfg->json && report_json(stdout, &run) != 0)
        fprintf(stderr, "s3bench: cannot write the JSON summary\n");
    if (run.pool.stop_signal)
        code = EXIT_SIGNAL_BASE + run.pool.stop_signal;
    else if (pool_rc == 0 && run.pool.failed == 0 && run.pool.mismatched == 0 &&
             run.pool.unfetched == 0 && run.uploaded >= 0)
        code = EXIT_OK;
cleanup:
    free(csv);
    free(results);
    keylist_free(&kl);
    return code;
}
