/* Unit tests for config_load: environment and flags merged and validated.
 * Hermetic: every case passes its own environment array, none reads the
 * process's. */
#include "testutil.h"

#include "config.h"

#include <unistd.h>

#define SECRET "SeCrEtVaLuE/x9Zq+DoNotLeak"
#define TOKEN "ToKeNvAlUe-ShouldNeverShow"

/* The container's environment: the six variables plus credentials. */
static const char *const base_env[] = {
    "PATH=/usr/bin",
    "BUCKET_NAME=bench-data",
    "RESULT_BUCKET_NAME=bench-results",
    "CONCURRENCY=16",
    "AWS_ENDPOINT_URL=http://minio:9000",
    "MODE=process",
    "TAG=fargate-1",
    "AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY=" SECRET,
    "AWS_SESSION_TOKEN=" TOKEN,
    NULL,
};

#define MAX_ENV 32
#define MAX_ARGS 32

/* Builds into out[MAX_ENV] the base environment with `changes` applied:
 * "NAME=value" replaces or adds NAME, a bare "NAME" removes it. */
static void build_env(char **out, const char *const *base, const char *const *changes)
{
    size_t n = 0;
    for (size_t i = 0; base && base[i]; i++) {
        size_t nlen = strcspn(base[i], "=");
        int drop = 0;
        for (size_t j = 0; changes && changes[j]; j++)
            if (strncmp(changes[j], base[i], nlen) == 0 &&
                (changes[j][nlen] == '=' || changes[j][nlen] == '\0'))
                drop = 1;
        if (!drop) {
            assert_true(n < MAX_ENV - 1);
            out[n++] = (char *)base[i];
        }
    }
    for (size_t j = 0; changes && changes[j]; j++) {
        if (strchr(changes[j], '=')) {
            assert_true(n < MAX_ENV - 1);
            out[n++] = (char *)changes[j];
        }
    }
    out[n] = NULL;
}

/* Runs config_load with argv = "s3bench" + args and the base environment
 * changed by `changes`. Returns config_load's result. */
static int load(struct config *cfg, const char *const *args, const char *const *changes,
                char *err, size_t errlen)
{
    char *env[MAX_ENV];
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    argv[argc++] = "s3bench";
    for (size_t i = 0; args && args[i]; i++) {
        assert_true(argc < MAX_ARGS);
        argv[argc++] = (char *)args[i];
    }
    argv[argc] = NULL;
    char *saved[MAX_ARGS + 1];
    memcpy(saved, argv, sizeof argv);
    build_env(env, base_env, changes);
    int rc = config_load(cfg, argc, argv, env, err, errlen);
    /* getopt must not have permuted the caller's argv. */
    assert_memory_equal(saved, argv, sizeof argv);
    return rc;
}

#define A(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE NULL

/* ---- good configurations ---------------------------------------------- */

