#ifndef S3BENCH_ENV_H
#define S3BENCH_ENV_H
/* The environment as data: a NULL-terminated "NAME=value" array (normally
 * environ) passed in rather than read with getenv, so configuration code
 * can be tested with any environment and no global state. */

/* Returns the value of NAME in env, or NULL when absent or empty (NULL env
 * = empty). Empty counts as unset because container task definitions and
 * scripts often pass `NAME=` for "not configured", and an empty value is
 * never usable for any setting s3bench reads. The first occurrence wins,
 * as with getenv. */
const char *env_get(char **env, const char *name);

#endif
