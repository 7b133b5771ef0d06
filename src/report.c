/* Reporting: CSV, human summary and JSON summary. */
#include "report.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int report_csv_name(char *dst, size_t dstlen, const struct config *cfg)
{
    int n = snprintf(dst, dstlen, "result_%s_%s_%d.csv", cfg->tag,
                     config_mode_name(cfg->mode), cfg->concurrency);
    return n < 0 || (size_t)n >= dstlen ? -1 : 0;
}

/* Writes one CSV field, quoted when it holds a comma, a quote or a line
 * break (quotes doubled), as RFC 4180 and Python's QUOTE_MINIMAL do. */
static void csv_field(FILE *f, const char *s, size_t len)
{
    int quote = 0;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, len, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

/* Opens a stream writing into a growing buffer *out. */
static FILE *buffer_open(char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    return open_memstream(out, outlen);
}

/* Closes f; on any write error frees the buffer. Returns 0 or -1. */
static int buffer_close(FILE *f, char **out)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int report_csv_build(const struct keylist *kl, const struct pool_result *results,
                     double fetch_seconds, char **out, size_t *outlen)
{
    FILE *f = buffer_open(out, outlen);
    if (!f)
        return -1;
    fprintf(f, "Key (time = %.6f) sec,Size,CalcSize\r\n", fetch_seconds);
    for (size_t i = 0; i < kl->count; i++) {
        const struct pool_result *r = &results[i];
        csv_field(f, keylist_key(kl, i), kl->items[i].len);
        if (r->state == POOL_OK && r->content_length >= 0)
            fprintf(f, ",%" PRId64 ",%" PRIu64 "\r\n", r->content_length, r->bytes);
        else if (r->state == POOL_OK)
            fprintf(f, ",,%" PRIu64 "\r\n", r->bytes);
        else
            fprintf(f, ",%" PRIu64 ",\r\n", kl->items[i].size);
    }
    return buffer_close(f, out);
}

int report_detail_build(const struct keylist *kl, const struct pool_result *results,
                        char **out, size_t *outlen)
{
    FILE *f = buffer_open(out, outlen);
    if (!f)
        return -1;
    fputs("key,result,worker,status,retries,size,bytes,ttfb_ms,total_ms\r\n", f);
    for (size_t i = 0; i < kl->count; i++) {
        const struct pool_result *r = &results[i];
        const char *result = r->state == POOL_PENDING ? "unfetched"
                             : r->state != POOL_OK    ? "failed"
                             : r->content_length >= 0 && (uint64_t)r->content_length != r->bytes ? "mismatch"
                                                                                                  : "ok";
        csv_field(f, keylist_key(kl, i), kl->items[i].len);
        fprintf(f, ",%s,%d,%d,%d,", result, r->worker, r->status, r->retries);
        if (r->content_length >= 0)
            fprintf(f, "%" PRId64, r->content_length);
        if (r->state == POOL_PENDING)
            fprintf(f, ",%" PRIu64 ",,\r\n", r->bytes);
        else
            fprintf(f, ",%" PRIu64 ",%.3f,%.3f\r\n", r->bytes, r->ttfb * 1e3, r->total * 1e3);
    }
    return buffer_close(f, out);
}

/* amount / per, or 0 when per is 0 (an empty run has no rate). */
static double ratio(double amount, double per)
{
    return per > 0 ? amount / per : 0;
}

void report_summary(FILE *f, const struct report_run *run)
{
    const struct pool_summary *p = &run->pool;
    double mib = (double)p->bytes / (1024.0 * 1024.0);
    fprintf(f, "s3bench: %s x %d: %zu objects, %.1f MiB in %.3f s (listing %.3f s)\n",
            config_mode_name(run->cfg->mode), run->cfg->concurrency, run->objects, mib,
            p->fetch_seconds, run->list_seconds);
    fprintf(f, "  %.1f objects/s, %.1f MiB/s; %zu failed, %zu mismatched, %" PRIu64
               " retries; CPU %.2f s user, %.2f s system\n",
            ratio((double)run->objects, p->fetch_seconds), ratio(mib, p->fetch_seconds),
            p->failed, p->mismatched, p->retries, run->cpu_user, run->cpu_system);
    if (p->stop_signal)
        fprintf(f, "  stopped by signal %d: %zu objects not fetched (empty CalcSize in the CSV)\n",
                p->stop_signal, p->unfetched);
    const struct hist *l = &p->latency, *t = &p->ttfb;
    fprintf(f, "  latency ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f; first byte p50 %.2f, p99 %.2f\n",
            hist_percentile(l, 50) / 1e3, hist_percentile(l, 90) / 1e3, hist_percentile(l, 99) / 1e3,
            hist_percentile(l, 100) / 1e3, hist_percentile(t, 50) / 1e3, hist_percentile(t, 99) / 1e3);
    double cpu = run->cpu_user + run->cpu_system;
    fprintf(f, "  CPU %.2f s per GiB, %.3f s per 1,000 objects; peak RSS %.1f MiB\n",
            ratio(cpu, (double)p->bytes / (1024.0 * 1024.0 * 1024.0)),
            ratio(cpu, (double)run->objects / 1000.0), (double)run->peak_rss_kib / 1024.0);
    if (run->uploaded == 1)
        fprintf(f, "  result: %s, uploaded to s3://%s/%s\n", run->csv_path,
                run->cfg->result_bucket, run->result_key);
    else
        fprintf(f, "  result: %s%s\n", run->csv_path,
                run->uploaded < 0 ? " (upload FAILED)" : " (not uploaded)");
}

int report_json(FILE *f, const struct report_run *run)
{
    int rc = -1;
    const struct pool_summary *p = &run->pool;
    const struct hist *l = &p->latency, *t = &p->ttfb;
    double cpu = run->cpu_user + run->cpu_system;
    const struct {
        const char *name;
        double value;
    } numbers[] = {
        {"concurrency", run->cfg->concurrency},
        {"objects", (double)run->objects},
        {"bytes", (double)p->bytes},
        {"list_seconds", run->list_seconds},
        {"fetch_seconds", p->fetch_seconds},
        {"objects_per_second", ratio((double)run->objects, p->fetch_seconds)},
        {"bytes_per_second", ratio((double)p->bytes, p->fetch_seconds)},
        {"mib_per_second", ratio((double)p->bytes / (1024.0 * 1024.0), p->fetch_seconds)},
        {"errors", (double)p->failed},
        {"mismatches", (double)p->mismatched},
        {"unfetched", (double)p->unfetched},
        {"retries", (double)p->retries},
        {"stop_signal", p->stop_signal},
        {"latency_p50_ms", hist_percentile(l, 50) / 1e3},
        {"latency_p90_ms", hist_percentile(l, 90) / 1e3},
        {"latency_p99_ms", hist_percentile(l, 99) / 1e3},
        {"latency_max_ms", hist_percentile(l, 100) / 1e3},
        {"latency_mean_ms", hist_mean(l) / 1e3},
        {"ttfb_p50_ms", hist_percentile(t, 50) / 1e3},
        {"ttfb_p90_ms", hist_percentile(t, 90) / 1e3},
        {"ttfb_p99_ms", hist_percentile(t, 99) / 1e3},
        {"ttfb_max_ms", hist_percentile(t, 100) / 1e3},
        {"cpu_user_seconds", run->cpu_user},
        {"cpu_system_seconds", run->cpu_system},
        {"cpu_seconds_per_gib", ratio(cpu, (double)p->bytes / (1024.0 * 1024.0 * 1024.0))},
        {"cpu_seconds_per_1000_objects", ratio(cpu, (double)run->objects / 1000.0)},
        {"peak_rss_kib", (double)run->peak_rss_kib},
    };
    char *text = NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "mode", config_mode_name(run->cfg->mode)) ||
        !cJSON_AddStringToObject(o, "bucket", run->cfg->bucket) ||
        !cJSON_AddStringToObject(o, "tag", run->cfg->tag))
        goto cleanup;
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (!cJSON_AddNumberToObject(o, numbers[i].name, numbers[i].value))
            goto cleanup;
    if (!cJSON_AddStringToObject(o, "csv", run->csv_path) ||
        !cJSON_AddStringToObject(o, "result_key", run->result_key) ||
        !cJSON_AddBoolToObject(o, "uploaded", run->uploaded == 1))
        goto cleanup;
    text = cJSON_PrintUnformatted(o);
    if (!text)
        goto cleanup;
    rc = fprintf(f, "%s\n", text) < 0 ? -1 : 0;
cleanup:
    cJSON_free(text);
    cJSON_Delete(o);
    return rc;
}
