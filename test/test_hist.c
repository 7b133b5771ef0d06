/* hist: percentiles within the promised 1/64 of known distributions, exact
 * below 128 µs, merging equal to recording everything in one, and bounded
 * memory whatever the number of samples. */
#include "testutil.h"

#include <math.h>

#include "hist.h"

/* |got - want| <= want/64 (plus one for integer rounding), with both values
 * printed when it is not. */
static void assert_close(uint64_t got, uint64_t want, const char *what)
{
    double tol = (double)want / 64.0 + 1.0;
    if (fabs((double)got - (double)want) > tol)
        fail_msg("%s: got %llu, want %llu +- %.0f", what, (unsigned long long)got,
                 (unsigned long long)want, tol);
}

static struct hist *hist_new(void)
{
    struct hist *h = malloc(sizeof *h);
    assert_non_null(h);
    hist_init(h);
    return h;
}

static void test_empty(void **state)
{
    (void)state;
    struct hist *h = hist_new();
    assert_int_equal(hist_percentile(h, 50), 0);
    assert_int_equal(hist_percentile(h, 100), 0);
    assert_true(hist_mean(h) == 0.0);
    free(h);
}

/* Below 128 µs every value has its own bucket: percentiles are exact. */
static void test_exact_small(void **state)
{
    (void)state;
    struct hist *h = hist_new();
    for (uint64_t v = 1; v <= 100; v++)
        hist_record(h, v);
    assert_int_equal(hist_percentile(h, 50), 50);
    assert_int_equal(hist_percentile(h, 90), 90);
    assert_int_equal(hist_percentile(h, 99), 99);
    assert_int_equal(hist_percentile(h, 100), 100);
    assert_int_equal(hist_percentile(h, 0), 1);
    assert_true(fabs(hist_mean(h) - 50.5) < 1e-9);
    free(h);
}

/* Uniform on [1 ms, 1 s]: the p-th percentile is at p% of the range. */
static void test_uniform(void **state)
{
    (void)state;
    struct hist *h = hist_new();
    const uint64_t lo = 1000, hi = 1000000, step = 7;
    uint64_t n = 0;
    for (uint64_t v = lo; v <= hi; v += step, n++)
        hist_record(h, v);
    assert_int_equal(h->count, n);
    static const double pcts[] = {50, 90, 99, 99.9};
    for (size_t i = 0; i < sizeof pcts / sizeof pcts[0]; i++) {
        uint64_t rank = (uint64_t)ceil(pcts[i] / 100.0 * (double)n);
        char what[32];
        snprintf(what, sizeof what, "p%g", pcts[i]);
        assert_close(hist_percentile(h, pcts[i]), lo + (rank - 1) * step, what);
    }
    assert_int_equal(hist_percentile(h, 100), h->max);
    free(h);
}

/* Exponential with mean 20 ms from an inverse CDF over evenly spaced
 * probabilities: quantile(p) = -mean * ln(1 - p). A long tail like real
 * latencies, spanning several octaves. */
static void test_exponential(void **state)
{
    (void)state;
    struct hist *h = hist_new();
    const double mean = 20000;
    const uint64_t n = 200000;
    for (uint64_t i = 0; i < n; i++) {
        double p = ((double)i + 0.5) / (double)n;
        hist_record(h, (uint64_t)llround(-mean * log1p(-p)));
    }
    assert_close(hist_percentile(h, 50), (uint64_t)(-mean * log(0.5)), "p50");
    assert_close(hist_percentile(h, 90), (uint64_t)(-mean * log(0.1)), "p90");
    assert_close(hist_percentile(h, 99), (uint64_t)(-mean * log(0.01)), "p99");
    assert_true(fabs(hist_mean(h) - mean) < mean / 100);
    free(h);
}

/* Two workers' histograms merged answer as one that saw every value. */
static void test_merge(void **state)
{
    (void)state;
    struct hist *a = hist_new(), *b = hist_new(), *all = hist_new();
    for (uint64_t v = 1; v < 500000; v = v * 3 / 2 + 1) {
        hist_record(v % 2 ? a : b, v);
        hist_record(all, v);
    }
    hist_merge(a, b);
    assert_int_equal(a->count, all->count);
    assert_int_equal(a->min, all->min);
    assert_int_equal(a->max, all->max);
    assert_int_equal(a->sum, all->sum);
    assert_memory_equal(a->buckets, all->buckets, sizeof a->buckets);
    free(a);
    free(b);
    free(all);
}

/* Past the top the value lands in the last bucket, max stays exact, and
 * every bucket boundary keeps a value within 1/64. */
static void test_range_and_bounds(void **state)
{
    (void)state;
    struct hist *h = hist_new();
    hist_record(h, UINT64_MAX / 2);
    assert_int_equal(h->buckets[HIST_BUCKETS - 1], 1);
    assert_int_equal(hist_percentile(h, 100), UINT64_MAX / 2);
    free(h);
    for (uint64_t v = 100; v < ((uint64_t)1 << 40); v = v + v / 3 + 1) {
        h = hist_new();
        hist_record(h, v);
        hist_record(h, v + 1);
        /* The p50 of {v, v+1} is v, reported as its bucket's top. */
        assert_close(hist_percentile(h, 50), v, "bucket top");
        free(h);
    }
    /* Bounded: the size does not depend on how many values were seen. */
    assert_true(sizeof(struct hist) < 20 * 1024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),       cmocka_unit_test(test_exact_small),
        cmocka_unit_test(test_uniform),     cmocka_unit_test(test_exponential),
        cmocka_unit_test(test_merge),       cmocka_unit_test(test_range_and_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
