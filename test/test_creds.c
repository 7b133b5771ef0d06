/* Unit tests for the credentials module: the INI, JSON and time parsers,
 * the refresh schedule, the container URL rule, the provider chain over
 * shared files in a temporary HOME, the static provider, and the redaction
 * of debug output. No network except one refused connection to 127.0.0.1. */
#include "testutil.h"

#include "creds.h"
#include "redact.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSeCrEt"
#define TOKEN "IQoJb3JpZ2luX2VjEToKeNvAlUe"

/* ---- INI --------------------------------------------------------------- */

static const char ini[] =
    "\xEF\xBB\xBF# a comment\r\n"
    "[default]\r\n"
    "aws_access_key_id = AKIDDEFAULT\r\n"
    "AWS_Secret_Access_Key=  s3cr3t  \r\n"
    "\n"
    "[profile   dev]\n"
    "; another comment\n"
    "region: eu-west-3\n"
    "s3 =\n"
    "    region = nested-not-this\n"
    "\taddressing_style = path\n"
    "empty =\n"
    "url = https://x:1/y=z\n"
    "[dev]\n"
    "region = bare-section\n"
    "[profile dev]\n"
    "region = second-section\n";

static void test_ini_get(void **state)
{
    (void)state;
    char v[64];
    size_t n = sizeof ini - 1;
    assert_int_equal(creds_ini_get(ini, n, "default", "aws_access_key_id", v, sizeof v), 1);
    assert_string_equal(v, "AKIDDEFAULT");
    /* Keys compare without case, values are trimmed. */
    assert_int_equal(creds_ini_get(ini, n, "default", "aws_secret_access_key", v, sizeof v), 1);
    assert_string_equal(v, "s3cr3t");
    /* "[profile   dev]" is "profile dev"; ':' separates too. */
    assert_int_equal(creds_ini_get(ini, n, "profile dev", "region", v, sizeof v), 1);
    assert_string_equal(v, "eu-west-3");
    /* Nested (indented) settings are never the profile's own. */
    assert_int_equal(creds_ini_get(ini, n, "profile dev", "addressing_style", v, sizeof v), 0);
    assert_int_equal(creds_ini_get(ini, n, "profile dev", "empty", v, sizeof v), 1);
    assert_string_equal(v, "");
    /* The first separator splits: the value keeps its ':' and '='. */
    assert_int_equal(creds_ini_get(ini, n, "profile dev", "url", v, sizeof v), 1);
    assert_string_equal(v, "https://x:1/y=z");
    /* Only the first section of a name counts; a bare [dev] is another one. */
    assert_int_equal(creds_ini_get(ini, n, "dev", "region", v, sizeof v), 1);
    assert_string_equal(v, "bare-section");
    /* Absent keys and sections. */
    assert_int_equal(creds_ini_get(ini, n, "default", "region", v, sizeof v), 0);
    assert_int_equal(creds_ini_get(ini, n, "nope", "region", v, sizeof v), 0);
    /* A value that does not fit is an error, not a cut value. */
    char tiny[4];
    assert_int_equal(creds_ini_get(ini, n, "default", "aws_access_key_id", tiny, sizeof tiny), -1);
    /* Not a comment in the middle of a line; no section at all. */
    assert_int_equal(creds_ini_get("a=1\n", 4, "default", "a", v, sizeof v), 0);
    assert_int_equal(creds_ini_get("", 0, "default", "a", v, sizeof v), 0);
}

static void test_ini_has_section(void **state)
{
    (void)state;
    size_t n = sizeof ini - 1;
    assert_true(creds_ini_has_section(ini, n, "default"));
    assert_true(creds_ini_has_section(ini, n, "profile dev"));
    assert_true(creds_ini_has_section(ini, n, "dev"));
    assert_false(creds_ini_has_section(ini, n, "profile"));
    assert_false(creds_ini_has_section(ini, n, "profile de"));
    assert_false(creds_ini_has_section("[x\n", 3, "x"));
}

