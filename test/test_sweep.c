/* sweep's list parsers: what the grid flags accept and how they refuse. */
#include "testutil.h"

#include "sweep.h"

static void test_ints(void **state)
{
    (void)state;
    int out[CONFIG_MAX_POINTS];
    char err[256];
    assert_int_equal(sweep_parse_ints("--concurrency", "1,2,4,8,16", 1, 4096, out, err, sizeof err), 5);
    assert_int_equal(out[0], 1);
    assert_int_equal(out[4], 16);
    assert_int_equal(sweep_parse_ints("--cpus", "2", 1, 1024, out, err, sizeof err), 1);
    assert_int_equal(out[0], 2);
    static const char *const bad[] = {"", "1,,2", "1,2,", ",1", "a", "1;2", "0", "4097", "-1", "1,1", "2 ,4",
                                      "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        if (sweep_parse_ints("--concurrency", bad[i], 1, 4096, out, err, sizeof err) != -1)
            fail_msg("'%s' accepted", bad[i]);
        assert_non_null(strstr(err, "--concurrency"));
    }
    char many[200] = "1";
    for (int i = 2; i <= CONFIG_MAX_POINTS + 1; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), ",%d", i);
    assert_int_equal(sweep_parse_ints("-c", many, 1, 4096, out, err, sizeof err), -1);
    assert_non_null(strstr(err, "at most"));
}

static void test_modes(void **state)
{
    (void)state;
    enum config_mode m[2];
    char err[256];
    assert_int_equal(sweep_parse_modes("thread,process", m, err, sizeof err), 2);
    assert_int_equal(m[0], CONFIG_MODE_THREAD);
    assert_int_equal(m[1], CONFIG_MODE_PROCESS);
    assert_int_equal(sweep_parse_modes("process", m, err, sizeof err), 1);
    assert_int_equal(m[0], CONFIG_MODE_PROCESS);
    static const char *const bad[] = {"", "threads", "thread,thread", "thread,", "fork"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sweep_parse_modes(bad[i], m, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ints),
        cmocka_unit_test(test_modes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
