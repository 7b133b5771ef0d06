/* tabulate: result file names read from the right, reference CSVs with keys
 * of any bytes, the median run per cell, and the table and chart files. */
#include "testutil.h"

#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tabulate.h"

static void test_names(void **state)
{
    (void)state;
    static const struct {
        const char *name, *tag, *group, *mode;
        int c, cpus;
    } ok[] = {
        {"result_s3bench_thread_8.csv", "s3bench", "s3bench", "thread", 8, 0},
        {"dir/x/result_fargate-2vcpu_process_16.csv", "fargate-2vcpu", "fargate-2vcpu", "process", 16, 2},
        {"result_sweep-1cpu-r2_thread_4.csv", "sweep-1cpu-r2", "sweep-1cpu", "thread", 4, 1},
        {"result_a_b_c_thread_1.csv", "a_b_c", "a_b_c", "thread", 1, 0},
        {"result_run-r_thread_2.csv", "run-r", "run-r", "thread", 2, 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct tab_run r;
        memset(&r, 0, sizeof r);
        if (tab_parse_name(ok[i].name, &r) != 0)
            fail_msg("%s: refused", ok[i].name);
        assert_string_equal(r.tag, ok[i].tag);
        assert_string_equal(r.group, ok[i].group);
        assert_string_equal(r.mode, ok[i].mode);
        assert_int_equal(r.concurrency, ok[i].c);
        assert_int_equal(r.cpus, ok[i].cpus);
    }
    static const char *const bad[] = {
        "result_thread_8.csv", "result__thread_8.csv", "result_t_thread_.csv", "result_t_thread_0.csv",
        "result_t_thread_8.txt", "results_t_thread_8.csv", "result_t__8.csv", "table.csv",
        "result_t_thread_8x.csv", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct tab_run r;
        if (tab_parse_name(bad[i], &r) == 0)
            fail_msg("'%s' taken as a result name", bad[i]);
    }
}

/* Keys with commas, quotes and line breaks stay one field; a failed row
 * (empty CalcSize) and a mismatched one count as failed, not as bytes. */
static void test_csv(void **state)
{
    (void)state;
    static const char csv[] =
        "Key (time = 2.500000) sec,Size,CalcSize\r\n"
        "plain,100,100\r\n"
        "\"a,b\",10,10\r\n"
        "\"quote\"\"d\nnewline\r\n\",5,5\r\n"
        "failed,7,\r\n"
        "short,8,4\r\n"
        "zero,0,0\r\n";
    static const char json[] = "{\"latency_p50_ms\":1.5,\"latency_p99_ms\":9.25,"
                               "\"cpu_user_seconds\":0.5,\"cpu_system_seconds\":0.25}";
    struct tab t;
    tab_init(&t);
    char err[256];
    if (tab_add(&t, "result_x_thread_4.csv", csv, sizeof csv - 1, json, sizeof json - 1, err, sizeof err) != 0)
        fail_msg("tab_add: %s", err);
    assert_int_equal(t.count, 1);
    const struct tab_run *r = &t.runs[0];
    assert_true(r->seconds == 2.5);
    assert_int_equal(r->objects, 6);
    assert_int_equal(r->failed, 2);
    assert_int_equal(r->bytes, 115);
    assert_true(r->p50_ms == 1.5 && r->p99_ms == 9.25 && r->cpu_seconds == 0.75);

    /* Without a summary the CSV alone still makes a run; the rest unknown. */
    assert_int_equal(tab_add(&t, "result_x_thread_8.csv", csv, sizeof csv - 1, NULL, 0, err, sizeof err), 0);
    assert_true(isnan(t.runs[1].p50_ms) && isnan(t.runs[1].cpu_seconds));

    static const char *const broken[] = {
        "", "Key,Size,CalcSize\r\n", "Key (time = 1) sec,Size,CalcSize\r\n\"open,1,1\r\n",
        "Key (time = 1) sec,Size,CalcSize\r\nk,notanumber,1\r\n",
        "Key (time = 1) sec,Size,CalcSize\r\nk,1,1,extra\r\n",
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        if (tab_add(&t, "result_x_thread_1.csv", broken[i], strlen(broken[i]), NULL, 0, err, sizeof err) == 0)
            fail_msg("broken CSV %zu taken", i);
        assert_non_null(strstr(err, "result_x_thread_1.csv"));
    }
    assert_int_equal(t.count, 2);
    tab_free(&t);
}

/* Adds a run of the given tag, mode and concurrency lasting seconds. */
static void add_run(struct tab *t, const char *tag, const char *mode, int c, double seconds)
{
    char name[128], csv[128], err[256];
    snprintf(name, sizeof name, "result_%s_%s_%d.csv", tag, mode, c);
    snprintf(csv, sizeof csv, "Key (time = %f) sec,Size,CalcSize\r\nk1,1048576,1048576\r\nk2,1048576,1048576\r\n", seconds);
    if (tab_add(t, name, csv, strlen(csv), NULL, 0, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* Repetitions share a cell, whose figures are its median run's; cells are
 * sorted by group, mode and concurrency. */
static void test_rows(void **state)
{
    (void)state;
    struct tab t;
    tab_init(&t);
    add_run(&t, "sw-2cpu-r1", "thread", 4, 3.0);
    add_run(&t, "sw-2cpu-r2", "thread", 4, 1.0);
    add_run(&t, "sw-2cpu-r3", "thread", 4, 2.0);
    add_run(&t, "sw-2cpu-r1", "thread", 1, 4.0);
    add_run(&t, "sw-2cpu-r1", "process", 1, 5.0);
    add_run(&t, "sw-2cpu-r2", "process", 1, 6.0);
    struct tab_row *rows;
    size_t n;
    assert_int_equal(tab_rows(&t, &rows, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].run.mode, "process");
    assert_int_equal(rows[0].runs, 2);
    assert_true(rows[0].run.seconds == 5.0); /* even count: the faster middle */
    assert_string_equal(rows[1].run.mode, "thread");
    assert_int_equal(rows[1].run.concurrency, 1);
    assert_int_equal(rows[2].run.concurrency, 4);
    assert_int_equal(rows[2].runs, 3);
    assert_true(rows[2].run.seconds == 2.0);
    assert_int_equal(rows[2].run.cpus, 2);

    char *md = NULL;
    size_t mdlen = 0;
    FILE *f = open_memstream(&md, &mdlen);
    assert_non_null(f);
    assert_int_equal(tab_write_markdown(f, rows, n), 0);
    fclose(f);
    /* 2 MiB in 2 s, 2 objects in 2 s, no summary: percentiles left empty. */
    assert_non_null(strstr(md, "| sw-2cpu | thread | 2 | 4 | 2.000 | 1.0 | 1.0 |  |  |  |\n"));
    free(md);
    free(rows);
    tab_free(&t);
}

/* A directory of result files gives table.csv, table.md, chart.svg and
 * chart.png; other files in it are passed over. */
static void test_dir_and_chart(void **state)
{
    (void)state;
    char dir[] = "/tmp/s3bench-tabulate-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const char *const files[][2] = {
        {"result_t-1cpu_thread_1.csv", "Key (time = 2.0) sec,Size,CalcSize\r\na,1048576,1048576\r\n"},
        {"result_t-1cpu_thread_2.csv", "Key (time = 1.0) sec,Size,CalcSize\r\na,1048576,1048576\r\n"},
        {"result_t-1cpu_process_1.csv", "Key (time = 2.5) sec,Size,CalcSize\r\na,1048576,1048576\r\n"},
        {"result_t-1cpu_process_1.json", "{\"latency_p50_ms\":3,\"latency_p99_ms\":4,"
                                         "\"cpu_user_seconds\":1,\"cpu_system_seconds\":1}"},
        {"notes.txt", "not a result"},
    };
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(files[i][1], f);
        fclose(f);
    }
    struct tab t;
    tab_init(&t);
    char err[512];
    long added = tab_add_dir(&t, dir, err, sizeof err);
    if (added < 0)
        fail_msg("tab_add_dir: %s", err);
    assert_int_equal(added, 3);
    struct tab_row *rows;
    size_t n;
    assert_int_equal(tab_rows(&t, &rows, &n), 0);
    assert_int_equal(n, 3);
    assert_true(rows[0].run.p50_ms == 3 && rows[0].run.cpu_seconds == 2);
    if (tab_write_all(dir, rows, n, err, sizeof err) != 0)
        fail_msg("tab_write_all: %s", err);
    static const char *const made[] = {"table.csv", "table.md", "chart.svg", "chart.png"};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, made[i]);
        if (stat(path, &st) != 0 || st.st_size < 100)
            fail_msg("%s missing or empty", path);
    }
    snprintf(path, sizeof path, "%s/table.csv", dir);
    FILE *f = fopen(path, "r");
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "t-1cpu,process,1,1,1,1,0,2.500000,0.4,0.40,3.000,4.000,2.00\n");
    fclose(f);
    free(rows);
    tab_free(&t);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);

    assert_int_equal(tab_add_dir(&t, "/nonexistent/dir", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/dir"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_dir_and_chart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
