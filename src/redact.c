/* Redacted HTTP debug output: see redact.h. */
#include "redact.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define REDACTED "<redacted>"
#define SIGV4_PREFIX "AWS4-HMAC-SHA256 "

/* Headers whose whole value is a secret. */
static const char *const secret_headers[] = {
    "x-amz-security-token",
    "x-aws-ec2-metadata-token",
};

/* Copies at most n bytes of s into out at *o (bounded by outlen - 1). */
static void put(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
    size_t room = outlen - 1 - *o;
    if (n > room)
        n = room;
    memcpy(out + *o, s, n);
    *o += n;
}

void redact_header(const char *line, size_t len, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return;
    size_t o = 0;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    const char *colon = memchr(line, ':', len);
    size_t name_len = colon ? (size_t)(colon - line) : len;
    const char *value = colon ? colon + 1 : line + len;
    size_t value_len = len - (size_t)(value - line);
    while (value_len > 0 && (*value == ' ' || *value == '\t')) {
        value++;
        value_len--;
    }

    int secret = 0;
    for (size_t i = 0; i < sizeof secret_headers / sizeof *secret_headers; i++)
        if (name_len == strlen(secret_headers[i]) &&
            strncasecmp(line, secret_headers[i], name_len) == 0)
            secret = 1;
    int auth = name_len == 13 && strncasecmp(line, "authorization", 13) == 0;

    if (!colon || (!secret && !auth)) {
        put(out, outlen, &o, line, len);
    } else {
        put(out, outlen, &o, line, (size_t)(value - line));
        const char *sig = NULL;
        if (auth && value_len > strlen(SIGV4_PREFIX) &&
            strncmp(value, SIGV4_PREFIX, strlen(SIGV4_PREFIX)) == 0)
            sig = memmem(value, value_len, "Signature=", 10);
        /* A SigV4 header without its Signature stays useful to read: which
         * key, which scope, which headers were signed. */
        if (sig)
            put(out, outlen, &o, value, (size_t)(sig - value) + 10);
        put(out, outlen, &o, REDACTED, strlen(REDACTED));
    }
    out[o] = '\0';
}

int redact_curl_debug(CURL *h, curl_infotype type, char *data, size_t size, void *userp)
{
    (void)h;
    (void)userp;
    const char *mark;
    switch (type) {
    case CURLINFO_TEXT: mark = "* "; break;
    case CURLINFO_HEADER_OUT: mark = "> "; break;
    case CURLINFO_HEADER_IN: mark = "< "; break;
    default: return 0; /* bodies and TLS records: never shown */
    }
    /* A request's headers come as one block: one line each. */
    const char *p = data, *end = data + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        char line[1024];
        redact_header(p, n, line, sizeof line);
        if (line[0])
            fprintf(stderr, "s3bench: %s%s\n", mark, line);
        p += n;
    }
    return 0;
}
