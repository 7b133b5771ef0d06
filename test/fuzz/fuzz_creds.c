/* Fuzz target: the credential parsers of include/creds.h: the shared-file
 * INI reader (creds_ini_get, creds_ini_has_section), the container/IMDS
 * JSON document (creds_json_parse), its time format (creds_time_parse) and
 * the container URL check.
 *
 * Input: "SECTION\nKEY\n" and then the text (any bytes, NULs included, as a
 * file may hold them). The text goes, exactly sized, to the INI and JSON
 * parsers, and as a C string to the time and URL checks.
 *
 * Checks: results are in their documented sets; a value found fits and is
 * NUL-terminated; parsed credentials are non-empty, NUL-terminated and free
 * of control characters, and a failed parse leaves none behind; the
 * refresh time lies between now + CREDS_REFRESH_MIN_WAIT and the expiry. */
#include "fuzz.h"

#include "creds.h"

#include <strings.h>

#define CREDS_FUZZ_NOW INT64_C(1700000000)

static int creds_fuzz_clean(const char *s, size_t cap)
{
    const char *end = memchr(s, '\0', cap);
    if (!end)
        return 0;
    for (; s < end; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

static int creds_fuzz_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

/* A malloc'd NUL-terminated copy of the first line of [*p, end), moving *p
 * past it. */
static char *creds_fuzz_line(const char **p, const char *end)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    char *s = malloc(n + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, *p, n);
    s[n] = '\0';
    *p = nl ? nl + 1 : end;
    return s;
}

static void creds_fuzz_ini(const char *text, size_t len, const char *section, const char *key)
{
    int has = creds_ini_has_section(text, len, section);
    FUZZ_CHECK(has == 0 || has == 1);
    size_t caps[] = {1, 8, CREDS_MAX_SECRET};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char *out = malloc(caps[i]);
        FUZZ_CHECK(out != NULL);
        memset(out, 0x55, caps[i]);
        int rc = creds_ini_get(text, len, section, key, out, caps[i]);
        FUZZ_CHECK(rc >= -1 && rc <= 1);
        if (rc == 1)
            FUZZ_CHECK(memchr(out, '\0', caps[i]) != NULL);
        /* A value is only looked for in a section that exists. */
        if (rc != 0)
            FUZZ_CHECK(has == 1);
        free(out);
    }
}

static void creds_fuzz_json(const char *text, size_t len)
{
    static struct creds_value v;
    char err[256];
    memset(&v, 0x55, sizeof v);
    memset(err, 0x55, sizeof err);
    int rc = creds_json_parse(text, len, CREDS_FUZZ_NOW, &v, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc != 0) {
        FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
        FUZZ_CHECK(creds_fuzz_zero(&v, sizeof v));
        return;
    }
    FUZZ_CHECK(v.access_key[0] && v.secret_key[0]);
    FUZZ_CHECK(creds_fuzz_clean(v.access_key, sizeof v.access_key));
    FUZZ_CHECK(creds_fuzz_clean(v.secret_key, sizeof v.secret_key));
    FUZZ_CHECK(creds_fuzz_clean(v.session_token, sizeof v.session_token));
    if (v.expiration == 0) {
        FUZZ_CHECK(v.refresh_at == INT64_MAX);
    } else {
        FUZZ_CHECK(v.refresh_at >= CREDS_FUZZ_NOW + CREDS_REFRESH_MIN_WAIT);
        FUZZ_CHECK(v.refresh_at <= v.expiration || v.refresh_at == CREDS_FUZZ_NOW + CREDS_REFRESH_MIN_WAIT);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    const char *p = (const char *)data, *end = p + size;
    char *section = creds_fuzz_line(&p, end);
    char *key = creds_fuzz_line(&p, end);
    size_t len = (size_t)(end - p);
    /* Exactly sized, not NUL-terminated: the parsers take a length. */
    char *text = fuzz_dup(p, len);
    FUZZ_CHECK(text != NULL);
    creds_fuzz_ini(text, len, section, key);
    creds_fuzz_json(text, len);

    char *str = malloc(len + 1);
    FUZZ_CHECK(str != NULL);
    memcpy(str, text, len);
    str[len] = '\0';
    int64_t t = 0;
    int rc = creds_time_parse(str, &t);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == 0) {
        /* Years 0000-9999 with an offset of at most a day. */
        FUZZ_CHECK(t >= INT64_C(-62167219200) - 86400 && t <= INT64_C(253402300800) + 86400);
        int64_t at = creds_refresh_time(CREDS_FUZZ_NOW, t);
        FUZZ_CHECK(at >= CREDS_FUZZ_NOW + CREDS_REFRESH_MIN_WAIT);
    }
    int ok = creds_container_url_allowed(str);
    FUZZ_CHECK(ok == 0 || ok == 1);
    if (ok)
        FUZZ_CHECK(strncasecmp(str, "http://", 7) == 0 || strncasecmp(str, "https://", 8) == 0);

    free(str);
    free(text);
    free(key);
    free(section);
    return 0;
}
