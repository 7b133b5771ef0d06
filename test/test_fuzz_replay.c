/* Replays every saved fuzz input, the seed corpus and the regressions (crash
 * inputs kept once fixed), through the fuzz targets of test/fuzz/ built with
 * the ordinary compiler: a fixed crash stays fixed in `make test`, and under
 * `make SANITIZE=address,undefined test` with the sanitizers watching.
 * A broken invariant aborts with the target's message, which run.sh counts
 * as a failure. */
#include "testutil.h"

#include <dirent.h>

/* Each target defines LLVMFuzzerTestOneInput: include each under its own name. */
#define LLVMFuzzerTestOneInput fuzz_listxml_one
#include "fuzz/fuzz_listxml.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_urienc_one
#include "fuzz/fuzz_urienc.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_config_one
#include "fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_creds_one
#include "fuzz/fuzz_creds.c"
#undef LLVMFuzzerTestOneInput

typedef int (*fuzz_fn)(const uint8_t *, size_t);

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Feeds every file of test/fuzz/<kind>/<name> to fn, in name order; returns
 * how many. A missing folder is zero files. */
static size_t replay_dir(const char *kind, const char *name, fuzz_fn fn)
{
    char dir[256];
    snprintf(dir, sizeof dir, "test/fuzz/%s/%s", kind, name);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < sizeof names / sizeof names[0]) {
        if (e->d_name[0] == '.')
            continue;
        names[n] = strdup(e->d_name);
        assert_non_null(names[n]);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "rb");
        if (!f)
            fail_msg("cannot open %s", path);
        uint8_t *buf = malloc(FUZZ_MAX_INPUT + 1);
        assert_non_null(buf);
        size_t len = fread(buf, 1, FUZZ_MAX_INPUT + 1, f);
        fclose(f);
        /* Exactly len bytes, as libFuzzer passes them, so ASan sees overreads. */
        uint8_t *exact = malloc(len ? len : 1);
        assert_non_null(exact);
        memcpy(exact, buf, len);
        free(buf);
        fn(exact, len);
        free(exact);
        free(names[i]);
    }
    return n;
}

static void replay(const char *name, fuzz_fn fn)
{
    size_t seeds = replay_dir("corpus", name, fn);
    size_t regressions = replay_dir("regressions", name, fn);
    assert_true(seeds > 0);
    print_message("fuzz_%s: %zu seeds, %zu regressions replayed\n", name, seeds, regressions);
}

static void test_listxml(void **state)
{
    (void)state;
    replay("listxml", fuzz_listxml_one);
}

static void test_urienc(void **state)
{
    (void)state;
    replay("urienc", fuzz_urienc_one);
}

static void test_config(void **state)
{
    (void)state;
    replay("config", fuzz_config_one);
}

static void test_creds(void **state)
{
    (void)state;
    replay("creds", fuzz_creds_one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listxml),
        cmocka_unit_test(test_urienc),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_creds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
