#include "gather.h"

#include "bench.h"
#include "errmsg.h"
#include "keylist.h"
#include "tabulate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether key i of kl is exactly name: the JSON summary of a result CSV is
 * fetched only when it was listed beside it. */
static int listed(const struct keylist *kl, const char *name, size_t len, size_t *at)
{
    for (size_t i = 0; i < kl->count; i++) {
        if (kl->items[i].len == len && memcmp(keylist_key(kl, i), name, len) == 0) {
            *at = i;
            return 1;
        }
    }
    return 0;
}

/* GETs key into a malloc'd copy. Returns it, or NULL with err. */
static char *fetch_copy(struct s3_client *c, const char *bucket, const char *key, size_t keylen,
                        size_t *len, char *err, size_t errlen)
{
    struct s3_result r;
    if (s3_get_body(c, bucket, key, keylen, &r) != 0) {
        char why[768];
        s3_result_describe(&r, why, sizeof why);
        errmsg_set(err, errlen, "GET s3://%s/%s: %s", bucket, key, why);
        return NULL;
    }
    char *copy = malloc(c->body_len + 1);
    if (!copy) {
        errmsg_set(err, errlen, "out of memory");
        return NULL;
    }
    if (c->body_len)
        memcpy(copy, c->body, c->body_len);
    copy[c->body_len] = '\0';
    *len = c->body_len;
    return copy;
}

/* Adds every result CSV under the configured bucket and prefix (and the
 * JSON summary beside it, if any) to tab. Returns the number added, or -1
 * with err (*listing set when the listing itself failed). */
static long gather_s3(const struct config *cfg, const struct s3_target *t, struct tab *tab,
                      int *listing, char *err, size_t errlen)
{
    long added = -1;
    struct keylist kl;
    struct s3_client c;
    char *csv = NULL, *json = NULL;
    int have_client = 0;
    keylist_init(&kl);
    *listing = 0;
    if (s3_list_all(t, cfg->bucket, cfg->prefix, &kl, err, errlen) != 0) {
        *listing = 1;
        goto cleanup;
    }
    if (s3_client_init(&c, t, err, errlen) != 0)
        goto cleanup;
    have_client = 1;
    long n = 0;
    for (size_t i = 0; i < kl.count; i++) {
        const char *key = keylist_key(&kl, i);
        size_t keylen = kl.items[i].len, csvlen = 0, jsonlen = 0, at;
        struct tab_run probe;
        if (keylen != strlen(key) || tab_parse_name(key, &probe) != 0)
            continue;
        if (!(csv = fetch_copy(&c, cfg->bucket, key, keylen, &csvlen, err, errlen)))
            goto cleanup;
        char jkey[1100];
        if (keylen + 2 < sizeof jkey) {
            memcpy(jkey, key, keylen - 4);
            memcpy(jkey + keylen - 4, ".json", 6);
            if (listed(&kl, jkey, keylen + 1, &at) &&
                !(json = fetch_copy(&c, cfg->bucket, jkey, keylen + 1, &jsonlen, err, errlen)))
                goto cleanup;
        }
        if (tab_add(tab, key, csv, csvlen, json, jsonlen, err, errlen) != 0)
            goto cleanup;
        free(csv);
        free(json);
        csv = json = NULL;
        n++;
    }
    added = n;
cleanup:
    free(csv);
    free(json);
    if (have_client)
        s3_client_cleanup(&c);
    keylist_free(&kl);
    return added;
}

int gather_report(const struct config *cfg, const struct s3_target *t)
{
    char err[1024];
    int code = EXIT_FAILED, listing = 0;
    struct tab tab;
    tab_init(&tab);
    int from_s3 = strncmp(cfg->source, "s3://", 5) == 0;
    long n = from_s3 ? gather_s3(cfg, t, &tab, &listing, err, sizeof err)
                     : tab_add_dir(&tab, cfg->source, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "s3bench: report: %s\n", err);
        code = listing ? EXIT_LIST : EXIT_FAILED;
        goto cleanup;
    }
    if (n == 0) {
        fprintf(stderr, "s3bench: report: no result_{TAG}_{MODE}_{CONCURRENCY}.csv files in %s\n",
                cfg->source);
        goto cleanup;
    }
    if (bench_make_dir(cfg->out_dir, err, sizeof err) != 0) {
        fprintf(stderr, "s3bench: report: %s\n", err);
        goto cleanup;
    }
    if (tab_report(&tab, cfg->out_dir, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "s3bench: report: %s\n", err);
        goto cleanup;
    }
    fprintf(stderr, "s3bench: report: %ld runs; table and chart in %s/ (table.csv, table.md, chart.svg, chart.png)\n",
            n, cfg->out_dir);
    code = EXIT_OK;
cleanup:
    tab_free(&tab);
    return code;
}
