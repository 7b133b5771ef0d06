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

int report_csv_build(const struct keylist *kl, const struct pool_result *results,
                     double fetch_seconds, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    FILE *f = open_memstream(out, outlen);
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
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* Rate per second, 0 for an empty span. */
static double per_second(double amount, double seconds)
{
    return seconds > 0 ? amount / seconds : 0;
}

void report_summary(FILE *f, const struct report_run *run)
{
    const struct pool_summary *p = &run->pool;
    double mib = (double)p->bytes / (1024.0 * 1024.0);
    fprintf(f, "s3bench: %s x %d: %zu objects, %.1f MiB in %.3f s (listing %.3f s)\n",
            config_mode_name(run->cfg->mode), run->cfg->concurrency, run->objects, mib,
            p->fetch_seconds, run->list_seconds);
    fprintf(f, "  %.1f objects/s, %.1f MiB/s; %zu failed, %zu mismatched; CPU %.2f s user, %.2f s system\n",
            per_second((double)run->objects, p->fetch_seconds), per_second(mib, p->fetch_seconds),
            p->failed, p->mismatched, run->cpu_user, run->cpu_system);
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
    char *text = NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        goto cleanup;
    if (!cJSON_AddStringToObject(o, "mode", config_mode_name(run->cfg->mode)) ||
        !cJSON_AddNumberToObject(o, "concurrency", run->cfg->concurrency) ||
        !cJSON_AddStringToObject(o, "bucket", run->cfg->bucket) ||
        !cJSON_AddStringToObject(o, "tag", run->cfg->tag) ||
        !cJSON_AddNumberToObject(o, "objects", (double)run->objects) ||
        !cJSON_AddNumberToObject(o, "bytes", (double)p->bytes) ||
        !cJSON_AddNumberToObject(o, "list_seconds", run->list_seconds) ||
        !cJSON_AddNumberToObject(o, "fetch_seconds", p->fetch_seconds) ||
        !cJSON_AddNumberToObject(o, "objects_per_second", per_second((double)run->objects, p->fetch_seconds)) ||
        !cJSON_AddNumberToObject(o, "bytes_per_second", per_second((double)p->bytes, p->fetch_seconds)) ||
        !cJSON_AddNumberToObject(o, "errors", (double)p->failed) ||
        !cJSON_AddNumberToObject(o, "mismatches", (double)p->mismatched) ||
        !cJSON_AddNumberToObject(o, "cpu_user_seconds", run->cpu_user) ||
        !cJSON_AddNumberToObject(o, "cpu_system_seconds", run->cpu_system) ||
        !cJSON_AddStringToObject(o, "csv", run->csv_path) ||
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
