/* retry: which outcomes are tried again, and backoff that grows, is capped
 * and is spread by full jitter. */
#include "testutil.h"

#include "retry.h"

static struct s3_result outcome(long status, CURLcode code, const char *s3code, int64_t cl, uint64_t bytes)
{
    struct s3_result r;
    memset(&r, 0, sizeof r);
    r.status = status;
    r.curl_code = code;
    r.content_length = cl;
    r.bytes = bytes;
    snprintf(r.s3err.code, sizeof r.s3err.code, "%s", s3code);
    return r;
}

static void test_should(void **state)
{
    (void)state;
    static const struct {
        long status;
        CURLcode code;
        const char *s3code;
        int64_t cl;
        uint64_t bytes;
        int want;
    } cases[] = {
        {200, CURLE_OK, "", 10, 10, 0},                 /* success */
        {200, CURLE_OK, "", 10, 4, 1},                  /* body short of Content-Length */
        {200, CURLE_OK, "", -1, 4, 0},                  /* no length to compare */
        {206, CURLE_OK, "", 10, 10, 0},
        {500, CURLE_OK, "InternalError", -1, 0, 1},
        {502, CURLE_OK, "", -1, 0, 1},
        {503, CURLE_OK, "SlowDown", -1, 0, 1},
        {504, CURLE_OK, "", -1, 0, 1},
        {408, CURLE_OK, "", -1, 0, 1},
        {429, CURLE_OK, "", -1, 0, 1},
        {400, CURLE_OK, "RequestTimeout", -1, 0, 1},    /* S3's own timeout code */
        {400, CURLE_OK, "InvalidArgument", -1, 0, 0},
        {403, CURLE_OK, "SignatureDoesNotMatch", -1, 0, 0},
        {403, CURLE_OK, "AccessDenied", -1, 0, 0},
        {404, CURLE_OK, "NoSuchKey", -1, 0, 0},
        {501, CURLE_OK, "NotImplemented", -1, 0, 0},
        {0, CURLE_COULDNT_CONNECT, "", -1, 0, 1},       /* refused */
        {0, CURLE_RECV_ERROR, "", -1, 0, 1},            /* reset */
        {0, CURLE_SEND_ERROR, "", -1, 0, 1},
        {0, CURLE_GOT_NOTHING, "", -1, 0, 1},
        {200, CURLE_PARTIAL_FILE, "", 10, 5, 1},        /* cut short */
        {0, CURLE_OPERATION_TIMEDOUT, "", -1, 0, 1},    /* stalled */
        {0, CURLE_COULDNT_RESOLVE_HOST, "", -1, 0, 0},  /* a typo, not a fault */
        {0, CURLE_PEER_FAILED_VERIFICATION, "", -1, 0, 0},
        {0, CURLE_ABORTED_BY_CALLBACK, "", -1, 0, 0},   /* we stopped it */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct s3_result r = outcome(cases[i].status, cases[i].code, cases[i].s3code, cases[i].cl, cases[i].bytes);
        int got = retry_should(&r);
        if (got != cases[i].want)
            fail_msg("case %zu (status %ld, curl %d, %s): got %d, want %d", i, cases[i].status,
                     (int)cases[i].code, cases[i].s3code, got, cases[i].want);
    }
}

/* Waits stay below the doubling ceiling, reach near it (full jitter uses
 * the whole range), never pass the cap, and differ between workers. */
static void test_backoff(void **state)
{
    (void)state;
    uint64_t rng = 42;
    for (int attempt = 1; attempt <= 12; attempt++) {
        double ceiling = RETRY_BASE_SECONDS;
        for (int i = 1; i < attempt; i++)
            ceiling *= 2;
        if (ceiling > RETRY_CAP_SECONDS)
            ceiling = RETRY_CAP_SECONDS;
        double lo = ceiling, hi = 0, sum = 0;
        for (int k = 0; k < 2000; k++) {
            double w = retry_backoff(attempt, &rng);
            if (w < 0 || w >= ceiling)
                fail_msg("attempt %d: wait %f outside [0, %f)", attempt, w, ceiling);
            lo = w < lo ? w : lo;
            hi = w > hi ? w : hi;
            sum += w;
        }
        /* Uniform on [0, ceiling): the mean is half of it, the extremes near its ends. */
        assert_true(lo < ceiling * 0.01);
        assert_true(hi > ceiling * 0.99);
        double mean = sum / 2000;
        if (mean < ceiling * 0.45 || mean > ceiling * 0.55)
            fail_msg("attempt %d: mean %f, want about %f", attempt, mean, ceiling / 2);
    }
    uint64_t a = 1, b = 2;
    assert_true(retry_backoff(3, &a) != retry_backoff(3, &b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_should),
        cmocka_unit_test(test_backoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
