#include "retry.h"

#include "rng.h"

#include <string.h>

int retry_should(const struct s3_result *r)
{
    switch (r->curl_code) {
    case CURLE_OK:
        break;
    /* The connection failed or broke: a fresh one may well work. */
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
        return 1;
    default:
        return 0;
    }
    switch (r->status) {
    case 408: case 429: case 500: case 502: case 503: case 504:
        return 1;
    default:
        break;
    }
    /* S3 sends RequestTimeout as a 400 and SlowDown as a 503; an S3
     * lookalike may pick other statuses, the code is what counts. */
    if (!strcmp(r->s3err.code, "RequestTimeout") || !strcmp(r->s3err.code, "SlowDown"))
        return 1;
    if (r->status >= 200 && r->status < 300 && r->content_length >= 0 &&
        r->bytes < (uint64_t)r->content_length)
        return 1;
    return 0;
}

double retry_backoff(int attempt, uint64_t *rng)
{
    double ceiling = RETRY_BASE_SECONDS;
    for (int i = 1; i < attempt && ceiling < RETRY_CAP_SECONDS; i++)
        ceiling *= 2;
    if (ceiling > RETRY_CAP_SECONDS)
        ceiling = RETRY_CAP_SECONDS;
    return ceiling * rng_unit(rng);
}
