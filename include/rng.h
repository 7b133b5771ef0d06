#ifndef S3BENCH_RNG_H
#define S3BENCH_RNG_H
/* splitmix64: a tiny, well-mixed generator. The same state gives the same
 * numbers on every machine (populate's buckets depend on it); each user
 * keeps its own state, so nothing is shared between workers. */
#include <stdint.h>

/* The next 64 random bits; advances *state. */
uint64_t rng_next(uint64_t *state);

/* A double uniform in [0, 1); advances *state. */
double rng_unit(uint64_t *state);

#endif
