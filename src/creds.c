/* AWS credentials: the provider chain (environment, shared files,
 * container endpoint, IMDSv2) and the refreshing provider. See creds.h for
 * the design; the pure parsers come first, then the chain, then HTTP and
 * the provider. */
#include "creds.h"

#include "env.h"
#include "errmsg.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/crypto.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Shared files are a few hundred bytes; anything near this is not one. */
#define MAX_FILE (1u << 20)
/* A credentials answer is under 2 KB; an IMDS token about 60 bytes. */
#define MAX_ANSWER 65536
#define IMDS_TOKEN_TTL "21600"
#define IMDS_CREDS_PATH "/latest/meta-data/iam/security-credentials/"
#define ECS_HOST "http://169.254.170.2"
#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_DEFAULT_V6 "http://[fd00:ec2::254]"
/* Timeouts in ms. IMDS is short: a machine without one must not wait. */
#define IMDS_CONNECT_MS 1000
#define IMDS_TOTAL_MS 2000
#define CONTAINER_CONNECT_MS 2000
#define CONTAINER_TOTAL_MS 5000
/* After a failed refresh, the next try waits this long at most. */
#define RETRY_MAX_WAIT 30

/* ---- small helpers ----------------------------------------------------- */

/* Copies n bytes of s into dst[cap] with a NUL. Returns 0, or -1 (dst
 * emptied) when it does not fit. */
