/* Shared libcurl settings: see curlopt.h. */
#include "curlopt.h"

#include "redact.h"

void curlopt_apply(CURL *h, const struct curlopt *o)
{
    if (o->ca_bundle)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_bundle);
    if (o->insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (o->verbose >= 2) {
        curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, redact_curl_debug);
        curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    }
}
