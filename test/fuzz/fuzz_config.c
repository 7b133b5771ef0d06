/* Fuzz target: config_load (include/config.h) with a fuzzed command line,
 * environment and AWS shared files.
 *
 * Input: data[0] % 32 arguments and data[1] % 32 environment entries, then
 * NUL-separated fields: the arguments (after argv[0] "s3bench"), the
 * environment entries ("NAME=value"), the credentials file's text, the
 * config file's text. HOME, AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE
 * are not taken from the input: they name a private temporary directory
 * holding the two files (a file left empty is not created), so nothing else
 * on the machine is ever read.
 *
 * Checks: the result is 0 or EXIT_USAGE; err is NUL-terminated, and set on
 * failure, when the config holds no credentials; a loaded run or populate
 * configuration holds values inside their documented bounds. */
#include "fuzz.h"

#include "config.h"

#include <unistd.h>

#define CONFIG_FUZZ_MAX 32

static char config_fuzz_dir[64];
static char config_fuzz_cred_path[128], config_fuzz_conf_path[128];

static void config_fuzz_cleanup(void)
{
    unlink(config_fuzz_cred_path);
    unlink(config_fuzz_conf_path);
    rmdir(config_fuzz_dir);
}

/* Makes the private directory once per process. */
static int config_fuzz_setup(void)
{
    if (config_fuzz_dir[0])
        return 0;
    const char *tmp = getenv("TMPDIR");
    snprintf(config_fuzz_dir, sizeof config_fuzz_dir, "%s/s3bench-fuzz-XXXXXX",
             tmp && tmp[0] && strlen(tmp) < 32 ? tmp : "/tmp");
    if (!mkdtemp(config_fuzz_dir)) {
        perror("fuzz_config: mkdtemp");
        config_fuzz_dir[0] = '\0';
        return -1;
    }
    snprintf(config_fuzz_cred_path, sizeof config_fuzz_cred_path, "%s/credentials", config_fuzz_dir);
    snprintf(config_fuzz_conf_path, sizeof config_fuzz_conf_path, "%s/config", config_fuzz_dir);
    atexit(config_fuzz_cleanup);
    return 0;
}

/* Writes text to path, or removes path when text is empty; *last keeps
 * what the file holds, so an unchanged file costs no system call (most
 * mutations touch the arguments only). */
static void config_fuzz_file(const char *path, const char *text, char **last)
{
    if (*last && strcmp(*last, text) == 0)
        return;
    free(*last);
    *last = NULL;
    if (!text[0]) {
        unlink(path);
    } else {
        FILE *f = fopen(path, "wb");
        FUZZ_CHECK(f != NULL);
        fputs(text, f);
        FUZZ_CHECK(fclose(f) == 0);
    }
    *last = strdup(text);
}

static int config_fuzz_is_ours(const char *entry)
{
    static const char *const names[] = {"HOME=", "AWS_SHARED_CREDENTIALS_FILE=", "AWS_CONFIG_FILE="};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strncmp(entry, names[i], strlen(names[i])) == 0)
            return 1;
    return 0;
}

static int config_fuzz_all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 16384 || config_fuzz_setup() != 0)
        return 0;
    size_t nargs = data[0] % CONFIG_FUZZ_MAX, nenv = data[1] % CONFIG_FUZZ_MAX;
    char *f[2 * CONFIG_FUZZ_MAX + 2];
    size_t nf = 0;
    char *copy = fuzz_split(data + 2, size - 2, f, nargs + nenv + 2, &nf);
    if (!copy)
        return 0;

    char argv0[] = "s3bench";
    char *argv[CONFIG_FUZZ_MAX + 2];
    int argc = 0;
    argv[argc++] = argv0;
    for (size_t i = 0; i < nargs; i++)
        argv[argc++] = f[i];
    argv[argc] = NULL;

    char home[128], cred[192], conf[192];
    snprintf(home, sizeof home, "HOME=%s", config_fuzz_dir);
    snprintf(cred, sizeof cred, "AWS_SHARED_CREDENTIALS_FILE=%s", config_fuzz_cred_path);
    snprintf(conf, sizeof conf, "AWS_CONFIG_FILE=%s", config_fuzz_conf_path);
    char *env[CONFIG_FUZZ_MAX + 4];
    size_t ne = 0;
    env[ne++] = home;
    env[ne++] = cred;
    env[ne++] = conf;
    for (size_t i = nargs; i < nargs + nenv; i++)
        if (!config_fuzz_is_ours(f[i]))
            env[ne++] = f[i];
    env[ne] = NULL;
    static char *last_cred, *last_conf;
    config_fuzz_file(config_fuzz_cred_path, f[nargs + nenv], &last_cred);
    config_fuzz_file(config_fuzz_conf_path, f[nargs + nenv + 1], &last_conf);

    static struct config cfg;
    char err[512];
    memset(err, 0x55, sizeof err);
    int rc = config_load(&cfg, argc, argv, env, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == EXIT_USAGE);
    FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
    if (rc != 0) {
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(config_fuzz_all_zero(&cfg.creds.value, sizeof cfg.creds.value));
        FUZZ_CHECK(cfg.creds.auth_token[0] == '\0');
    } else if (cfg.command == CONFIG_CMD_RUN || cfg.command == CONFIG_CMD_POPULATE) {
        FUZZ_CHECK(cfg.concurrency >= 1 && cfg.concurrency <= CONFIG_MAX_CONCURRENCY);
        FUZZ_CHECK(strlen(cfg.bucket) >= 3 && strlen(cfg.bucket) < sizeof cfg.bucket);
        FUZZ_CHECK(cfg.region[0] != '\0' && memchr(cfg.region, '\0', sizeof cfg.region));
        FUZZ_CHECK(memchr(cfg.endpoint, '\0', sizeof cfg.endpoint) != NULL);
        FUZZ_CHECK(cfg.endpoint[0] == '\0' || strncmp(cfg.endpoint, "http", 4) == 0);
        if (cfg.command == CONFIG_CMD_RUN) {
            FUZZ_CHECK(cfg.mode == CONFIG_MODE_THREAD || cfg.mode == CONFIG_MODE_PROCESS);
            FUZZ_CHECK(cfg.tag[0] != '\0' && strcmp(cfg.tag, ".") != 0 && strcmp(cfg.tag, "..") != 0);
            FUZZ_CHECK(strchr(cfg.tag, '/') == NULL);
            FUZZ_CHECK(cfg.out_dir[0] != '\0');
            FUZZ_CHECK(cfg.no_upload || strlen(cfg.result_bucket) >= 3);
        } else {
            FUZZ_CHECK(cfg.size_min <= cfg.size_max && cfg.size_max <= CONFIG_MAX_OBJECT_SIZE);
            FUZZ_CHECK(cfg.populate_count >= 0);
        }
    }
    free(copy);
    return 0;
}