static int copy_n(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap) {
        dst[0] = '\0';
        return -1;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

/* copy_n of a whole C string. */
static int copy_str(char *dst, size_t cap, const char *s)
{
    return copy_n(dst, cap, s, strlen(s));
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims blanks and CR from both ends of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (is_blank(**s) || **s == '\r')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && (is_blank((*s)[*n - 1]) || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* 1 when s holds a byte that must not reach an HTTP header or a URL
 * (controls, and so CR and LF). */
static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* ---- INI text ---------------------------------------------------------- */

/* Hands out the lines of [*p, end) one by one (without the newline).
 * Returns 0 when there are none left. */
static int next_line(const char **p, const char *end, const char **line, size_t *n)
{
    if (*p >= end)
        return 0;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    *line = *p;
    *n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    *p = nl ? nl + 1 : end;
    return 1;
}

/* 1 when the section name name[n] (inside the brackets, untrimmed) equals
 * want, blanks trimmed and each run of blanks taken as one space. A NUL in
 * name (a file may hold one) never matches want's end. */
static int section_is(const char *name, size_t n, const char *want)
{
    trim(&name, &n);
    size_t i = 0;
    while (i < n) {
        if (is_blank(name[i])) {
            while (i < n && is_blank(name[i]))
                i++;
            if (*want++ != ' ')
                return 0;
            continue;
        }
        if (*want == '\0' || *want++ != name[i++])
            return 0;
    }
    return *want == '\0';
}

/* If line is a section header, returns 1 and sets *name, *n to the text
 * between the brackets; else 0. */
static int section_header(const char *line, size_t len, const char **name, size_t *n)
{
    trim(&line, &len);
    if (len < 2 || line[0] != '[' || line[len - 1] != ']')
        return 0;
    *name = line + 1;
    *n = len - 2;
    return 1;
}

/* Skips a UTF-8 byte order mark at the start of the text. */
static void skip_bom(const char **text, size_t *len)
{
    if (*len >= 3 && memcmp(*text, "\xEF\xBB\xBF", 3) == 0) {
        *text += 3;
        *len -= 3;
    }
}

int creds_ini_has_section(const char *text, size_t len, const char *section)
{
    skip_bom(&text, &len);
    const char *p = text, *end = text + len, *line, *name;
    size_t n, nn;
    while (next_line(&p, end, &line, &n))
        if (section_header(line, n, &name, &nn) && section_is(name, nn, section))
            return 1;
    return 0;
}

int creds_ini_get(const char *text, size_t len, const char *section, const char *key,
                  char *out, size_t outlen)
{
    skip_bom(&text, &len);
    const char *p = text, *end = text + len, *line, *name;
    size_t n, nn;
    int in_section = 0, seen = 0;
    size_t klen = strlen(key);
    while (next_line(&p, end, &line, &n)) {
        if (section_header(line, n, &name, &nn)) {
            /* Only the first section of that name counts. */
            if (in_section)
                return 0;
            in_section = !seen && section_is(name, nn, section);
            seen |= in_section;
            continue;
        }
        /* Indented lines continue a nested setting (`s3 =` and its
         * `addressing_style = path` below it): never a key of the profile. */
        if (!in_section || n == 0 || is_blank(line[0]))
            continue;
        trim(&line, &n);
        if (n == 0 || line[0] == '#' || line[0] == ';')
            continue;
        size_t d = 0;
        while (d < n && line[d] != '=' && line[d] != ':')
            d++;
        if (d == n)
            continue;
        const char *k = line, *v = line + d + 1;
        size_t kn = d, vn = n - d - 1;
        trim(&k, &kn);
        trim(&v, &vn);
        if (kn == klen && strncasecmp(k, key, klen) == 0)
            return copy_n(out, outlen, v, vn) == 0 ? 1 : -1;
    }
    return 0;
}

/* ---- JSON and time ----------------------------------------------------- */

int creds_time_parse(const char *s, int64_t *out)
{
    /* Positions of the digits in "YYYY-MM-DDTHH:MM:SS". */
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    int v[6] = {0};
    int field = 0;
    for (size_t i = 0; shape[i]; i++) {
        char c = s[i];
        if (shape[i] == 'd') {
            if (c < '0' || c > '9')
                return -1;
            v[field] = v[field] * 10 + (c - '0');
            if (shape[i + 1] != 'd')
                field++;
        } else if (c != shape[i] && !(shape[i] == 'T' && c == 't')) {
            return -1;
        }
    }
    const char *p = s + strlen(shape);
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    int offset = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        offset = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int hh = 0, mm = 0;
        for (int i = 1; i <= 5; i++) {
            if (i == 3)
                continue;
            if (p[i] < '0' || p[i] > '9')
                return -1;
            if (i < 3)
                hh = hh * 10 + (p[i] - '0');
            else
                mm = mm * 10 + (p[i] - '0');
        }
        if (hh > 23 || mm > 59)
            return -1;
        offset = (*p == '+' ? 1 : -1) * (hh * 3600 + mm * 60);
    } else {
        return -1;
    }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60)
        return -1;
    struct tm tm = {
        .tm_year = v[0] - 1900, .tm_mon = v[1] - 1, .tm_mday = v[2],
        .tm_hour = v[3], .tm_min = v[4], .tm_sec = v[5],
    };
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = (int64_t)t - offset;
    return 0;
}

int64_t creds_refresh_time(int64_t now, int64_t expiration)
{
    if (expiration == 0)
        return INT64_MAX;
    int64_t margin = (expiration - now) / 2;
    if (margin > CREDS_REFRESH_MARGIN_MAX)
        margin = CREDS_REFRESH_MARGIN_MAX;
    int64_t at = expiration - margin;
    return at < now + CREDS_REFRESH_MIN_WAIT ? now + CREDS_REFRESH_MIN_WAIT : at;
}

/* The string member name of obj, or NULL when absent or not a string. */
static const char *json_str(const cJSON *obj, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

int creds_json_parse(const char *text, size_t len, int64_t now, struct creds_value *out,
                     char *err, size_t errlen)
{
    int rc = -1;
    const char *sk = NULL, *token = NULL;
    memset(out, 0, sizeof *out);
    cJSON *doc = cJSON_ParseWithLength(text, len);
    if (!cJSON_IsObject(doc)) {
        errmsg_set(err, errlen, "the answer is not a JSON object");
        goto cleanup;
    }
    /* IMDS says why it has no credentials in Code; the codes are no secret. */
    const char *code = json_str(doc, "Code");
    if (code && strcmp(code, "Success") != 0) {
        errmsg_set(err, errlen, "the answer's Code is '%.64s', not Success", code);
        goto cleanup;
    }
    const char *ak = json_str(doc, "AccessKeyId");
    sk = json_str(doc, "SecretAccessKey");
    token = json_str(doc, "Token");
    const char *exp = json_str(doc, "Expiration");
    if (!ak || !ak[0] || !sk || !sk[0]) {
        errmsg_set(err, errlen, "the answer lacks AccessKeyId or SecretAccessKey");
        goto cleanup;
    }
    if (copy_str(out->access_key, sizeof out->access_key, ak) != 0 ||
        copy_str(out->secret_key, sizeof out->secret_key, sk) != 0 ||
        (token && copy_str(out->session_token, sizeof out->session_token, token) != 0)) {
        errmsg_set(err, errlen, "AccessKeyId, SecretAccessKey or Token too long");
        goto cleanup;
    }
    if (has_control(out->access_key) || has_control(out->secret_key) ||
        has_control(out->session_token)) {
        errmsg_set(err, errlen, "control character in AccessKeyId, SecretAccessKey or Token");
        goto cleanup;
    }
    if (exp && creds_time_parse(exp, &out->expiration) != 0) {
        errmsg_set(err, errlen, "Expiration '%.40s' is not an ISO 8601 time", exp);
        goto cleanup;
    }
    out->refresh_at = creds_refresh_time(now, out->expiration);
    rc = 0;
cleanup:
    if (rc != 0)
        OPENSSL_cleanse(out, sizeof *out);
    /* The parsed tree holds the secret too. */
    if (sk)
        OPENSSL_cleanse((void *)sk, strlen(sk));
    if (token)
        OPENSSL_cleanse((void *)token, strlen(token));
    cJSON_Delete(doc);
    return rc;
}

/* ---- container URL ----------------------------------------------------- */

int creds_container_url_allowed(const char *url)
{
    if (has_control(url) || strchr(url, ' '))
        return 0;
    int https = strncasecmp(url, "https://", 8) == 0;
    if (!https && strncasecmp(url, "http://", 7) != 0)
        return 0;
    const char *auth = url + (https ? 8 : 7);
    size_t alen = strcspn(auth, "/?#");
    if (alen == 0 || memchr(auth, '@', alen))
        return 0;
    if (https)
        return 1;
    /* The host without the port. */
    size_t hlen = alen;
    if (auth[0] == '[') {
        const char *close = memchr(auth, ']', alen);
        if (!close)
            return 0;
        hlen = (size_t)(close - auth) + 1;
    } else {
        const char *colon = memchr(auth, ':', alen);
        if (colon)
            hlen = (size_t)(colon - auth);
    }
    static const char *const hosts[] = {
        "localhost", "[::1]", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]",
    };
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
        if (hlen == strlen(hosts[i]) && strncasecmp(auth, hosts[i], hlen) == 0)
            return 1;
    /* 127.0.0.0/8: four dotted numbers, the first 127. */
    if (hlen < 4 || strncmp(auth, "127.", 4) != 0)
        return 0;
    int dots = 0, digits = 0;
    for (size_t i = 0; i < hlen; i++) {
        if (auth[i] == '.') {
            if (digits == 0)
                return 0;
            dots++;
            digits = 0;
        } else if (auth[i] >= '0' && auth[i] <= '9' && digits < 3) {
            digits++;
        } else {
            return 0;
        }
    }
    return dots == 3 && digits > 0;
}

/* ---- files ------------------------------------------------------------- */

/* Reads the whole file path into a malloc'd NUL-terminated *text. Returns 1
 * read, 0 when it does not exist, -1 with a message in err otherwise. */
static int file_read(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        return errmsg_set(err, errlen, "cannot read %s: %s", path, strerror(errno));
    }
    int rc = -1;
    char *buf = malloc(MAX_FILE + 1);
    if (!buf) {
        errmsg_set(err, errlen, "out of memory reading %s", path);
        goto cleanup;
    }
    size_t n = fread(buf, 1, MAX_FILE + 1, f);
    if (ferror(f)) {
        errmsg_set(err, errlen, "cannot read %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (n > MAX_FILE) {
        errmsg_set(err, errlen, "%s is larger than %u bytes", path, MAX_FILE);
        goto cleanup;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    buf = NULL;
    rc = 1;
cleanup:
    if (buf)
        OPENSSL_cleanse(buf, MAX_FILE + 1);
    free(buf);
    fclose(f);
    return rc;
}

/* Frees a file read by file_read, wiping it: it may hold secret keys. */
static void file_free(char *text, size_t len)
{
    if (text)
        OPENSSL_cleanse(text, len);
    free(text);
}

/* Writes the shared file's path into dst: the variable var when set (a
 * leading "~/" taken from HOME), else HOME/.aws/name. Returns 1, 0 when
 * there is no path (no HOME), -1 with a message when it is too long. */
static int shared_path(char *dst, size_t cap, char **env, const char *var, const char *name,
                       char *err, size_t errlen)
{
    const char *v = env_get(env, var);
    const char *home = env_get(env, "HOME");
    int n;
    if (v && strncmp(v, "~/", 2) == 0 && home)
        n = snprintf(dst, cap, "%s%s", home, v + 1);
    else if (v)
        n = snprintf(dst, cap, "%s", v);
    else if (home)
        n = snprintf(dst, cap, "%s/.aws/%s", home, name);
    else
        return 0;
    if (n < 0 || (size_t)n >= cap)
        return errmsg_set(err, errlen, "the path of the shared %s file is too long", name);
    return 1;
}

/* One shared file and the profile's section in it. */
struct shared {
    char path[CREDS_MAX_PATH];
    char *text;
    size_t len;
    const char *section; /* the profile's section name in it, NULL if none */
    char section_buf[CREDS_MAX_NAME + 16];
};

/* Reads the shared file (see shared_path) into sh and finds the profile's
 * section: [profile] in the credentials file; in the config file [default]
 * or [profile default] for the default profile, [profile NAME] for others
 * (a bare [NAME] there is not a profile, as in the SDKs). Returns 0, or -1
 * with a message in err. */
static int shared_load(struct shared *sh, char **env, const char *var, const char *name,
                       int is_config, const char *profile, char *err, size_t errlen)
{
    int rc = shared_path(sh->path, sizeof sh->path, env, var, name, err, errlen);
    if (rc <= 0)
        return rc;
    if (file_read(sh->path, &sh->text, &sh->len, err, errlen) < 0)
        return -1;
    if (!sh->text)
        return 0;
    const char *cands[2] = {profile, NULL};
    if (is_config) {
        int n = snprintf(sh->section_buf, sizeof sh->section_buf, "profile %s", profile);
        if (n < 0 || (size_t)n >= sizeof sh->section_buf)
            return errmsg_set(err, errlen, "profile name too long");
        cands[0] = strcmp(profile, "default") == 0 ? "default" : sh->section_buf;
        cands[1] = strcmp(profile, "default") == 0 ? sh->section_buf : NULL;
    }
    for (int i = 0; i < 2 && cands[i]; i++)
        if (creds_ini_has_section(sh->text, sh->len, cands[i])) {
            sh->section = cands[i];
            break;
        }
    return 0;
}

/* Looks key up in the profile's section of sh. Returns 1, 0 or -1 (with a
 * message naming the file and key) as creds_ini_get. */
static int shared_get(const struct shared *sh, const char *key, char *out, size_t outlen,
                      char *err, size_t errlen)
{
    if (!sh->section)
        return 0;
    int rc = creds_ini_get(sh->text, sh->len, sh->section, key, out, outlen);
    if (rc < 0)
        errmsg_set(err, errlen, "%s in [%s] of %s is too long", key, sh->section, sh->path);
    return rc;
}

/* ---- the chain --------------------------------------------------------- */

/* Checks a key pair's halves and copies them and the optional token into
 * v. names[] are the three settings' names (variables or file keys) and
 * where says which file; messages use them, never the values. */
static int take_pair(struct creds_value *v, const char *id, const char *secret, const char *token,
                     const char *const names[3], const char *where, char *err, size_t errlen)
{
    if (!secret)
        return errmsg_set(err, errlen, "%s is set%s but %s is not", names[0], where, names[1]);
    if (!id)
        return errmsg_set(err, errlen, "%s is set%s but %s is not", names[1], where, names[0]);
    const char *vals[3] = {id, secret, token};
    char *dsts[3] = {v->access_key, v->secret_key, v->session_token};
    size_t caps[3] = {sizeof v->access_key, sizeof v->secret_key, sizeof v->session_token};
    for (int i = 0; i < 3; i++) {
        if (vals[i] && copy_str(dsts[i], caps[i], vals[i]) != 0)
            return errmsg_set(err, errlen, "%s%s is too long (at most %zu characters)", names[i],
                              where, caps[i] - 1);
        if (has_control(dsts[i]))
            return errmsg_set(err, errlen, "%s%s holds a control character", names[i], where);
    }
    v->expiration = 0;
    v->refresh_at = INT64_MAX;
    return 0;
}

/* The profile's keys from the credentials file, else the config file.
 * Returns 1 when found (cc->value filled), 0 when the profile has none,
 * -1 with a message. */
static int profile_keys(struct creds_config *cc, const struct shared *files, char *err,
                        size_t errlen)
{
    static const char *const file_keys[3] = {
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token",
    };
    for (int i = 0; i < 2; i++) {
        const struct shared *sh = &files[i];
        char id[CREDS_MAX_KEY], secret[CREDS_MAX_SECRET], token[CREDS_MAX_TOKEN];
        int has_id = shared_get(sh, "aws_access_key_id", id, sizeof id, err, errlen);
        int has_secret = shared_get(sh, "aws_secret_access_key", secret, sizeof secret, err, errlen);
        int has_token = shared_get(sh, "aws_session_token", token, sizeof token, err, errlen);
        int rc = 0;
        if (has_id < 0 || has_secret < 0 || has_token < 0) {
            rc = -1;
        } else if (has_id > 0 || has_secret > 0) {
            char where[CREDS_MAX_PATH + 64];
            /* Only for messages, so a cut one is fine. */
            errmsg_set(where, sizeof where, " in [%s] of %s", sh->section, sh->path);
            rc = take_pair(&cc->value, has_id > 0 && id[0] ? id : NULL,
                           has_secret > 0 && secret[0] ? secret : NULL,
                           has_token > 0 && token[0] ? token : NULL, file_keys, where, err,
                           errlen) == 0 ? 1 : -1;
        }
        OPENSSL_cleanse(secret, sizeof secret);
        OPENSSL_cleanse(token, sizeof token);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Refuses a profile that gets its credentials in a way s3bench does not
 * implement, rather than quietly going on to the container or IMDS. */
static int profile_unsupported(const struct creds_config *cc, const struct shared *files,
                               char *err, size_t errlen)
{
    static const char *const keys[] = {
        "role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file",
    };
    char val[CREDS_MAX_URL];
    for (int i = 0; i < 2; i++)
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            if (shared_get(&files[i], keys[k], val, sizeof val, err, errlen) != 0)
                return errmsg_set(err, errlen,
                                  "profile '%s' uses %s (in %s), which s3bench does not support: "
                                  "give it aws_access_key_id and aws_secret_access_key, or use "
                                  "the container or instance role",
                                  cc->profile, keys[k], files[i].path);
    return 0;
}

/* The profile's region: the config file's, else the credentials file's. */
static int profile_region(struct creds_config *cc, const struct shared *files, char *err,
                          size_t errlen)
{
    for (int i = 1; i >= 0; i--) {
        int rc = shared_get(&files[i], "region", cc->region, sizeof cc->region, err, errlen);
        if (rc < 0)
            return -1;
        if (rc > 0 && cc->region[0])
            return 0;
    }
    cc->region[0] = '\0';
    return 0;
}

/* Container credentials from the environment. Returns 1 when configured
 * (cc filled), 0 when not, -1 with a message. */
static int container_config(struct creds_config *cc, char **env, char *err, size_t errlen)
{
    const char *rel = env_get(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = env_get(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!rel && !full)
        return 0;
    if (rel) {
        int n = snprintf(cc->url, sizeof cc->url, ECS_HOST "%s", rel);
        if (rel[0] != '/' || has_control(rel) || strchr(rel, ' '))
            return errmsg_set(err, errlen,
                              "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path starting with '/'");
        if (n < 0 || (size_t)n >= sizeof cc->url)
            return errmsg_set(err, errlen, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is too long");
    } else {
        if (!creds_container_url_allowed(full))
            return errmsg_set(err, errlen,
                              "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a "
                              "loopback address or the ECS/EKS agent");
        if (copy_str(cc->url, sizeof cc->url, full) != 0)
            return errmsg_set(err, errlen, "AWS_CONTAINER_CREDENTIALS_FULL_URI is too long");
    }
    const char *file = env_get(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *token = env_get(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (file && copy_str(cc->auth_file, sizeof cc->auth_file, file) != 0)
        return errmsg_set(err, errlen, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is too long");
    if (!file && token) {
        if (copy_str(cc->auth_token, sizeof cc->auth_token, token) != 0)
            return errmsg_set(err, errlen, "AWS_CONTAINER_AUTHORIZATION_TOKEN is too long");
        if (has_control(token))
            return errmsg_set(err, errlen, "AWS_CONTAINER_AUTHORIZATION_TOKEN holds a control character");
    }
    cc->kind = CREDS_CONTAINER;
    return 1;
}

/* IMDS from the environment. Returns 1 when usable (cc filled), 0 when
 * disabled, -1 with a message. */
static int imds_config(struct creds_config *cc, char **env, char *err, size_t errlen)
{
    const char *off = env_get(env, "AWS_EC2_METADATA_DISABLED");
    if (off && strcasecmp(off, "true") == 0)
        return 0;
    const char *ep = env_get(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    const char *mode = env_get(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    if (!ep)
        ep = mode && strcasecmp(mode, "IPv6") == 0 ? IMDS_DEFAULT_V6 : IMDS_DEFAULT;
    if ((strncasecmp(ep, "http://", 7) != 0 && strncasecmp(ep, "https://", 8) != 0) ||
        has_control(ep) || strchr(ep, ' '))
        return errmsg_set(err, errlen, "AWS_EC2_METADATA_SERVICE_ENDPOINT must be an http(s) URL");
    if (copy_str(cc->url, sizeof cc->url, ep) != 0)
        return errmsg_set(err, errlen, "AWS_EC2_METADATA_SERVICE_ENDPOINT is too long");
    size_t n = strlen(cc->url);
    while (n > 0 && cc->url[n - 1] == '/')
        cc->url[--n] = '\0';
    cc->kind = CREDS_IMDS;
    return 1;
}

int creds_config_load(struct creds_config *cc, char **env, char *err, size_t errlen)
{
    int rc = -1;
    memset(cc, 0, sizeof *cc);
    struct shared files[2]; /* credentials, config */
    memset(files, 0, sizeof files);

    const char *named = env_get(env, "AWS_PROFILE");
    if (copy_str(cc->profile, sizeof cc->profile, named ? named : "default") != 0 ||
        has_control(cc->profile) || strchr(cc->profile, ']')) {
        errmsg_set(err, errlen, "AWS_PROFILE is not a usable profile name");
        goto cleanup;
    }
    if (shared_load(&files[0], env, "AWS_SHARED_CREDENTIALS_FILE", "credentials", 0, cc->profile,
                    err, errlen) != 0 ||
        shared_load(&files[1], env, "AWS_CONFIG_FILE", "config", 1, cc->profile, err, errlen) != 0)
        goto cleanup;
    /* A profile asked for by name must exist, whatever source wins: the
     * SDKs refuse the same, and a typo should not go unnoticed. */
    if (named && !files[0].section && !files[1].section) {
        errmsg_set(err, errlen, "profile '%s' (AWS_PROFILE) not found in %s or %s", cc->profile,
                   files[0].path[0] ? files[0].path : "~/.aws/credentials",
                   files[1].path[0] ? files[1].path : "~/.aws/config");
        goto cleanup;
    }
    if (profile_region(cc, files, err, errlen) != 0)
        goto cleanup;

    const char *id = env_get(env, "AWS_ACCESS_KEY_ID");
    const char *secret = env_get(env, "AWS_SECRET_ACCESS_KEY");
    if (id || secret) {
        static const char *const vars[3] = {
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        };
        if (take_pair(&cc->value, id, secret, env_get(env, "AWS_SESSION_TOKEN"), vars, "", err,
                      errlen) != 0)
            goto cleanup;
        cc->kind = CREDS_ENV;
        rc = 0;
        goto cleanup;
    }
    int found = profile_keys(cc, files, err, errlen);
    if (found < 0)
        goto cleanup;
    if (found) {
        cc->kind = CREDS_PROFILE;
        rc = 0;
        goto cleanup;
    }
    if (profile_unsupported(cc, files, err, errlen) != 0)
        goto cleanup;
    if ((found = container_config(cc, env, err, errlen)) != 0) {
        rc = found > 0 ? 0 : -1;
        goto cleanup;
    }
    if ((found = imds_config(cc, env, err, errlen)) != 0) {
        rc = found > 0 ? 0 : -1;
        goto cleanup;
    }
    errmsg_set(err, errlen,
               "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, "
               "or run with a container or instance role (AWS_EC2_METADATA_DISABLED is set)");
cleanup:
    file_free(files[0].text, files[0].len);
    file_free(files[1].text, files[1].len);
    if (rc != 0) {
        char keep[CREDS_MAX_NAME];
        memcpy(keep, cc->profile, sizeof keep);
        OPENSSL_cleanse(cc, sizeof *cc);
        memcpy(cc->profile, keep, sizeof keep);
    }
    return rc;
}

const char *creds_kind_name(enum creds_kind k)
{
    switch (k) {
    case CREDS_ENV: return "environment";
    case CREDS_PROFILE: return "profile";
    case CREDS_CONTAINER: return "container";
    case CREDS_IMDS: return "IMDS";
    }
    return "unknown";
}

/* ---- HTTP -------------------------------------------------------------- */

/* An answer, bounded. */
struct answer {
    char data[MAX_ANSWER + 1];
    size_t len;
    int overflow;
};

/* libcurl write callback: appends to the answer up to MAX_ANSWER bytes. */
static size_t on_answer(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct answer *a = userdata;
    size_t n = size * nmemb;
    if (a->len + n > MAX_ANSWER) {
        a->overflow = 1;
        return 0;
    }
    memcpy(a->data + a->len, data, n);
    a->len += n;
    a->data[a->len] = '\0';
    return n;
}

/* One request to the container endpoint or IMDS: method (GET or PUT, no
 * body) on url with the header lines hdr (NULL-terminated), the answer in
 * *a. Returns 0 for a 2xx answer, else -1 with a message in err (the URL
 * and the status or transport error; never a header value). */
static int http_call(const struct curlopt *h, const char *method, const char *url,
                     const char *const *hdr, long connect_ms, long total_ms, struct answer *a,
                     char *err, size_t errlen)
{
    int rc = -1;
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *list = NULL;
    CURL *c = curl_easy_init();
    a->len = 0;
    a->overflow = 0;
    a->data[0] = '\0';
    if (!c) {
        errmsg_set(err, errlen, "curl_easy_init failed");
        goto cleanup;
    }
    for (size_t i = 0; hdr && hdr[i]; i++) {
        struct curl_slist *nl = curl_slist_append(list, hdr[i]);
        if (!nl) {
            errmsg_set(err, errlen, "out of memory");
            goto cleanup;
        }
        list = nl;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_answer);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total_ms);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    /* Link-local and loopback endpoints: a proxy could not reach them, and
     * must not see the tokens. */
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "s3bench");
    curlopt_apply(c, h);
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK)
        errmsg_set(err, errlen, "%s %s: %s", method, url,
                   a->overflow ? "answer too long" : errbuf[0] ? errbuf : curl_easy_strerror(cc));
    else if (status < 200 || status >= 300)
        errmsg_set(err, errlen, "%s %s: HTTP %ld", method, url, status);
    else
        rc = 0;
cleanup:
    curl_slist_free_all(list);
    if (c)
        curl_easy_cleanup(c);
    return rc;
}

/* Builds "Name: value" into dst. Returns 0, or -1 with a message. */
static int header_line(char *dst, size_t cap, const char *name, const char *value, char *err,
                       size_t errlen)
{
    int n = snprintf(dst, cap, "%s: %s", name, value);
    if (n < 0 || (size_t)n >= cap)
        return errmsg_set(err, errlen, "%s value too long", name);
    return 0;
}

/* Reads the container authorization token from file (it may rotate, so at
 * every fetch) into dst, a trailing newline dropped. Returns 0 or -1. */
static int token_file_read(const char *file, char *dst, size_t cap, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    int rc = file_read(file, &text, &len, err, errlen);
    if (rc == 0)
        errmsg_set(err, errlen, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s does not exist", file);
    if (rc <= 0)
        return -1;
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        text[--len] = '\0';
    rc = -1;
    if (copy_n(dst, cap, text, len) != 0 || memchr(text, '\0', len))
        errmsg_set(err, errlen, "the token in %s is too long or not text", file);
    else if (has_control(dst))
        errmsg_set(err, errlen, "the token in %s holds a control character", file);
    else
        rc = 0;
    file_free(text, len);
    return rc;
}

/* Fetches the container's credentials document into *a; url[cap] gets
 * the URL it came from. */
static int fetch_container(const struct creds_provider *p, struct answer *a, char *url,
                           size_t cap, char *err, size_t errlen)
{
    const struct creds_config *cc = &p->cfg;
    char token[CREDS_MAX_AUTH], line[CREDS_MAX_AUTH + 32];
    const char *hdr[2] = {NULL, NULL};
    int rc = -1;
    const char *value = cc->auth_token;
    if (cc->auth_file[0]) {
        if (token_file_read(cc->auth_file, token, sizeof token, err, errlen) != 0)
            goto cleanup;
        value = token;
    }
    if (value[0]) {
        if (header_line(line, sizeof line, "Authorization", value, err, errlen) != 0)
            goto cleanup;
        hdr[0] = line;
    }
    if (copy_str(url, cap, cc->url) == 0 &&
        http_call(&p->http, "GET", cc->url, hdr, CONTAINER_CONNECT_MS, CONTAINER_TOTAL_MS, a, err,
                  errlen) == 0)
        rc = 0;
cleanup:
    OPENSSL_cleanse(token, sizeof token);
    OPENSSL_cleanse(line, sizeof line);
    return rc;
}

/* One IMDS request: method on the endpoint + path + role ("" for none),
 * with the header lines hdr, the answer in *a. url[cap] keeps the URL for
 * the caller's messages. Returns 0 or -1 with a message. */
static int imds_call(const struct creds_provider *p, const char *method, const char *path,
                     const char *role, const char *const *hdr, struct answer *a, char *url,
                     size_t cap, char *err, size_t errlen)
{
    int n = snprintf(url, cap, "%s%s%s", p->cfg.url, path, role);
    if (n < 0 || (size_t)n >= cap)
        return errmsg_set(err, errlen, "AWS_EC2_METADATA_SERVICE_ENDPOINT too long");
    return http_call(&p->http, method, url, hdr, IMDS_CONNECT_MS, IMDS_TOTAL_MS, a, err, errlen);
}

/* Fetches the instance role's credentials document from IMDSv2 into *a:
 * a session token (PUT), the role name, then the role's credentials; url
 * gets the last URL. IMDSv1 (no token) is never tried. */
static int fetch_imds(const struct creds_provider *p, struct answer *a, char *url, size_t cap,
                      char *err, size_t errlen)
{
    char token[256], line[320], role[256];
    int rc = -1;
    const char *ttl[] = {"X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL, NULL};
    const char *auth[] = {line, NULL};
    if (imds_call(p, "PUT", "/latest/api/token", "", ttl, a, url, cap, err, errlen) != 0)
        goto cleanup;
    const char *t = a->data;
    size_t tn = a->len;
    trim(&t, &tn);
    if (tn == 0 || copy_n(token, sizeof token, t, tn) != 0 || has_control(token)) {
        errmsg_set(err, errlen, "PUT %s: not a usable token", url);
        goto cleanup;
    }
    if (header_line(line, sizeof line, "X-aws-ec2-metadata-token", token, err, errlen) != 0 ||
        imds_call(p, "GET", IMDS_CREDS_PATH, "", auth, a, url, cap, err, errlen) != 0)
        goto cleanup;
    /* The first line names the role; it goes into a URL, so only the
     * characters IAM allows in role names. */
    size_t rn = strcspn(a->data, "\r\n");
    if (rn == 0 || rn >= sizeof role ||
        strspn(a->data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-") < rn) {
        errmsg_set(err, errlen, "GET %s: no usable instance role name", url);
        goto cleanup;
    }
    memcpy(role, a->data, rn);
    role[rn] = '\0';
    if (imds_call(p, "GET", IMDS_CREDS_PATH, role, auth, a, url, cap, err, errlen) == 0)
        rc = 0;
cleanup:
    OPENSSL_cleanse(token, sizeof token);
    OPENSSL_cleanse(line, sizeof line);
    return rc;
}

/* Fetches fresh credentials from the provider's source into *out. */
static int fetch(const struct creds_provider *p, struct creds_value *out, char *err, size_t errlen)
{
    struct answer *a = malloc(sizeof *a);
    if (!a)
        return errmsg_set(err, errlen, "out of memory");
    char url[CREDS_MAX_URL + 512], why[256];
    int rc = p->cfg.kind == CREDS_IMDS ? fetch_imds(p, a, url, sizeof url, err, errlen)
                                       : fetch_container(p, a, url, sizeof url, err, errlen);
    if (rc == 0 && creds_json_parse(a->data, a->len, (int64_t)time(NULL), out, why, sizeof why) != 0)
        rc = errmsg_set(err, errlen, "GET %s: %s", url, why);
    OPENSSL_cleanse(a, sizeof *a);
    free(a);
    return rc;
}

/* Formats an expiry for the log: "2026-01-02T03:04:05Z" or "never". */
static void format_expiry(int64_t t, char *dst, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t == 0 || !gmtime_r(&tt, &tm) || strftime(dst, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        copy_str(dst, cap, "never");
}

/* ---- the provider ------------------------------------------------------ */

int creds_provider_init(struct creds_provider *p, const struct creds_config *cc,
                        const struct curlopt *http, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->cfg = *cc;
    p->http = *http;
    if (pthread_mutex_init(&p->lock, NULL) != 0)
        return errmsg_set(err, errlen, "cannot create a mutex");
    p->ready = 1;
    atomic_init(&p->generation, 1);
    atomic_init(&p->refreshing, 0);
    if (cc->kind == CREDS_ENV || cc->kind == CREDS_PROFILE) {
        p->current = cc->value;
        p->current.expiration = 0;
        p->current.refresh_at = INT64_MAX;
        return 0;
    }
    char why[768];
    if (fetch(p, &p->current, why, sizeof why) != 0)
        return errmsg_set(err, errlen, "no credentials from the %s: %s", creds_kind_name(cc->kind),
                          why);
    if (http->verbose) {
        char when[32];
        format_expiry(p->current.expiration, when, sizeof when);
        fprintf(stderr, "s3bench: credentials from the %s, expire %s\n", creds_kind_name(cc->kind),
                when);
    }
    return 0;
}

void creds_provider_cleanup(struct creds_provider *p)
{
    if (p->ready)
        pthread_mutex_destroy(&p->lock);
    OPENSSL_cleanse(p, sizeof *p);
}

/* Fetches and publishes new credentials unless another caller already is
 * or someone published since the caller saw them due. The fetch runs
 * without the lock, so other workers go on signing with their copies. */
static void refresh(struct creds_provider *p, int64_t now)
{
    int idle = 0;
    if (!atomic_compare_exchange_strong(&p->refreshing, &idle, 1))
        return;
    pthread_mutex_lock(&p->lock);
    int64_t due = p->current.refresh_at, expiration = p->current.expiration;
    pthread_mutex_unlock(&p->lock);
    if (now < due) {
        atomic_store(&p->refreshing, 0);
        return;
    }
    struct creds_value fresh;
    char why[768];
    int rc = fetch(p, &fresh, why, sizeof why);
    int64_t wait = 0;
    pthread_mutex_lock(&p->lock);
    if (rc == 0) {
        p->current = fresh;
    } else {
        /* Keep the old ones, still valid for a while; try again in a
         * quarter of what is left, within [1 s, RETRY_MAX_WAIT]. */
        wait = (expiration - now) / 4;
        wait = wait < 1 ? 1 : wait > RETRY_MAX_WAIT ? RETRY_MAX_WAIT : wait;
        p->current.refresh_at = now + wait;
    }
    atomic_fetch_add_explicit(&p->generation, 1, memory_order_release);
    pthread_mutex_unlock(&p->lock);
    atomic_store(&p->refreshing, 0);

    char when[32];
    if (rc == 0) {
        if (p->http.verbose) {
            format_expiry(fresh.expiration, when, sizeof when);
            fprintf(stderr, "s3bench: credentials refreshed from the %s, expire %s\n",
                    creds_kind_name(p->cfg.kind), when);
        }
    } else {
        format_expiry(expiration, when, sizeof when);
        fprintf(stderr, "s3bench: refreshing credentials from the %s failed: %s; "
                "the current ones expire %s, next try in %lld s\n",
                creds_kind_name(p->cfg.kind), why, when, (long long)wait);
    }
    OPENSSL_cleanse(&fresh, sizeof fresh);
}

/* Copies the provider's current credentials and generation into a client's. */
static void copy_current(struct creds_provider *p, struct creds_value *local, uint64_t *gen)
{
    pthread_mutex_lock(&p->lock);
    *local = p->current;
    *gen = atomic_load_explicit(&p->generation, memory_order_relaxed);
    pthread_mutex_unlock(&p->lock);
}

void creds_sync(struct creds_provider *p, int64_t now, struct creds_value *local, uint64_t *gen)
{
    uint64_t g = atomic_load_explicit(&p->generation, memory_order_acquire);
    if (g == *gen && now < local->refresh_at)
        return;
    if (g != *gen)
        copy_current(p, local, gen);
    /* Due, whether this client has long had them or just copied them (a
     * client made after a long run, like the one that uploads the CSV). */
    if (now >= local->refresh_at) {
        refresh(p, now);
        copy_current(p, local, gen);
    }
}