/* ---- time and refresh -------------------------------------------------- */

static void test_time_parse(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_int_equal(creds_time_parse("1970-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(creds_time_parse("2026-11-26T00:57:34Z", &t), 0);
    assert_int_equal(t, 1795654654);
    /* The gateway's STS writes nanoseconds; they are dropped. */
    assert_int_equal(creds_time_parse("2026-11-26T00:57:34.636672149Z", &t), 0);
    assert_int_equal(t, 1795654654);
    assert_int_equal(creds_time_parse("2026-11-26T01:57:34+01:00", &t), 0);
    assert_int_equal(t, 1795654654);
    assert_int_equal(creds_time_parse("2026-11-25T23:27:34-01:30", &t), 0);
    assert_int_equal(t, 1795654654);
    static const char *const bad[] = {
        "", "2026-11-26", "2026-11-26T00:57:34", "2026-11-26 00:57:34Z", "2026-13-26T00:57:34Z",
        "2026-11-26T24:57:34Z", "2026-11-26T00:57:34.Z", "2026-11-26T00:57:34Zjunk",
        "2026-11-26T00:57:34+0100", "x026-11-26T00:57:34Z", "2026-11-26T00:57:34+25:00",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (creds_time_parse(bad[i], &t) == 0)
            fail_msg("accepted '%s'", bad[i]);
}

static void test_refresh_time(void **state)
{
    (void)state;
    int64_t now = 1000000;
    /* Hours of life: refresh CREDS_REFRESH_MARGIN_MAX before expiry. */
    assert_int_equal(creds_refresh_time(now, now + 6 * 3600), now + 6 * 3600 - CREDS_REFRESH_MARGIN_MAX);
    /* Short life: at half of it. */
    assert_int_equal(creds_refresh_time(now, now + 4), now + 2);
    assert_int_equal(creds_refresh_time(now, now + 1000), now + 500);
    /* Nearly or already expired: soon, but not in a tight loop. */
    assert_int_equal(creds_refresh_time(now, now + 1), now + CREDS_REFRESH_MIN_WAIT);
    assert_int_equal(creds_refresh_time(now, now - 50), now + CREDS_REFRESH_MIN_WAIT);
    assert_true(creds_refresh_time(now, 0) == INT64_MAX);
}

/* ---- JSON -------------------------------------------------------------- */

static void test_json_parse(void **state)
{
    (void)state;
    struct creds_value v;
    char err[256];
    const char *doc = "{\"RoleArn\":\"arn:aws:iam::1:role/x\",\"AccessKeyId\":\"ASIAEXAMPLE\","
                      "\"SecretAccessKey\":\"" SECRET "\",\"Token\":\"" TOKEN "\","
                      "\"Expiration\":\"2026-11-26T00:57:34Z\"}";
    assert_int_equal(creds_json_parse(doc, strlen(doc), 1795654654 - 3600, &v, err, sizeof err), 0);
    assert_string_equal(v.access_key, "ASIAEXAMPLE");
    assert_string_equal(v.secret_key, SECRET);
    assert_string_equal(v.session_token, TOKEN);
    assert_int_equal(v.expiration, 1795654654);
    assert_int_equal(v.refresh_at, 1795654654 - CREDS_REFRESH_MARGIN_MAX);

    /* IMDS: Code Success, Type, LastUpdated beside. */
    const char *imds = "{\"Code\":\"Success\",\"LastUpdated\":\"2026-11-26T00:00:00Z\","
                       "\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"s\","
                       "\"Token\":\"t\",\"Expiration\":\"2026-11-26T06:00:00Z\"}";
    assert_int_equal(creds_json_parse(imds, strlen(imds), 0, &v, err, sizeof err), 0);
    assert_string_equal(v.access_key, "ASIAIMDS");

    /* No token, no expiry: static credentials that never refresh. */
    const char *plain = "{\"AccessKeyId\":\"AKID\",\"SecretAccessKey\":\"s\"}";
    assert_int_equal(creds_json_parse(plain, strlen(plain), 0, &v, err, sizeof err), 0);
    assert_string_equal(v.session_token, "");
    assert_true(v.refresh_at == INT64_MAX);

    static const struct {
        const char *doc, *want;
    } bad[] = {
        {"not json", "not a JSON object"},
        {"[1,2]", "not a JSON object"},
        {"{\"AccessKeyId\":\"A\"}", "lacks"},
        {"{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\"}", "lacks"},
        {"{\"AccessKeyId\":1,\"SecretAccessKey\":\"" SECRET "\"}", "lacks"},
        {"{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}",
         "AssumeRoleUnauthorizedAccess"},
        {"{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" SECRET "\",\"Expiration\":\"soon\"}",
         "not an ISO 8601 time"},
        {"{\"AccessKeyId\":\"A\\n\",\"SecretAccessKey\":\"" SECRET "\"}", "control character"},
        {"{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" SECRET "\"", "not a JSON object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&v, 'x', sizeof v);
        if (creds_json_parse(bad[i].doc, strlen(bad[i].doc), 0, &v, err, sizeof err) == 0)
            fail_msg("accepted %s", bad[i].doc);
        if (!strstr(err, bad[i].want))
            fail_msg("%s: err '%s' lacks '%s'", bad[i].doc, err, bad[i].want);
        assert_null(strstr(err, SECRET));
        assert_string_equal(v.secret_key, "");
    }

    /* A secret longer than the field is refused, not cut. */
    static char big[CREDS_MAX_SECRET + 200];
    int n = snprintf(big, sizeof big, "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"%0*d\"}",
                     CREDS_MAX_SECRET + 10, 0);
    assert_true(n > 0 && (size_t)n < sizeof big);
    assert_int_equal(creds_json_parse(big, strlen(big), 0, &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "too long"));
}

/* ---- container URL ----------------------------------------------------- */

static void test_container_url(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "http://127.0.0.1:8080/creds", "http://127.1.2.3/x", "http://localhost/x",
        "http://LOCALHOST:1/x", "http://[::1]:9/x", "http://169.254.170.2/v2/credentials/abc",
        "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials",
        "https://creds.example.com/x", "https://10.0.0.1:443/x", "http://127.0.0.1",
    };
    static const char *const no[] = {
        "http://10.0.0.1/creds", "http://example.com/x", "http://127.0.0.1.example.com/x",
        "http://localhost.example.com/x", "http://user@127.0.0.1/x", "ftp://127.0.0.1/x",
        "http://127.0.0/x", "http://127.0.0.1.1/x", "http://1270.0.0.1/x", "http://[::2]/x",
        "127.0.0.1/x", "http://127.0.0.1/a b", "http:///x", "http://127.0.0.1/x\r\n",
        "http://169.254.170.3/x",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (!creds_container_url_allowed(ok[i]))
            fail_msg("refused %s", ok[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (creds_container_url_allowed(no[i]))
            fail_msg("allowed %s", no[i]);
}

/* ---- the chain, over files in a temporary HOME -------------------------- */

static char home[256];

/* Writes text to HOME/.aws/name. */
static void write_aws(const char *name, const char *text)
{
    char path[512];
    int n = snprintf(path, sizeof path, "%s/.aws/%s", home, name);
    assert_true(n > 0 && (size_t)n < sizeof path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static int setup_home(void **state)
{
    (void)state;
    snprintf(home, sizeof home, "/tmp/s3bench-test-creds-XXXXXX");
    if (!mkdtemp(home))
        return -1;
    char dir[300];
    snprintf(dir, sizeof dir, "%s/.aws", home);
    return mkdir(dir, 0700);
}

static int teardown_home(void **state)
{
    (void)state;
    char path[512];
    static const char *const names[] = {"credentials", "config", "token", "alt"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/.aws/%s", home, names[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/.aws", home);
    rmdir(path);
    return rmdir(home);
}

#define MAX_ENV 16

/* Loads the chain with HOME=home and the given NULL-terminated settings. */
static int chain(struct creds_config *cc, const char *const *vars, char *err, size_t errlen)
{
    static char home_var[300];
    snprintf(home_var, sizeof home_var, "HOME=%s", home);
    char *env[MAX_ENV];
    size_t n = 0;
    env[n++] = home_var;
    for (size_t i = 0; vars && vars[i]; i++) {
        assert_true(n < MAX_ENV - 1);
        env[n++] = (char *)vars[i];
    }
    env[n] = NULL;
    err[0] = '\0';
    return creds_config_load(cc, env, err, errlen);
}

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE_VARS NULL

static const char credentials_file[] =
    "[default]\n"
    "aws_access_key_id = AKIDFILEDEFAULT\n"
    "aws_secret_access_key = " SECRET "\n"
    "[dev]\n"
    "aws_access_key_id = AKIDFILEDEV\n"
    "aws_secret_access_key = devsecret\n"
    "aws_session_token = " TOKEN "\n"
    "[half]\n"
    "aws_access_key_id = AKIDHALF\n"
    "[assumer]\n"
    "region = cred-file-region\n";

static const char config_file[] =
    "[default]\n"
    "region = eu-central-1\n"
    "[profile dev]\n"
    "region = ap-southeast-2\n"
    "[profile cfgonly]\n"
    "aws_access_key_id = AKIDCFGONLY\n"
    "aws_secret_access_key = cfgsecret\n"
    "[profile assumer]\n"
    "role_arn = arn:aws:iam::123456789012:role/x\n"
    "source_profile = default\n"
    "[profile regiononly]\n"
    "region = sa-east-1\n"
    "[bare]\n"
    "aws_access_key_id = AKIDBARE\n"
    "aws_secret_access_key = bare\n";

static void test_chain_env_first(void **state)
{
    (void)state;
    write_aws("credentials", credentials_file);
    write_aws("config", config_file);
    struct creds_config cc;
    char err[512];
    assert_int_equal(chain(&cc, V("AWS_ACCESS_KEY_ID=AKIDENV", "AWS_SECRET_ACCESS_KEY=envsecret",
                                  "AWS_SESSION_TOKEN=envtoken"), err, sizeof err), 0);
    assert_int_equal(cc.kind, CREDS_ENV);
    assert_string_equal(cc.value.access_key, "AKIDENV");
    assert_string_equal(cc.value.session_token, "envtoken");
    assert_true(cc.value.refresh_at == INT64_MAX);
    /* The profile's region applies whatever the source of the keys. */
    assert_string_equal(cc.region, "eu-central-1");
    assert_string_equal(cc.profile, "default");
}

static void test_chain_profiles(void **state)
{
    (void)state;
    write_aws("credentials", credentials_file);
    write_aws("config", config_file);
    struct creds_config cc;
    char err[512];

    assert_int_equal(chain(&cc, NONE_VARS, err, sizeof err), 0);
    assert_int_equal(cc.kind, CREDS_PROFILE);
    assert_string_equal(cc.value.access_key, "AKIDFILEDEFAULT");
    assert_string_equal(cc.value.secret_key, SECRET);
    assert_string_equal(cc.value.session_token, "");
    assert_string_equal(cc.region, "eu-central-1");

    assert_int_equal(chain(&cc, V("AWS_PROFILE=dev"), err, sizeof err), 0);
    assert_int_equal(cc.kind, CREDS_PROFILE);
    assert_string_equal(cc.value.access_key, "AKIDFILEDEV");
    assert_string_equal(cc.value.session_token, TOKEN);
    assert_string_equal(cc.region, "ap-southeast-2");

    /* Keys in the config file's [profile NAME] count too. */
    assert_int_equal(chain(&cc, V("AWS_PROFILE=cfgonly"), err, sizeof err), 0);
    assert_string_equal(cc.value.access_key, "AKIDCFGONLY");
    assert_string_equal(cc.region, "");

    /* A profile with a region and no keys: the chain goes on (to IMDS here). */
    assert_int_equal(chain(&cc, V("AWS_PROFILE=regiononly"), err, sizeof err), 0);
    assert_int_equal(cc.kind, CREDS_IMDS);
    assert_string_equal(cc.region, "sa-east-1");
    assert_string_equal(cc.url, "http://169.254.169.254");
}

static void test_chain_profile_errors(void **state)
{
    (void)state;
    write_aws("credentials", credentials_file);
    write_aws("config", config_file);
    struct creds_config cc;
    char err[512];

    /* A named profile must exist, even when the environment has keys. */
    assert_int_equal(chain(&cc, V("AWS_PROFILE=nosuch", "AWS_ACCESS_KEY_ID=A",
                                  "AWS_SECRET_ACCESS_KEY=" SECRET), err, sizeof err), -1);
    assert_non_null(strstr(err, "profile 'nosuch' (AWS_PROFILE) not found in"));
    assert_non_null(strstr(err, "/.aws/credentials"));
    assert_non_null(strstr(err, "/.aws/config"));
    assert_string_equal(cc.value.secret_key, "");
    /* In the config file a bare [NAME] is not a profile. */
    assert_int_equal(chain(&cc, V("AWS_PROFILE=bare"), err, sizeof err), -1);
    assert_non_null(strstr(err, "not found"));

    assert_int_equal(chain(&cc, V("AWS_PROFILE=half"), err, sizeof err), -1);
    assert_non_null(strstr(err, "aws_access_key_id is set in [half] of"));
    assert_non_null(strstr(err, "but aws_secret_access_key is not"));

    assert_int_equal(chain(&cc, V("AWS_PROFILE=assumer"), err, sizeof err), -1);
    assert_non_null(strstr(err, "profile 'assumer' uses role_arn"));
    assert_null(strstr(err, SECRET));

    assert_int_equal(chain(&cc, V("AWS_PROFILE=bad]name"), err, sizeof err), -1);
    assert_non_null(strstr(err, "AWS_PROFILE"));
}

static void test_chain_file_variables(void **state)
{
    (void)state;
    write_aws("credentials", "");
    write_aws("config", "");
    write_aws("alt", "[profile other]\nregion = us-west-2\naws_access_key_id = AKIDALT\n"
                     "aws_secret_access_key = alt\n");
    struct creds_config cc;
    char err[512];
    /* "~/" in the variables is HOME. */
    assert_int_equal(chain(&cc, V("AWS_CONFIG_FILE=~/.aws/alt", "AWS_PROFILE=other"), err, sizeof err), 0);
    assert_string_equal(cc.value.access_key, "AKIDALT");
    assert_string_equal(cc.region, "us-west-2");
    /* Files that do not exist are no error... */
    assert_int_equal(chain(&cc, V("AWS_SHARED_CREDENTIALS_FILE=/nonexistent/c",
                                  "AWS_CONFIG_FILE=/nonexistent/d",
                                  "AWS_EC2_METADATA_DISABLED=true", "AWS_ACCESS_KEY_ID=A",
                                  "AWS_SECRET_ACCESS_KEY=B"), err, sizeof err), 0);
    /* ...unless a profile is asked for, and then the message names them. */
    assert_int_equal(chain(&cc, V("AWS_SHARED_CREDENTIALS_FILE=/nonexistent/c",
                                  "AWS_CONFIG_FILE=/nonexistent/d", "AWS_PROFILE=x"),
                           err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/c or /nonexistent/d"));
    /* A directory is no file. */
    assert_int_equal(chain(&cc, V("AWS_CONFIG_FILE=/tmp"), err, sizeof err), -1);
    assert_non_null(strstr(err, "/tmp"));
}

static void test_chain_container_and_imds(void **state)
{
    (void)state;
    write_aws("credentials", "");
    write_aws("config", "");
    struct creds_config cc;
    char err[512];

    assert_int_equal(chain(&cc, V("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/abc",
                                  "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:1/ignored"),
                           err, sizeof err), 0);
    assert_int_equal(cc.kind, CREDS_CONTAINER);
    assert_string_equal(cc.url, "http://169.254.170.2/v2/credentials/abc");

    assert_int_equal(chain(&cc, V("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9/c",
                                  "AWS_CONTAINER_AUTHORIZATION_TOKEN=tok"), err, sizeof err), 0);
    assert_string_equal(cc.url, "http://127.0.0.1:9/c");
    assert_string_equal(cc.auth_token, "tok");
    /* The token file wins over the token. */
    assert_int_equal(chain(&cc, V("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9/c",
                                  "AWS_CONTAINER_AUTHORIZATION_TOKEN=tok",
                                  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/run/t"), err, sizeof err), 0);
    assert_string_equal(cc.auth_file, "/run/t");
    assert_string_equal(cc.auth_token, "");

    assert_int_equal(chain(&cc, V("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://10.1.1.1/c"), err,
                           sizeof err), -1);
    assert_non_null(strstr(err, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https"));
    assert_int_equal(chain(&cc, V("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=v2/x"), err, sizeof err), -1);
    assert_non_null(strstr(err, "starting with '/'"));
    assert_int_equal(chain(&cc, V("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1/c",
                                  "AWS_CONTAINER_AUTHORIZATION_TOKEN=a\r\nX-Injected: 1"),
                           err, sizeof err), -1);
    assert_non_null(strstr(err, "control character"));

    assert_int_equal(chain(&cc, NONE_VARS, err, sizeof err), 0);
    assert_int_equal(cc.kind, CREDS_IMDS);
    assert_string_equal(cc.url, "http://169.254.169.254");
    assert_int_equal(chain(&cc, V("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6"), err, sizeof err), 0);
    assert_string_equal(cc.url, "http://[fd00:ec2::254]");
    assert_int_equal(chain(&cc, V("AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:4242//"), err,
                           sizeof err), 0);
    assert_string_equal(cc.url, "http://127.0.0.1:4242");
    assert_int_equal(chain(&cc, V("AWS_EC2_METADATA_SERVICE_ENDPOINT=169.254.169.254"), err,
                           sizeof err), -1);
    assert_int_equal(chain(&cc, V("AWS_EC2_METADATA_DISABLED=True"), err, sizeof err), -1);
    assert_non_null(strstr(err, "no credentials"));
    /* Only "true" disables it. */
    assert_int_equal(chain(&cc, V("AWS_EC2_METADATA_DISABLED=1"), err, sizeof err), 0);
    assert_int_equal(cc.kind, CREDS_IMDS);
}

/* ---- the provider ------------------------------------------------------ */

struct syncer {
    struct creds_provider *p;
    int bad;
};

static void *sync_loop(void *arg)
{
    struct syncer *s = arg;
    struct creds_value local;
    memset(&local, 0, sizeof local);
    uint64_t gen = 0;
    for (int i = 0; i < 10000; i++) {
        creds_sync(s->p, 1000 + i, &local, &gen);
        if (strcmp(local.access_key, "AKIDSTATIC") != 0 || strcmp(local.secret_key, SECRET) != 0)
            s->bad++;
    }
    return NULL;
}

static void test_static_provider(void **state)
{
    (void)state;
    struct creds_config cc;
    memset(&cc, 0, sizeof cc);
    cc.kind = CREDS_ENV;
    strcpy(cc.value.access_key, "AKIDSTATIC");
    strcpy(cc.value.secret_key, SECRET);
    static struct creds_provider p;
    struct curlopt http = {NULL, 0, 0};
    char err[256];
    assert_int_equal(creds_provider_init(&p, &cc, &http, err, sizeof err), 0);
    pthread_t t[4];
    struct syncer s[4];
    for (int i = 0; i < 4; i++) {
        s[i] = (struct syncer){&p, 0};
        assert_int_equal(pthread_create(&t[i], NULL, sync_loop, &s[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(s[i].bad, 0);
    }
    /* Static credentials never come due: one generation all along. */
    assert_int_equal(atomic_load(&p.generation), 1);
    creds_provider_cleanup(&p);
    assert_string_equal(p.current.secret_key, "");
}

static void test_provider_fetch_fails(void **state)
{
    (void)state;
    struct creds_config cc;
    memset(&cc, 0, sizeof cc);
    cc.kind = CREDS_CONTAINER;
    /* Port 1 on loopback: refused at once. */
    strcpy(cc.url, "http://127.0.0.1:1/creds");
    strcpy(cc.auth_token, TOKEN);
    static struct creds_provider p;
    struct curlopt http = {NULL, 0, 0};
    char err[512];
    assert_int_equal(creds_provider_init(&p, &cc, &http, err, sizeof err), -1);
    assert_non_null(strstr(err, "no credentials from the container: GET http://127.0.0.1:1/creds"));
    assert_null(strstr(err, TOKEN));
    creds_provider_cleanup(&p);

    cc.kind = CREDS_IMDS;
    strcpy(cc.url, "http://127.0.0.1:1");
    assert_int_equal(creds_provider_init(&p, &cc, &http, err, sizeof err), -1);
    assert_non_null(strstr(err, "no credentials from the IMDS: PUT http://127.0.0.1:1/latest/api/token"));
    creds_provider_cleanup(&p);
}

/* ---- redaction --------------------------------------------------------- */

static void test_redact_header(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, "
         "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef\r\n",
         "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, "
         "SignedHeaders=host;x-amz-date, Signature=<redacted>"},
        {"authorization: Bearer " TOKEN, "authorization: <redacted>"},
        {"Authorization:" TOKEN, "Authorization:<redacted>"},
        {"x-amz-security-token: " TOKEN "\r\n", "x-amz-security-token: <redacted>"},
        {"X-Amz-Security-Token:   " TOKEN, "X-Amz-Security-Token:   <redacted>"},
        {"X-aws-ec2-metadata-token: AQAEA" TOKEN, "X-aws-ec2-metadata-token: <redacted>"},
        {"x-amz-date: 20260101T000000Z\r\n", "x-amz-date: 20260101T000000Z"},
        {"GET /bucket/key HTTP/1.1\r\n", "GET /bucket/key HTTP/1.1"},
        {"x-amz-security-tokens: shown", "x-amz-security-tokens: shown"},
        {"\r\n", ""},
    };
    char out[512];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        redact_header(cases[i].in, strlen(cases[i].in), out, sizeof out);
        assert_string_equal(out, cases[i].out);
    }
    /* A small buffer cuts, and still shows no secret. */
    char small[24];
    redact_header("x-amz-security-token: " TOKEN, strlen("x-amz-security-token: " TOKEN), small,
                  sizeof small);
    assert_null(strstr(small, "IQo"));
    assert_int_equal(strlen(small), sizeof small - 1);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ini_get),
        cmocka_unit_test(test_ini_has_section),
        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_refresh_time),
        cmocka_unit_test(test_json_parse),
        cmocka_unit_test(test_container_url),
        cmocka_unit_test_setup_teardown(test_chain_env_first, setup_home, teardown_home),
        cmocka_unit_test_setup_teardown(test_chain_profiles, setup_home, teardown_home),
        cmocka_unit_test_setup_teardown(test_chain_profile_errors, setup_home, teardown_home),
        cmocka_unit_test_setup_teardown(test_chain_file_variables, setup_home, teardown_home),
        cmocka_unit_test_setup_teardown(test_chain_container_and_imds, setup_home, teardown_home),
        cmocka_unit_test(test_static_provider),
        cmocka_unit_test(test_provider_fetch_fails),
        cmocka_unit_test(test_redact_header),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
