#ifndef S3BENCH_POPULATE_H
#define S3BENCH_POPULATE_H
/* `s3bench populate`: creates a bucket if missing and fills it with objects
 * of deterministic content and sizes, in parallel, so any S3 server (the
 * local gateway, MinIO, AWS) can be prepared for a benchmark. */
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "s3.h"

/* The size of object i for seed: min when min == max, otherwise spread
 * log-uniformly over [min, max] so small and large objects both occur. */
uint64_t populate_size(uint64_t seed, uint64_t i, uint64_t min, uint64_t max);

/* Fills buf with the deterministic content of object i. */
void populate_fill(unsigned char *buf, size_t len, uint64_t seed, uint64_t i);

/* Creates cfg->bucket and uploads cfg->populate_count objects (named
 * obj-0000000 ..., or taken from cfg->keys_from) with cfg->concurrency
 * threads. Returns 0, or -1 with a message in err. */
int populate_run(const struct config *cfg, const struct s3_target *t, char *err, size_t errlen);

#endif
