/* progress: the line's figures, the 4-a-second throttle, and silence when
 * disabled. */
#include "testutil.h"

#include "progress.h"

static void test_format(void **state)
{
    (void)state;
    char buf[160];
    /* 250 of 1000 objects, 10 MiB in 5 s: 2 MiB/s, 15 s left. */
    progress_format(buf, sizeof buf, 250, 1000, 10u << 20, 5.0);
    assert_string_equal(buf, "250/1000 objects (25%), 10.0 MiB, 2.0 MiB/s, ETA 0:00:15");
    progress_format(buf, sizeof buf, 0, 46000, 0, 0.0);
    assert_string_equal(buf, "0/46000 objects (0%), 0.0 B, 0.0 B/s, ETA --:--");
    /* 118 GiB over an hour and a half, two thirds done: 45 minutes left. */
    progress_format(buf, sizeof buf, 30000, 45000, 118ull << 30, 5400.0);
    assert_string_equal(buf, "30000/45000 objects (67%), 118.0 GiB, 22.4 MiB/s, ETA 0:45:00");
    progress_format(buf, sizeof buf, 0, 0, 0, 1.0);
    assert_string_equal(buf, "0/0 objects (100%), 0.0 B, 0.0 B/s, ETA --:--");
    /* A small buffer cuts the line, terminated. */
    assert_int_equal(progress_format(buf, 8, 250, 1000, 0, 1.0), 7);
    assert_string_equal(buf, "250/100");
}

static void test_throttle(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    struct progress p;
    progress_init(&p, f, 100, 10.0);
    assert_int_equal(progress_update(&p, 1, 1, 10.0), 1);  /* the first draws at once */
    assert_int_equal(progress_update(&p, 2, 2, 10.1), 0);
    assert_int_equal(progress_update(&p, 3, 3, 10.24), 0);
    assert_int_equal(progress_update(&p, 4, 4, 10.25), 1);
    int drawn = 0;
    for (int i = 0; i < 1000; i++)  /* a second of updates every millisecond */
        drawn += progress_update(&p, 5, 5, 11.0 + i / 1000.0);
    assert_int_equal(drawn, 4);
    progress_end(&p);
    fclose(f);
    assert_non_null(strstr(out, "\r4/100 objects"));
    assert_int_equal(out[len - 1], '\r'); /* ends on a blanked line */
    free(out);
}

static void test_disabled(void **state)
{
    (void)state;
    struct progress p;
    progress_init(&p, NULL, 100, 0.0);
    assert_int_equal(progress_update(&p, 1, 1, 1.0), 0);
    progress_end(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_throttle),
        cmocka_unit_test(test_disabled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
