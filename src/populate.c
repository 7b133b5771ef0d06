/* `s3bench populate`: deterministic objects uploaded by a few threads. */
#include "populate.h"

#include "errmsg.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keylist.h"
#include "rng.h"

uint64_t populate_size(uint64_t seed, uint64_t i, uint64_t min, uint64_t max)
{
    if (min >= max)
        return min;
    uint64_t st = seed * 0x100000001b3ULL + i;
    double u = rng_unit(&st);
    double lo = log((double)(min ? min : 1)), hi = log((double)max + 1);
    uint64_t v = (uint64_t)exp(lo + u * (hi - lo));
    return v < min ? min : v > max ? max : v;
}

void populate_fill(unsigned char *buf, size_t len, uint64_t seed, uint64_t i)
{
    uint64_t st = seed ^ (i * 0xd1342543de82ef95ULL);
    size_t o = 0;
    for (; o + 8 <= len; o += 8) {
        uint64_t v = rng_next(&st);
        memcpy(buf + o, &v, 8);
    }
    uint64_t v = rng_next(&st);
    memcpy(buf + o, &v, len - o);
}

struct uploader {
    const struct config *cfg;
    const struct s3_target *target;
    const struct keylist *keys;
    _Atomic uint64_t *next;
    _Atomic uint64_t *bytes;
    pthread_t tid;
    int rc;
    char err[512];
};

/* Uploads the next object until none is left or one fails. */
static void *uploader_main(void *arg)
{
    struct uploader *u = arg;
    const struct config *cfg = u->cfg;
    unsigned char *buf = NULL;
    struct s3_client *c = malloc(sizeof *c);
    u->rc = -1;
    if (!c || !(buf = malloc(cfg->size_max ? cfg->size_max : 1))) {
        errmsg_set(u->err, sizeof u->err, "out of memory");
        goto cleanup;
    }
    if (s3_client_init(c, u->target, u->err, sizeof u->err) != 0)
        goto cleanup;
    for (;;) {
        uint64_t i = atomic_fetch_add(u->next, 1);
        if (i >= u->keys->count)
            break;
        uint64_t size = u->keys->items[i].size;
        populate_fill(buf, size, cfg->seed, i);
        struct s3_result r;
        if (s3_put_object(c, cfg->bucket, keylist_key(u->keys, i), u->keys->items[i].len,
                          buf, size, &r) != 0) {
            char why[768];
            s3_result_describe(&r, why, sizeof why);
            errmsg_set(u->err, sizeof u->err, "PutObject #%llu: %s", (unsigned long long)i, why);
            /* Stop the others too: a bucket half filled is not worth more uploads. */
            atomic_store(u->next, u->keys->count);
            goto cleanup_client;
        }
        atomic_fetch_add(u->bytes, size);
    }
    u->rc = 0;
cleanup_client:
    s3_client_cleanup(c);
cleanup:
    free(c);
    free(buf);
    return NULL;
}

/* Reads NUL-separated key names from path into keys, sizes by seed. */
static int keys_from_file(const struct config *cfg, struct keylist *keys, char *err, size_t errlen)
{
    int rc = -1;
    char *line = NULL;
    size_t cap = 0;
    FILE *f = fopen(cfg->keys_from, "rb");
    if (!f) {
        errmsg_set(err, errlen, "cannot open %s: %s", cfg->keys_from, strerror(errno));
        return -1;
    }
    ssize_t n;
    while ((n = getdelim(&line, &cap, '\0', f)) > 0) {
        size_t len = (size_t)n;
        if (line[len - 1] == '\0')
            len--;
        if (len == 0)
            continue;
        if (keylist_add(keys, line, len, populate_size(cfg->seed, keys->count, cfg->size_min, cfg->size_max)) != 0) {
            errmsg_set(err, errlen, "out of memory");
            goto cleanup;
        }
    }
    if (ferror(f)) {
        errmsg_set(err, errlen, "reading %s: %s", cfg->keys_from, strerror(errno));
        goto cleanup;
    }
    rc = 0;
cleanup:
    free(line);
    fclose(f);
    return rc;
}

/* Names objects obj-0000000 ... with sizes by seed. */
static int keys_generate(const struct config *cfg, struct keylist *keys, char *err, size_t errlen)
{
    for (long i = 0; i < cfg->populate_count; i++) {
        char name[32];
        int n = snprintf(name, sizeof name, "obj-%07ld", i);
        if (n < 0 || (size_t)n >= sizeof name ||
            keylist_add(keys, name, (size_t)n, populate_size(cfg->seed, (uint64_t)i, cfg->size_min, cfg->size_max)) != 0) {
            errmsg_set(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

int populate_run(const struct config *cfg, const struct s3_target *t, char *err, size_t errlen)
{
    int rc = -1, n = cfg->concurrency > 0 ? cfg->concurrency : 8, started = 0;
    struct keylist keys;
    keylist_init(&keys);
    struct uploader *us = NULL;
    struct s3_client c;
    struct s3_result r;
    _Atomic uint64_t next = 0, bytes = 0;

    if (s3_client_init(&c, t, err, errlen) != 0)
        goto cleanup;
    int created = s3_create_bucket(&c, cfg->bucket, &r);
    s3_client_cleanup(&c);
    if (created != 0) {
        char why[768];
        s3_result_describe(&r, why, sizeof why);
        errmsg_set(err, errlen, "CreateBucket s3://%s: %s", cfg->bucket, why);
        goto cleanup;
    }
    if ((cfg->keys_from[0] ? keys_from_file(cfg, &keys, err, errlen)
                            : keys_generate(cfg, &keys, err, errlen)) != 0)
        goto cleanup;
    if ((size_t)n > keys.count)
        n = keys.count ? (int)keys.count : 1;
    us = calloc((size_t)n, sizeof *us);
    if (!us) {
        errmsg_set(err, errlen, "out of memory");
        goto cleanup;
    }
    for (; started < n; started++) {
        us[started] = (struct uploader){.cfg = cfg, .target = t, .keys = &keys, .next = &next, .bytes = &bytes};
        int e = pthread_create(&us[started].tid, NULL, uploader_main, &us[started]);
        if (e != 0) {
            errmsg_set(err, errlen, "cannot start thread: %s", strerror(e));
            break;
        }
    }
    rc = started == n ? 0 : -1;
    for (int i = 0; i < started; i++) {
        pthread_join(us[i].tid, NULL);
        if (us[i].rc != 0 && rc == 0) {
            errmsg_set(err, errlen, "%s", us[i].err);
            rc = -1;
        }
    }
    if (rc == 0)
        fprintf(stderr, "s3bench: populated s3://%s with %zu objects, %.1f MiB\n", cfg->bucket,
                keys.count, (double)atomic_load(&bytes) / (1024.0 * 1024.0));
cleanup:
    free(us);
    keylist_free(&keys);
    return rc;
}
