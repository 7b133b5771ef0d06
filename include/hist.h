#ifndef S3BENCH_HIST_H
#define S3BENCH_HIST_H
/* Latency histograms of bounded memory, HdrHistogram style: log-linear
 * buckets, exact below 128 µs, then 64 buckets per power of two, so any
 * value is known to within 1/64 (1.6%) whatever the run's length. Each
 * worker records into its own; they are merged once at the end (wrk's way),
 * and percentiles are read from the counts: no sample is kept or sorted. */
#include <stdint.h>

#define HIST_SUB_BITS 7                         /* 128 exact values, then 64 per octave */
#define HIST_MAX_EXP 39                         /* 2^40 µs, about 12 days, is the top */
#define HIST_BUCKETS ((1u << HIST_SUB_BITS) + \
                      (HIST_MAX_EXP - HIST_SUB_BITS + 1) * (1u << (HIST_SUB_BITS - 1)))

struct hist {
    uint64_t count;
    uint64_t min, max;  /* exact, µs; min is UINT64_MAX while empty */
    uint64_t sum;       /* µs, for the mean */
    uint64_t buckets[HIST_BUCKETS];
};

/* Empties h. */
void hist_init(struct hist *h);

/* Counts one value in microseconds. Values past the top land in the top
 * bucket; max still holds them exactly. */
void hist_record(struct hist *h, uint64_t us);

/* Adds every count of src into dst. */
void hist_merge(struct hist *dst, const struct hist *src);

/* The value at or below which pct percent (0 to 100) of the values lie: the
 * highest value of the bucket holding that rank, never above max. 0 for an
 * empty histogram. */
uint64_t hist_percentile(const struct hist *h, double pct);

/* The mean in microseconds; 0 for an empty histogram. */
double hist_mean(const struct hist *h);

#endif
