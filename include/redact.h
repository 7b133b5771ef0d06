#ifndef S3BENCH_REDACT_H
#define S3BENCH_REDACT_H
/* Debug output that never shows a secret: HTTP header lines with the
 * signature, session token, metadata token and container authorization
 * replaced by "<redacted>", and no bodies at all (credential answers carry
 * the secret key there). */
#include <stddef.h>
#include <curl/curl.h>

/* Writes a printable copy of one header line (len bytes, any trailing CR/LF
 * dropped) into out, NUL-terminated and cut to outlen. Authorization keeps
 * a SigV4 header's Credential (the access key id is no secret) and
 * SignedHeaders but not its Signature; any other Authorization value,
 * x-amz-security-token and X-aws-ec2-metadata-token lose their value. */
void redact_header(const char *line, size_t len, char *out, size_t outlen);

/* A CURLOPT_DEBUGFUNCTION (userp unused): writes libcurl's informational
 * text and the request and response headers, redacted, to stderr, one
 * "s3bench: * " / "> " / "< " line each; never body or TLS data. */
int redact_curl_debug(CURL *h, curl_infotype type, char *data, size_t size, void *userp);

#endif
