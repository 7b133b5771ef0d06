#include "hist.h"

#include <math.h>
#include <string.h>

#define SUB (1u << HIST_SUB_BITS)
#define HALF (SUB / 2)

void hist_init(struct hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

/* The bucket of v: v itself below SUB; above, the octave's exponent picks a
 * row of HALF buckets and the bits after the leading one pick the column. */
static unsigned bucket_of(uint64_t v)
{
    if (v < SUB)
        return (unsigned)v;
    unsigned e = 63u - (unsigned)__builtin_clzll(v);
    if (e > HIST_MAX_EXP)
        return HIST_BUCKETS - 1;
    unsigned shift = e - (HIST_SUB_BITS - 1);
    unsigned col = (unsigned)(v >> shift) - HALF;
    return SUB + (e - HIST_SUB_BITS) * HALF + col;
}

/* The highest value that falls into bucket i. */
static uint64_t bucket_high(unsigned i)
{
    if (i < SUB)
        return i;
    unsigned k = i - SUB;
    unsigned e = HIST_SUB_BITS + k / HALF;
    unsigned shift = e - (HIST_SUB_BITS - 1);
    uint64_t low = (uint64_t)(HALF + k % HALF) << shift;
    return low + ((uint64_t)1 << shift) - 1;
}

void hist_record(struct hist *h, uint64_t us)
{
    h->buckets[bucket_of(us)]++;
    h->count++;
    h->sum += us;
    if (us < h->min)
        h->min = us;
    if (us > h->max)
        h->max = us;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
    for (unsigned i = 0; i < HIST_BUCKETS; i++)
        dst->buckets[i] += src->buckets[i];
    dst->count += src->count;
    dst->sum += src->sum;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
}

uint64_t hist_percentile(const struct hist *h, double pct)
{
    if (h->count == 0)
        return 0;
    if (pct <= 0)
        return h->min;
    /* The rank is the smallest n with n >= pct% of count: the nearest-rank
     * definition, so p100 is the largest value and p50 of {1, 2} is 1. */
    double want = ceil(pct / 100.0 * (double)h->count);
    uint64_t rank = want < 1 ? 1 : want >= (double)h->count ? h->count : (uint64_t)want;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            uint64_t v = bucket_high(i);
            if (v > h->max)
                v = h->max;
            return v < h->min ? h->min : v;
        }
    }
    return h->max;
}

double hist_mean(const struct hist *h)
{
    return h->count ? (double)h->sum / (double)h->count : 0.0;
}
