#ifndef S3BENCH_CREDS_H
#define S3BENCH_CREDS_H
/* AWS credentials, found in the AWS SDKs' order (the first source that
 * yields wins): the environment, the shared files (~/.aws/credentials and
 * ~/.aws/config), the container endpoint (ECS/Fargate task role), EC2
 * instance metadata (IMDSv2). Temporary ones are refreshed before they
 * expire while the workers go on.
 *
 * Two halves. creds_config_load decides, once and without network, where
 * the credentials come from (part of the configuration). A creds_provider
 * then holds the current credentials for the whole run: one shared snapshot
 * under a mutex, with a generation counter. Each S3 client keeps a private
 * copy and calls creds_sync before every request, which costs one atomic
 * load while nothing changed; when the copy is due for refresh, one caller
 * fetches new credentials (others keep signing with their copy, still valid
 * for the refresh margin) and publishes them with a new generation.
 *
 * Process mode: forked children inherit the provider's configuration and
 * snapshot, and each child refreshes its own copy from the source when due.
 * Chosen over a snapshot in shared memory because a child then needs no
 * cross-process lock that a crashed child could leave held; the cost is one
 * credential fetch per child per refresh period (hours on AWS).
 *
 * No secret is ever written to an error message or to stderr. */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "curlopt.h"

#define CREDS_MAX_KEY    128
#define CREDS_MAX_SECRET 128
#define CREDS_MAX_TOKEN  4096  /* STS session tokens run to about 1-2 KB */
#define CREDS_MAX_URL    1024
#define CREDS_MAX_AUTH   4096  /* container authorization token (EKS: a JWT) */
#define CREDS_MAX_PATH   1024
#define CREDS_MAX_NAME   128   /* profile names */
#define CREDS_MAX_REGION 64

/* Refresh at the latest this long before expiry (the SDKs' advisory
 * window); short-lived credentials refresh at half their lifetime. */
#define CREDS_REFRESH_MARGIN_MAX 900
/* The least time between two fetches, so a source that keeps handing out
 * credentials close to expiry is not hammered. */
#define CREDS_REFRESH_MIN_WAIT 1

enum creds_kind { CREDS_ENV, CREDS_PROFILE, CREDS_CONTAINER, CREDS_IMDS };

/* One set of credentials. */
struct creds_value {
    char access_key[CREDS_MAX_KEY];
    char secret_key[CREDS_MAX_SECRET];
    char session_token[CREDS_MAX_TOKEN]; /* "" = none */
    int64_t expiration;  /* Unix seconds; 0 = does not expire */
    int64_t refresh_at;  /* Unix seconds; INT64_MAX = never */
};

/* Where the credentials come from: decided by creds_config_load, then
 * read-only. */
struct creds_config {
    enum creds_kind kind;
    char profile[CREDS_MAX_NAME];   /* AWS_PROFILE, else "default" */
    char region[CREDS_MAX_REGION];  /* the profile's region; "" = none */
    struct creds_value value;       /* ENV, PROFILE: the keys themselves */
    char url[CREDS_MAX_URL];        /* CONTAINER: the credentials URL;
                                     * IMDS: the endpoint, no trailing '/' */
    char auth_token[CREDS_MAX_AUTH]; /* CONTAINER: Authorization value */
    char auth_file[CREDS_MAX_PATH];  /* CONTAINER: file holding it, read at
                                      * every fetch (it rotates); wins */
};

struct creds_provider {
    struct creds_config cfg;
    struct curlopt http;         /* verbose 1: a line per fetch */
    pthread_mutex_t lock;
    _Atomic uint64_t generation;  /* bumped by every publish */
    atomic_int refreshing;        /* a caller is fetching right now */
    struct creds_value current;   /* under lock */
    int ready;                    /* init succeeded: cleanup has work */
};

/* Fills cc from the environment env (a NULL-terminated "NAME=value" array;
 * NULL = empty; empty values count as unset) and the shared files it names
 * (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, else under HOME/.aws).
 * Follows the chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY(/
 * AWS_SESSION_TOKEN); the profile AWS_PROFILE (or "default") in the
 * credentials file, then in the config file; container credentials
 * (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI); IMDS unless
 * AWS_EC2_METADATA_DISABLED=true. The profile's region is read whatever
 * the source. Makes no network request. Returns 0, or -1 with a one-line
 * message in err (naming variables, files and profiles, never a value that
 * could be secret): a named profile found in neither file, a half-given key
 * pair, a profile of a kind not supported (role_arn, sso, ...), a container
 * URL not allowed, nothing found with IMDS disabled. */
int creds_config_load(struct creds_config *cc, char **env, char *err, size_t errlen);

/* Starts a provider on cc: copies it and, for the container and IMDS,
 * fetches the first credentials (IMDS with 1 s timeouts, so a machine
 * without one is not held up). Returns 0, or -1 with a one-line message
 * in err. Needs curl_global_init first. */
int creds_provider_init(struct creds_provider *p, const struct creds_config *cc,
                        const struct curlopt *http, char *err, size_t errlen);

/* Wipes the credentials and frees the lock. */
void creds_provider_cleanup(struct creds_provider *p);

/* Brings a client's copy *local (generation *gen; 0 for a new client) up
 * to date at time now (Unix seconds). The hot path, when nothing changed
 * and no refresh is due, is one atomic load. When due, one caller fetches
 * and publishes new credentials; if that fails the old ones stay (a line
 * on stderr says why) and the next try waits a little. Thread-safe. */
void creds_sync(struct creds_provider *p, int64_t now, struct creds_value *local, uint64_t *gen);

/* "environment", "profile", "container", "IMDS". */
const char *creds_kind_name(enum creds_kind k);

/* ---- pure helpers, exposed for the unit tests -------------------------- */

/* Looks key up (case-insensitively) in section [section] of the INI text
 * of an AWS shared file: full-line comments (# ;), "key = value" or
 * "key: value", indented lines (nested settings such as `s3 =`) skipped,
 * CRLF and a UTF-8 BOM accepted; the first section of that name counts.
 * Copies the value, trimmed, into out. Returns 1 found, 0 not found, -1
 * when the value does not fit outlen. */
int creds_ini_get(const char *text, size_t len, const char *section, const char *key,
                  char *out, size_t outlen);

/* 1 when the INI text has a section [section], else 0. Section headers
 * compare with runs of blanks folded, so "[profile  x]" is "profile x". */
int creds_ini_has_section(const char *text, size_t len, const char *section);

/* Parses a credentials document (container endpoint or IMDS JSON:
 * AccessKeyId, SecretAccessKey, Token, Expiration; Code must be "Success"
 * when present) into out, with refresh_at computed for time now. Returns 0,
 * or -1 with a message in err (names fields, never values). */
int creds_json_parse(const char *text, size_t len, int64_t now, struct creds_value *out,
                     char *err, size_t errlen);

/* Parses an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|
 * -HH:MM)" into Unix seconds. Returns 0 or -1. */
int creds_time_parse(const char *s, int64_t *out);

/* When to refresh credentials that expire at expiration, fetched at now:
 * expiration minus min(CREDS_REFRESH_MARGIN_MAX, half the lifetime), but
 * not before now + CREDS_REFRESH_MIN_WAIT. INT64_MAX when expiration is 0. */
int64_t creds_refresh_time(int64_t now, int64_t expiration);

/* 1 when url may serve container credentials: https anywhere, http only to
 * a loopback host or the ECS/EKS link-local addresses (169.254.170.2,
 * 169.254.170.23, fd00:ec2::23), as the SDKs allow; else 0. */
int creds_container_url_allowed(const char *url);

#endif