static void test_env_only_container(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    assert_int_equal(load(&c, NONE, NONE, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_int_equal(c.command, CONFIG_CMD_RUN);
    assert_int_equal(c.show_usage, 0);
    assert_string_equal(c.bucket, "bench-data");
    assert_string_equal(c.result_bucket, "bench-results");
    assert_int_equal(c.concurrency, 16);
    assert_string_equal(c.endpoint, "http://minio:9000");
    assert_int_equal(c.mode, CONFIG_MODE_PROCESS);
    assert_string_equal(c.tag, "fargate-1");
    assert_string_equal(c.region, "us-east-1");
    assert_string_equal(c.out_dir, ".");
    assert_string_equal(c.prefix, "");
    assert_int_equal(c.no_upload, 0);
    assert_int_equal(c.json, 0);
    assert_int_equal(c.verbose, 0);
    assert_string_equal(c.creds.value.access_key, "AKIDEXAMPLE");
    assert_string_equal(c.creds.value.secret_key, SECRET);
    assert_string_equal(c.creds.value.session_token, TOKEN);
    assert_string_equal(c.ca_bundle, "");
}

static void test_ca_bundle(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    assert_int_equal(load(&c, NONE, A("AWS_CA_BUNDLE=/etc/ssl/minio.pem"), err, sizeof err), 0);
    assert_string_equal(c.ca_bundle, "/etc/ssl/minio.pem");
    assert_int_equal(load(&c, A("populate", "--count", "1", "--size", "1"),
                          A("AWS_CA_BUNDLE=/ca.pem"), err, sizeof err),
                     0);
    assert_string_equal(c.ca_bundle, "/ca.pem");
    static char var[1100];
    int n = snprintf(var, sizeof var, "AWS_CA_BUNDLE=/%01050d", 0);
    assert_true(n > 0 && (size_t)n < sizeof var);
    assert_int_equal(load(&c, NONE, A(var), err, sizeof err), EXIT_USAGE);
    assert_non_null(strstr(err, "AWS_CA_BUNDLE is too long"));
    /* The flag beats the variable; --insecure is off unless given. */
    assert_int_equal(load(&c, A("--ca-bundle", "/test-ca.pem"), A("AWS_CA_BUNDLE=/ca.pem"), err,
                          sizeof err), 0);
    assert_string_equal(c.ca_bundle, "/test-ca.pem");
    assert_int_equal(c.insecure, 0);
    assert_int_equal(load(&c, A("--insecure"), NONE, err, sizeof err), 0);
    assert_int_equal(c.insecure, 1);
}

static void test_endpoint_and_addressing(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    /* The S3 service's own variable beats the general one; the flag both. */
    assert_int_equal(load(&c, NONE, A("AWS_ENDPOINT_URL_S3=http://s3only:1"), err, sizeof err), 0);
    assert_string_equal(c.endpoint, "http://s3only:1");
    assert_int_equal(load(&c, A("--endpoint", "https://flag"), A("AWS_ENDPOINT_URL_S3=http://s3only:1"),
                          err, sizeof err), 0);
    assert_string_equal(c.endpoint, "https://flag");
    assert_int_equal(load(&c, NONE, A("AWS_ENDPOINT_URL_S3="), err, sizeof err), 0);
    assert_string_equal(c.endpoint, "http://minio:9000");
    assert_int_equal(c.addressing, CONFIG_ADDR_AUTO);
    assert_int_equal(load(&c, A("--path-style"), NONE, err, sizeof err), 0);
    assert_int_equal(c.addressing, CONFIG_ADDR_PATH);
    assert_int_equal(load(&c, A("--virtual-hosted"), NONE, err, sizeof err), 0);
    assert_int_equal(c.addressing, CONFIG_ADDR_VIRTUAL);
    assert_int_equal(load(&c, A("--virtual-hosted"), A("AWS_ENDPOINT_URL"), err, sizeof err), 0);
    assert_string_equal(c.endpoint, "");
}

/* Writes text to a new temporary file whose name goes into path. */
static void temp_file(char *path, size_t cap, const char *text)
{
    int n = snprintf(path, cap, "/tmp/s3bench-test-config-XXXXXX");
    assert_true(n > 0 && (size_t)n < cap);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void test_profile_region_and_keys(void **state)
{
    (void)state;
    char cfgfile[64], var[96];
    temp_file(cfgfile, sizeof cfgfile,
              "[default]\nregion = eu-west-3\n"
              "[profile bench]\nregion = ap-south-2\naws_access_key_id = AKIDBENCH\n"
              "aws_secret_access_key = benchsecret\n"
              "[profile badregion]\nregion = eu west\n");
    int n = snprintf(var, sizeof var, "AWS_CONFIG_FILE=%s", cfgfile);
    assert_true(n > 0 && (size_t)n < sizeof var);
    struct config c;
    char err[256];
    /* The profile's region comes after the variables, before the default. */
    assert_int_equal(load(&c, NONE, A(var), err, sizeof err), 0);
    assert_string_equal(c.region, "eu-west-3");
    assert_int_equal(load(&c, NONE, A(var, "AWS_DEFAULT_REGION=us-west-1"), err, sizeof err), 0);
    assert_string_equal(c.region, "us-west-1");
    /* Environment keys still win over the profile's. */
    assert_int_equal(load(&c, NONE, A(var, "AWS_PROFILE=bench"), err, sizeof err), 0);
    assert_string_equal(c.region, "ap-south-2");
    assert_string_equal(c.creds.value.access_key, "AKIDEXAMPLE");
    assert_int_equal(load(&c, NONE, A(var, "AWS_PROFILE=bench", "AWS_ACCESS_KEY_ID",
                                      "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"), err, sizeof err), 0);
    assert_int_equal(c.creds.kind, CREDS_PROFILE);
    assert_string_equal(c.creds.value.access_key, "AKIDBENCH");
    assert_string_equal(c.creds.value.session_token, "");
    /* A bad region in the profile is named as such; an unknown profile is
     * a configuration error. */
    assert_int_equal(load(&c, NONE, A(var, "AWS_PROFILE=badregion"), err, sizeof err), EXIT_USAGE);
    assert_non_null(strstr(err, "the region of profile 'badregion' 'eu west' is not a valid region"));
    assert_int_equal(load(&c, NONE, A(var, "AWS_PROFILE=nosuch"), err, sizeof err), EXIT_USAGE);
    assert_non_null(strstr(err, "profile 'nosuch' (AWS_PROFILE) not found"));
    assert_int_equal(c.show_usage, 0);
    unlink(cfgfile);
}

static void test_defaults_when_optional_unset(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    assert_int_equal(load(&c, NONE,
                          A("MODE", "TAG", "RESULT_BUCKET_NAME", "AWS_ENDPOINT_URL",
                            "AWS_SESSION_TOKEN"),
                          err, sizeof err),
                     0);
    assert_int_equal(c.mode, CONFIG_MODE_THREAD);
    assert_string_equal(c.tag, "s3bench");
    assert_string_equal(c.endpoint, "");
    assert_string_equal(c.result_bucket, "");
    assert_int_equal(c.no_upload, 1); /* no result bucket: nothing to upload to */
    assert_string_equal(c.creds.value.session_token, "");
}

static void test_empty_env_counts_as_unset(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    assert_int_equal(load(&c, NONE, A("MODE=", "TAG=", "AWS_ENDPOINT_URL=", "RESULT_BUCKET_NAME="),
                          err, sizeof err),
                     0);
    assert_int_equal(c.mode, CONFIG_MODE_THREAD);
    assert_string_equal(c.tag, "s3bench");
    assert_string_equal(c.endpoint, "");
    assert_int_equal(c.no_upload, 1);
}

static void test_flags_override_env(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    assert_int_equal(load(&c,
                          A("--bucket", "other-bucket", "--result-bucket", "other-results", "-c",
                            "4", "--endpoint", "https://s3.example.com", "-m", "thread", "--tag",
                            "laptop", "--region", "eu-west-1", "--prefix", "data/", "--out-dir",
                            "/tmp/out", "--json", "-v", "-vv"),
                          A("AWS_REGION=us-west-2"), err, sizeof err),
                     0);
    assert_string_equal(c.bucket, "other-bucket");
    assert_string_equal(c.result_bucket, "other-results");
    assert_int_equal(c.concurrency, 4);
    assert_string_equal(c.endpoint, "https://s3.example.com");
    assert_int_equal(c.mode, CONFIG_MODE_THREAD);
    assert_string_equal(c.tag, "laptop");
    assert_string_equal(c.region, "eu-west-1");
    assert_string_equal(c.prefix, "data/");
    assert_string_equal(c.out_dir, "/tmp/out");
    assert_int_equal(c.json, 1);
    assert_int_equal(c.verbose, 3);
    assert_int_equal(c.no_upload, 0);
}

static void test_equals_form(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    assert_int_equal(load(&c,
                          A("run", "--bucket=eq-bucket", "--result-bucket=eq-results",
                            "--concurrency=4096", "--endpoint=http://127.0.0.1:9000/",
                            "--mode=thread", "--tag=eq", "--region=ap-south-1", "--prefix=p/",
                            "--out-dir=out", "--no-upload", "--verbose"),
                          NONE, err, sizeof err),
                     0);
    assert_int_equal(c.command, CONFIG_CMD_RUN);
    assert_string_equal(c.bucket, "eq-bucket");
    assert_string_equal(c.result_bucket, "");      /* not used with --no-upload */
    assert_int_equal(c.concurrency, 4096);
    assert_string_equal(c.endpoint, "http://127.0.0.1:9000"); /* trailing '/' gone */
    assert_int_equal(c.mode, CONFIG_MODE_THREAD);
    assert_string_equal(c.tag, "eq");
    assert_string_equal(c.region, "ap-south-1");
    assert_string_equal(c.prefix, "p/");
    assert_string_equal(c.out_dir, "out");
    assert_int_equal(c.no_upload, 1);
    assert_int_equal(c.verbose, 1);
}

static void test_good_endpoints(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"http://minio:9000", "http://minio:9000"},
        {"https://s3.eu-west-1.amazonaws.com/", "https://s3.eu-west-1.amazonaws.com"},
        {"HTTP://Local-Host:1", "http://Local-Host:1"},
        {"http://h:65535", "http://h:65535"},
        {"http://[::1]:9000", "http://[::1]:9000"},
        {"http://s3_local", "http://s3_local"},
        {"", ""}, /* explicit empty flag: AWS, overriding the environment */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c;
        char err[256];
        char arg[128];
        int n = snprintf(arg, sizeof arg, "--endpoint=%s", cases[i].in);
        assert_true(n > 0 && (size_t)n < sizeof arg);
        int rc = load(&c, A(arg), NONE, err, sizeof err);
        if (rc != 0)
            fail_msg("endpoint '%s': %s", cases[i].in, err);
        assert_string_equal(c.endpoint, cases[i].want);
    }
}

static void test_region_precedence(void **state)
{
    (void)state;
    static const struct {
        const char *changes[3];
        const char *want;
    } cases[] = {
        {{"AWS_REGION=eu-central-1", "AWS_DEFAULT_REGION=ap-northeast-1", NULL}, "eu-central-1"},
        {{"AWS_DEFAULT_REGION=ap-northeast-1", NULL}, "ap-northeast-1"},
        {{"AWS_REGION=", "AWS_DEFAULT_REGION=sa-east-1", NULL}, "sa-east-1"},
        {{NULL}, "us-east-1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c;
        char err[256];
        assert_int_equal(load(&c, NONE, cases[i].changes, err, sizeof err), 0);
        assert_string_equal(c.region, cases[i].want);
    }
    /* --region beats both. */
    struct config c;
    char err[256];
    assert_int_equal(load(&c, A("--region", "me-south-1"),
                          A("AWS_REGION=eu-central-1", "AWS_DEFAULT_REGION=ap-northeast-1"), err,
                          sizeof err),
                     0);
    assert_string_equal(c.region, "me-south-1");
}

static void test_concurrency_bounds_ok(void **state)
{
    (void)state;
    static const struct {
        const char *v;
        int want;
    } cases[] = {{"1", 1}, {"4096", 4096}, {"08", 8}, {"256", 256}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c;
        char err[256];
        char var[64];
        int n = snprintf(var, sizeof var, "CONCURRENCY=%s", cases[i].v);
        assert_true(n > 0 && (size_t)n < sizeof var);
        assert_int_equal(load(&c, NONE, A(var), err, sizeof err), 0);
        assert_int_equal(c.concurrency, cases[i].want);
    }
}

static void test_help_and_version(void **state)
{
    (void)state;
    static const struct {
        const char *args[4];
        enum config_command want;
    } cases[] = {
        {{"--help", NULL}, CONFIG_CMD_HELP},
        {{"-h", NULL}, CONFIG_CMD_HELP},
        {{"help", NULL}, CONFIG_CMD_HELP},
        {{"populate", "--help", NULL}, CONFIG_CMD_HELP},
        {{"--version", NULL}, CONFIG_CMD_VERSION},
        {{"run", "-c", "0", "--version"}, CONFIG_CMD_VERSION},
    };
    char *empty_env[] = {NULL};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c;
        char err[256];
        char *argv[6] = {"s3bench"};
        int argc = 1;
        for (size_t j = 0; j < 4 && cases[i].args[j]; j++)
            argv[argc++] = (char *)cases[i].args[j];
        /* Help and version need no configuration at all. */
        assert_int_equal(config_load(&c, argc, argv, empty_env, err, sizeof err), 0);
        assert_int_equal(c.command, cases[i].want);
    }
}

static void test_no_args_env_null(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    char *argv[] = {"s3bench", NULL};
    assert_int_equal(config_load(&c, 1, argv, NULL, err, sizeof err), EXIT_USAGE);
    assert_non_null(strstr(err, "CONCURRENCY"));
    /* argc 0 (an exec with no argv[0]) is the default command. */
    assert_int_equal(config_load(&c, 0, argv, NULL, err, sizeof err), EXIT_USAGE);
    assert_int_equal(c.command, CONFIG_CMD_RUN);
}

static void test_env_first_occurrence_and_junk(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    char *env[] = {"NOEQUALS", "BUCKET_NAME_X=wrong", "BUCKET_NAME=first-one",
                   "BUCKET_NAME=second-one", "CONCURRENCY=2", "AWS_ACCESS_KEY_ID=k",
                   "AWS_SECRET_ACCESS_KEY=s", NULL};
    char *argv[] = {"s3bench", NULL};
    assert_int_equal(config_load(&c, 1, argv, env, err, sizeof err), 0);
    assert_string_equal(c.bucket, "first-one");
}

static void test_twice_in_a_row(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    /* Fail in the middle of a short-option cluster: getopt keeps hidden
     * state there that only optind = 0 resets. */
    assert_int_equal(load(&c, A("-vx"), NONE, err, sizeof err), EXIT_USAGE);
    assert_string_equal(err, "unknown option '-x'");
    assert_int_equal(load(&c, A("-v", "-c", "3"), NONE, err, sizeof err), 0);
    assert_int_equal(c.concurrency, 3);
    assert_int_equal(c.verbose, 1);
    assert_int_equal(load(&c, A("populate", "--count", "5", "--size", "1K"), NONE, err,
                          sizeof err),
                     0);
    assert_int_equal(c.command, CONFIG_CMD_POPULATE);
    assert_int_equal(c.populate_count, 5);
    assert_int_equal(load(&c, A("--tag", "again"), NONE, err, sizeof err), 0);
    assert_int_equal(c.command, CONFIG_CMD_RUN);
    assert_string_equal(c.tag, "again");
    assert_int_equal(c.verbose, 0);
    assert_int_equal(c.concurrency, 16);
}

static void test_failure_clears_credentials(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    assert_int_equal(load(&c, A("--out-dir="), NONE, err, sizeof err), EXIT_USAGE);
    assert_string_equal(c.creds.value.secret_key, "");
    assert_string_equal(c.creds.value.session_token, "");
}

static void test_abbreviated_long_option(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    assert_int_equal(load(&c, A("--conc=7", "--buck", "abbr-bucket"), NONE, err, sizeof err), 0);
    assert_int_equal(c.concurrency, 7);
    assert_string_equal(c.bucket, "abbr-bucket");
}

static void test_long_values_fit_exactly(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    char bucket[256 + 16];
    char prefix[1024 + 16];
    memset(bucket, 'b', 255);
    bucket[255] = '\0';
    memset(prefix, 'p', 1024);
    prefix[1024] = '\0';
    assert_int_equal(load(&c, A("--bucket", bucket, "--prefix", prefix), NONE, err, sizeof err), 0);
    assert_int_equal(strlen(c.bucket), 255);
    assert_int_equal(strlen(c.prefix), 1024);
}

/* ---- bad configurations ----------------------------------------------- */

struct bad_case {
    const char *name;
    const char *args[8];
    const char *changes[4];
    const char *want; /* substring of the message */
    int show_usage;
};

static const struct bad_case bad_cases[] = {
    /* concurrency */
    {"CONCURRENCY missing", {NULL}, {"CONCURRENCY"}, "CONCURRENCY missing", 0},
    {"CONCURRENCY empty", {NULL}, {"CONCURRENCY="}, "CONCURRENCY missing", 0},
    {"CONCURRENCY 0", {NULL}, {"CONCURRENCY=0"}, "CONCURRENCY 0 is out of range", 0},
    {"CONCURRENCY -1", {NULL}, {"CONCURRENCY=-1"}, "CONCURRENCY -1 is out of range", 0},
    {"CONCURRENCY abc", {NULL}, {"CONCURRENCY=abc"}, "CONCURRENCY 'abc' is not a number", 0},
    {"CONCURRENCY 4097", {NULL}, {"CONCURRENCY=4097"}, "CONCURRENCY 4097 is out of range", 0},
    {"CONCURRENCY 8x", {NULL}, {"CONCURRENCY=8x"}, "CONCURRENCY '8x' is not a number", 0},
    {"CONCURRENCY ' 8'", {NULL}, {"CONCURRENCY= 8"}, "CONCURRENCY ' 8' is not a number", 0},
    {"CONCURRENCY '8 '", {NULL}, {"CONCURRENCY=8 "}, "is not a number", 0},
    {"CONCURRENCY +8", {NULL}, {"CONCURRENCY=+8"}, "is not a number", 0},
    {"CONCURRENCY -", {NULL}, {"CONCURRENCY=-"}, "is not a number", 0},
    {"CONCURRENCY 1.5", {NULL}, {"CONCURRENCY=1.5"}, "is not a number", 0},
    {"CONCURRENCY overflow", {NULL}, {"CONCURRENCY=99999999999999999999999"}, "out of range", 0},
    {"-c 0", {"-c", "0"}, {NULL}, "--concurrency 0 is out of range", 0},
    {"--concurrency= empty", {"--concurrency="}, {NULL}, "--concurrency '' is not a number", 0},
    /* mode */
    {"MODE threads", {NULL}, {"MODE=threads"}, "MODE 'threads' is not thread or process", 0},
    {"MODE THREAD", {NULL}, {"MODE=THREAD"}, "is not thread or process", 0},
    {"--mode=proc", {"--mode=proc"}, {NULL}, "--mode 'proc' is not thread or process", 0},
    /* bucket */
    {"no bucket", {NULL}, {"BUCKET_NAME"}, "no bucket", 0},
    {"empty bucket flag", {"--bucket="}, {NULL}, "not a valid bucket name", 0},
    {"bucket with slash", {NULL}, {"BUCKET_NAME=a/b/c"}, "BUCKET_NAME 'a/b/c' is not a valid bucket", 0},
    {"bucket with space", {"--bucket", "my bucket"}, {NULL}, "not a valid bucket name", 0},
    {"bucket too short", {"--bucket", "ab"}, {NULL}, "not a valid bucket name", 0},
    {"result bucket bad", {NULL}, {"RESULT_BUCKET_NAME=r?x"}, "RESULT_BUCKET_NAME 'r?x'", 0},
    /* endpoint */
    {"endpoint no scheme", {NULL}, {"AWS_ENDPOINT_URL=localhost:9000"},
     "malformed endpoint URL 'localhost:9000'", 0},
    {"endpoint ftp", {NULL}, {"AWS_ENDPOINT_URL=ftp://x"}, "malformed endpoint URL 'ftp://x'", 0},
    {"endpoint no host", {NULL}, {"AWS_ENDPOINT_URL=http://"}, "no host", 0},
    {"endpoint port 99999", {NULL}, {"AWS_ENDPOINT_URL=http://h:99999"}, "port must be 1 to 65535", 0},
    {"endpoint port 0", {NULL}, {"AWS_ENDPOINT_URL=http://h:0"}, "port must be 1 to 65535", 0},
    {"endpoint empty port", {"--endpoint", "http://h:"}, {NULL}, "port must be 1 to 65535", 0},
    {"endpoint path", {"--endpoint", "http://h/path"}, {NULL}, "malformed endpoint URL", 0},
    {"endpoint query", {"--endpoint", "http://h?x=1"}, {NULL}, "malformed endpoint URL", 0},
    {"endpoint double slash", {"--endpoint", "http://h//"}, {NULL}, "malformed endpoint URL", 0},
    {"endpoint space", {"--endpoint", "http://h :9000"}, {NULL}, "malformed endpoint URL", 0},
    {"endpoint userinfo", {"--endpoint", "http://u:pAsSwOrD@h"}, {NULL}, "user info", 0},
    {"endpoint bad ipv6", {"--endpoint", "http://[::1:9000"}, {NULL}, "IPv6", 0},
    {"endpoint S3 bad", {NULL}, {"AWS_ENDPOINT_URL_S3=s3:9000"}, "in AWS_ENDPOINT_URL_S3", 0},
    /* addressing and TLS */
    {"both styles", {"--path-style", "--virtual-hosted"}, {NULL}, "not both", 0},
    {"virtual-hosted on an IP", {"--virtual-hosted", "--endpoint", "http://127.0.0.1:7480"}, {NULL},
     "--virtual-hosted needs an endpoint with a host name", 0},
    {"virtual-hosted on IPv6", {"--virtual-hosted", "--endpoint", "http://[::1]:7480"}, {NULL},
     "not an IP address", 0},
    {"empty ca-bundle", {"--ca-bundle="}, {NULL}, "--ca-bundle is empty", 0},
    {"insecure with value", {"--insecure=1"}, {NULL}, "option '--insecure' takes no value", 1},
    /* credentials */
    {"no credentials", {NULL},
     {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED=true"},
     "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", 0},
    {"token only", {NULL},
     {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY=", "AWS_EC2_METADATA_DISABLED=TRUE"},
     "no credentials", 0},
    {"key without secret", {NULL}, {"AWS_SECRET_ACCESS_KEY"},
     "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not", 0},
    {"secret without key", {NULL}, {"AWS_ACCESS_KEY_ID"},
     "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not", 0},
    /* other values */
    {"tag with slash", {"--tag", "a/b"}, {NULL}, "--tag 'a/b' is not a valid tag", 0},
    {"tag dotdot", {NULL}, {"TAG=.."}, "TAG '..' is not a valid tag", 0},
    {"region with space", {"--region", "us east"}, {NULL}, "--region 'us east' is not a valid region", 0},
    {"region from env bad", {NULL}, {"AWS_DEFAULT_REGION=x/y"}, "AWS_DEFAULT_REGION 'x/y'", 0},
    {"empty out-dir", {"--out-dir="}, {NULL}, "--out-dir is empty", 0},
    {"run with --count", {"--count", "3"}, {NULL}, "--count applies only to populate", 0},
    {"run with --size", {"run", "--size=1K"}, {NULL}, "--size applies only to populate", 0},
    /* command-line shape: usage printed */
    {"unknown long", {"--x"}, {NULL}, "unknown option '--x'", 1},
    {"unknown long with value", {"--bogus=3"}, {NULL}, "unknown option '--bogus'", 1},
    {"unknown short", {"-x"}, {NULL}, "unknown option '-x'", 1},
    {"unknown in cluster after long", {"--json", "-vx"}, {NULL}, "unknown option '-x'", 1},
    {"ambiguous abbreviation", {"--re=x"}, {NULL}, "unknown option '--re'", 1},
    {"missing value long", {"--bucket"}, {NULL}, "option '--bucket' needs a value", 1},
    {"missing value short", {"-v", "-c"}, {NULL}, "option '-c' needs a value", 1},
    {"value for flag", {"--json=1"}, {NULL}, "option '--json' takes no value", 1},
    {"unknown command", {"frobnicate"}, {NULL}, "unknown command 'frobnicate'", 1},
    {"stray argument", {"--json", "extra"}, {NULL}, "unexpected argument 'extra'", 1},
    {"subcommand not first", {"--json", "populate"}, {NULL}, "unexpected argument 'populate'", 1},
    {"after --", {"--", "--json"}, {NULL}, "unexpected argument '--json'", 1},
    /* populate */
    {"populate no count", {"populate", "--size", "1K"}, {NULL}, "populate needs --count", 0},
    {"populate count -1", {"populate", "--count", "-1", "--size", "1K"}, {NULL},
     "--count '-1' is not a whole number", 0},
    {"populate count abc", {"populate", "--count=abc", "--size", "1K"}, {NULL}, "--count 'abc'", 0},
    {"populate count 1e3", {"populate", "--count=1e3", "--size", "1K"}, {NULL}, "--count '1e3'", 0},
    {"populate no size", {"populate", "--count", "1"}, {NULL}, "populate needs --size", 0},
    {"populate size 1Q", {"populate", "--count", "1", "--size", "1Q"}, {NULL}, "--size '1Q' is not a size", 0},
    {"populate size reversed", {"populate", "--count", "1", "--size", "4MiB-1KiB"}, {NULL},
     "minimum is above the maximum", 0},
    {"populate size empty", {"populate", "--count", "1", "--size="}, {NULL}, "is not a size", 0},
    {"populate size 1KB", {"populate", "--count", "1", "--size", "1KB"}, {NULL}, "is not a size", 0},
    {"populate size 1.5M", {"populate", "--count", "1", "--size", "1.5M"}, {NULL}, "is not a size", 0},
    {"populate size space", {"populate", "--count", "1", "--size", "1 KiB"}, {NULL}, "is not a size", 0},
    {"populate size open", {"populate", "--count", "1", "--size", "1KiB-"}, {NULL}, "is not a size", 0},
    {"populate size neg", {"populate", "--count", "1", "--size", "-4MiB"}, {NULL}, "is not a size", 0},
    {"populate size 3 parts", {"populate", "--count", "1", "--size", "1-2-3"}, {NULL}, "is not a size", 0},
    {"populate size 6GiB", {"populate", "--count", "1", "--size", "6GiB"}, {NULL}, "5GiB", 0},
    {"populate size overflow", {"populate", "--count", "1", "--size", "99999999999999999999G"}, {NULL},
     "5GiB", 0},
    {"populate size 64-bit wrap", {"populate", "--count", "1", "--size", "17179869184G"}, {NULL},
     "5GiB", 0},
    {"populate seed -1", {"populate", "--count", "1", "--size", "1", "--seed", "-1"}, {NULL},
     "--seed '-1'", 0},
    {"populate --json", {"populate", "--json"}, {NULL}, "--json applies only to run", 0},
    {"populate --mode", {"populate", "-m", "thread"}, {NULL}, "--mode applies only to run", 0},
    {"populate --prefix", {"populate", "--count", "1", "--size", "1", "--prefix", "p/"}, {NULL},
     "--prefix does not apply to populate", 0},
    {"populate count and keys-from", {"populate", "--count", "1", "--keys-from", "k", "--size", "1"},
     {NULL}, "not both", 0},
    {"populate empty keys-from", {"populate", "--keys-from=", "--size", "1"}, {NULL},
     "--keys-from is empty", 0},
    {"run with --keys-from", {"--keys-from", "k"}, {NULL}, "--keys-from applies only to populate", 0},
    /* sweep, report, retries */
    {"sweep bad modes", {"sweep", "--modes", "threads"}, {NULL}, "modes 'threads'", 0},
    {"sweep bad list", {"sweep", "-c", "1,,2"}, {NULL}, "--concurrency '1,,2'", 0},
    {"sweep cpus 0", {"sweep", "--cpus", "0"}, {NULL}, "--cpus '0'", 0},
    {"sweep repeat 0", {"sweep", "--repeat", "0"}, {NULL}, "--repeat 0 is out of range", 0},
    {"sweep --mode", {"sweep", "-m", "thread"}, {NULL}, "--mode applies only to run", 0},
    {"sweep --detail", {"sweep", "--detail", "x"}, {NULL}, "--detail applies only to run", 0},
    {"run --modes", {"--modes", "thread"}, {NULL}, "--modes applies only to sweep", 0},
    {"max attempts 0", {"--max-attempts", "0"}, {NULL}, "--max-attempts 0 is out of range", 0},
    {"max attempts env", {NULL}, {"AWS_MAX_ATTEMPTS=many"}, "AWS_MAX_ATTEMPTS 'many' is not a number", 0},
    {"stall timeout", {"--stall-timeout", "-1"}, {NULL}, "--stall-timeout -1 is out of range", 0},
    {"empty detail", {"--detail="}, {NULL}, "--detail is empty", 0},
    {"report without source", {"report"}, {NULL}, "report needs a directory or s3://BUCKET/PREFIX", 1},
    {"report two sources", {"report", "a", "b"}, {NULL}, "unexpected argument 'b'", 1},
    {"report bad s3", {"report", "s3:///x"}, {NULL}, "is not s3://BUCKET/PREFIX", 0},
    {"report --json", {"report", "d", "--json"}, {NULL}, "--json applies only to run", 0},
    {"populate no bucket", {"populate", "--count", "1", "--size", "1"}, {"BUCKET_NAME"}, "no bucket", 0},
    {"populate bad conc", {"populate", "--count", "1", "--size", "1", "-c", "0"}, {NULL}, "out of range", 0},
    {"populate bad endpoint", {"populate", "--count", "1", "--size", "1"},
     {"AWS_ENDPOINT_URL=localhost"}, "malformed endpoint URL", 0},
    {"populate no credentials", {"populate", "--count", "1", "--size", "1"},
     {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED=true"},
     "no credentials", 0},
};

/* sweep: the reference grid by default, its own tag and folder; CONCURRENCY
 * and MODE from the environment do not narrow it. */
static void test_sweep_and_report(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    assert_int_equal(load(&c, A("sweep"), A("MODE=process", "CONCURRENCY=3", "TAG"), err, sizeof err), 0);
    assert_int_equal(c.command, CONFIG_CMD_SWEEP);
    assert_int_equal(c.grid.nmodes, 2);
    assert_int_equal(c.grid.modes[0], CONFIG_MODE_THREAD);
    assert_int_equal(c.grid.nconc, 5);
    assert_int_equal(c.grid.conc[4], 16);
    assert_int_equal(c.grid.ncpus, 0);
    assert_int_equal(c.grid.repeat, 1);
    assert_string_equal(c.tag, "sweep");
    assert_string_equal(c.out_dir, "s3bench-sweep");
    assert_int_equal(c.max_attempts, CONFIG_DEFAULT_ATTEMPTS);

    assert_int_equal(load(&c, A("sweep", "--modes", "process", "-c", "2,8", "--cpus", "1,2", "--repeat", "3",
                                "--max-attempts", "2", "--stall-timeout", "4", "--out-dir", "o"),
                          NONE, err, sizeof err), 0);
    assert_int_equal(c.grid.nmodes, 1);
    assert_int_equal(c.grid.modes[0], CONFIG_MODE_PROCESS);
    assert_int_equal(c.grid.nconc, 2);
    assert_int_equal(c.grid.ncpus, 2);
    assert_int_equal(c.grid.cpus[1], 2);
    assert_int_equal(c.grid.repeat, 3);
    assert_int_equal(c.max_attempts, 2);
    assert_int_equal(c.stall_timeout, 4);
    assert_string_equal(c.out_dir, "o");

    /* run: the SDKs' AWS_MAX_ATTEMPTS, --detail, --quiet. */
    assert_int_equal(load(&c, A("--detail", "d.csv", "-q"), A("AWS_MAX_ATTEMPTS=7"), err, sizeof err), 0);
    assert_int_equal(c.max_attempts, 7);
    assert_string_equal(c.detail, "d.csv");
    assert_int_equal(c.quiet, 1);
    assert_int_equal(c.connect_timeout, CONFIG_DEFAULT_CONNECT_TIMEOUT);

    /* report over a directory needs nothing else; the table goes beside
     * the files. Over S3, bucket and prefix come from the URL. */
    assert_int_equal(load(&c, A("report", "some/dir"), A("BUCKET_NAME", "CONCURRENCY", "AWS_ACCESS_KEY_ID",
                                                           "AWS_SECRET_ACCESS_KEY"), err, sizeof err), 0);
    assert_int_equal(c.command, CONFIG_CMD_REPORT);
    assert_string_equal(c.source, "some/dir");
    assert_string_equal(c.out_dir, "some/dir");
    assert_int_equal(load(&c, A("report", "--out-dir", "t", "s3://results/fargate/"), A("BUCKET_NAME"),
                          err, sizeof err), 0);
    assert_string_equal(c.bucket, "results");
    assert_string_equal(c.prefix, "fargate/");
    assert_string_equal(c.out_dir, "t");
}

static void test_bad_configurations(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *b = &bad_cases[i];
        struct config c;
        char err[256];
        memset(err, 'X', sizeof err);
        int rc = load(&c, b->args, b->changes, err, sizeof err);
        if (rc != EXIT_USAGE)
            fail_msg("%s: rc %d, want %d (err '%s')", b->name, rc, EXIT_USAGE, rc ? err : "");
        if (!strstr(err, b->want))
            fail_msg("%s: err '%s' lacks '%s'", b->name, err, b->want);
        if (c.show_usage != b->show_usage)
            fail_msg("%s: show_usage %d, want %d", b->name, c.show_usage, b->show_usage);
        if (strchr(err, '\n'))
            fail_msg("%s: err has a newline", b->name);
        if (strstr(err, SECRET) || strstr(err, TOKEN) || strstr(err, "pAsSwOrD"))
            fail_msg("%s: err leaks a secret: '%s'", b->name, err);
        /* Nothing usable is left behind on failure. */
        if (c.creds.value.secret_key[0] || c.creds.value.session_token[0])
            fail_msg("%s: credentials left in cfg", b->name);
    }
}

/* Over-long values are refused, never cut, and a refused secret is not
 * echoed. */
static void test_too_long_values(void **state)
{
    (void)state;
    static char long_secret[300], long_key[300], long_token[CREDS_MAX_TOKEN + 100], long_bucket[300],
        long_prefix[1100], long_var[CREDS_MAX_TOKEN + 200];
    /* A distinctive, repeated secret: any 16-character window of it in err
     * would be a leak. */
    for (size_t i = 0; i < sizeof long_secret - 1; i++)
        long_secret[i] = SECRET[i % (sizeof SECRET - 1)];
    long_secret[sizeof long_secret - 1] = '\0';
    memset(long_key, 'K', sizeof long_key - 1);
    for (size_t i = 0; i < sizeof long_token - 1; i++)
        long_token[i] = TOKEN[i % (sizeof TOKEN - 1)];
    memset(long_bucket, 'b', sizeof long_bucket - 1);
    memset(long_prefix, 'p', sizeof long_prefix - 1);

    struct config c;
    char err[256];
    int n;

    n = snprintf(long_var, sizeof long_var, "AWS_SECRET_ACCESS_KEY=%s", long_secret);
    assert_true(n > 0 && (size_t)n < sizeof long_var);
    assert_int_equal(load(&c, NONE, A(long_var), err, sizeof err), EXIT_USAGE);
    assert_non_null(strstr(err, "AWS_SECRET_ACCESS_KEY is too long"));
    assert_null(strstr(err, "SeCrEt"));
    assert_string_equal(c.creds.value.secret_key, "");

    n = snprintf(long_var, sizeof long_var, "AWS_SESSION_TOKEN=%s", long_token);
    assert_true(n > 0 && (size_t)n < sizeof long_var);
    assert_int_equal(load(&c, NONE, A(long_var), err, sizeof err), EXIT_USAGE);
    assert_non_null(strstr(err, "AWS_SESSION_TOKEN is too long"));
    assert_null(strstr(err, "ToKeN"));

    n = snprintf(long_var, sizeof long_var, "AWS_ACCESS_KEY_ID=%s", long_key);
    assert_true(n > 0 && (size_t)n < sizeof long_var);
    assert_int_equal(load(&c, NONE, A(long_var), err, sizeof err), EXIT_USAGE);
    assert_non_null(strstr(err, "AWS_ACCESS_KEY_ID is too long"));

    assert_int_equal(load(&c, A("--bucket", long_bucket), NONE, err, sizeof err), EXIT_USAGE);
    assert_non_null(strstr(err, "not a valid bucket name"));
    assert_true(strlen(err) < 250); /* the value is echoed only in part */

    assert_int_equal(load(&c, A("--prefix", long_prefix), NONE, err, sizeof err), EXIT_USAGE);
    assert_non_null(strstr(err, "--prefix is too long"));

    /* An endpoint whose normalised form does not fit. */
    static char long_ep[600];
    memcpy(long_ep, "http://", 7);
    memset(long_ep + 7, 'h', sizeof long_ep - 8);
    assert_int_equal(load(&c, A("--endpoint", long_ep), NONE, err, sizeof err), EXIT_USAGE);
    assert_non_null(strstr(err, "--endpoint is too long"));

    /* A tiny err buffer is still a terminated string. */
    char small[8];
    assert_int_equal(load(&c, A("-c", "0"), NONE, small, sizeof small), EXIT_USAGE);
    assert_int_equal(strlen(small), 7);
    /* And no buffer at all is allowed. */
    assert_int_equal(load(&c, A("-c", "0"), NONE, NULL, 0), EXIT_USAGE);
}

/* ---- populate --------------------------------------------------------- */

static void test_populate_sizes(void **state)
{
    (void)state;
    static const struct {
        const char *size;
        uint64_t min, max;
    } cases[] = {
        {"1KiB-4MiB", 1024, 4194304},
        {"16MiB", 16777216, 16777216},
        {"0", 0, 0},
        {"0-0", 0, 0},
        {"10", 10, 10},
        {"1k", 1024, 1024},
        {"1K-1kib", 1024, 1024},
        {"2m", 2097152, 2097152},
        {"1G", 1073741824, 1073741824},
        {"5GiB", 5368709120ULL, 5368709120ULL},
        {"0-5GiB", 0, 5368709120ULL},
        {"100-200", 100, 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c;
        char err[256];
        int rc = load(&c, A("populate", "--bucket", "pop-bucket", "--count", "10", "--size",
                            cases[i].size),
                      NONE, err, sizeof err);
        if (rc != 0)
            fail_msg("size '%s': %s", cases[i].size, err);
        assert_int_equal(c.command, CONFIG_CMD_POPULATE);
        assert_int_equal(c.size_min, cases[i].min);
        assert_int_equal(c.size_max, cases[i].max);
    }
}

static void test_populate_fields(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    /* Container env minus CONCURRENCY: populate falls back to its default;
     * MODE/TAG/RESULT_BUCKET_NAME in the env are simply not its business. */
    assert_int_equal(load(&c,
                          A("populate", "--bucket=pop-bucket", "--count=0", "--size=1KiB-4MiB",
                            "-v"),
                          A("CONCURRENCY", "MODE=bogus"), err, sizeof err),
                     0);
    assert_int_equal(c.command, CONFIG_CMD_POPULATE);
    assert_string_equal(c.bucket, "pop-bucket");
    assert_int_equal(c.populate_count, 0);
    assert_int_equal(c.seed, 1);
    assert_int_equal(c.concurrency, CONFIG_POPULATE_CONCURRENCY);
    assert_string_equal(c.endpoint, "http://minio:9000");
    assert_string_equal(c.region, "us-east-1");
    assert_string_equal(c.keys_from, "");
    assert_int_equal(c.verbose, 1);
    assert_string_equal(c.creds.value.access_key, "AKIDEXAMPLE");
    assert_string_equal(c.creds.value.secret_key, SECRET);

    /* Bucket, concurrency from the env; -c and --seed from flags. */
    assert_int_equal(load(&c, A("populate", "--count", "1000", "--size", "16MiB", "--seed",
                                "18446744073709551615"),
                          NONE, err, sizeof err),
                     0);
    assert_string_equal(c.bucket, "bench-data");
    assert_int_equal(c.concurrency, 16);
    assert_int_equal(c.populate_count, 1000);
    assert_true(c.seed == UINT64_MAX);

    assert_int_equal(load(&c, A("populate", "--count", "1", "--size", "1", "-c", "64", "--seed=0"),
                          NONE, err, sizeof err),
                     0);
    assert_int_equal(c.concurrency, 64);
    assert_int_equal(c.seed, 0);

    /* A key file replaces --count. */
    assert_int_equal(load(&c, A("populate", "--keys-from", "/tmp/keys", "--size", "16MiB"), NONE,
                          err, sizeof err),
                     0);
    assert_string_equal(c.keys_from, "/tmp/keys");
    assert_int_equal(c.populate_count, 0);
    assert_int_equal(c.size_min, 16777216);
}

/* ---- small functions -------------------------------------------------- */

static void test_mode_name(void **state)
{
    (void)state;
    assert_string_equal(config_mode_name(CONFIG_MODE_THREAD), "thread");
    assert_string_equal(config_mode_name(CONFIG_MODE_PROCESS), "process");
}

static void test_usage_text(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    config_usage(f);
    assert_int_equal(fclose(f), 0);
    static const char *const want[] = {
        "populate", "--bucket", "--result-bucket", "--concurrency", "--endpoint", "--mode",
        "--tag", "--region", "--prefix", "--out-dir", "--no-upload", "--json", "--verbose",
        "--help", "--version", "--count", "--keys-from", "--size", "--seed", "BUCKET_NAME",
        "RESULT_BUCKET_NAME", "CONCURRENCY", "AWS_ENDPOINT_URL", "MODE", "TAG",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
        "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE", "Exit status", "  0  ", "  1  ", "  2  ", "  3  ",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(buf, want[i]))
            fail_msg("usage lacks '%s'", want[i]);
    /* Fits an 80-column terminal. */
    for (char *line = buf; *line;) {
        size_t l = strcspn(line, "\n");
        if (l > 80)
            fail_msg("usage line longer than 80: %.*s", (int)l, line);
        line += l + (line[l] == '\n');
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_env_only_container),
        cmocka_unit_test(test_ca_bundle),
        cmocka_unit_test(test_endpoint_and_addressing),
        cmocka_unit_test(test_profile_region_and_keys),
        cmocka_unit_test(test_defaults_when_optional_unset),
        cmocka_unit_test(test_empty_env_counts_as_unset),
        cmocka_unit_test(test_flags_override_env),
        cmocka_unit_test(test_equals_form),
        cmocka_unit_test(test_good_endpoints),
        cmocka_unit_test(test_region_precedence),
        cmocka_unit_test(test_concurrency_bounds_ok),
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_no_args_env_null),
        cmocka_unit_test(test_env_first_occurrence_and_junk),
        cmocka_unit_test(test_twice_in_a_row),
        cmocka_unit_test(test_failure_clears_credentials),
        cmocka_unit_test(test_abbreviated_long_option),
        cmocka_unit_test(test_long_values_fit_exactly),
        cmocka_unit_test(test_sweep_and_report),
        cmocka_unit_test(test_bad_configurations),
        cmocka_unit_test(test_too_long_values),
        cmocka_unit_test(test_populate_sizes),
        cmocka_unit_test(test_populate_fields),
        cmocka_unit_test(test_mode_name),
        cmocka_unit_test(test_usage_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
