#ifndef S3BENCH_LISTXML_H
#define S3BENCH_LISTXML_H
/* Parses S3's XML answers with libxml2: ListObjectsV2 pages and <Error>
 * documents. Pure: bytes in, data out. libxml2 is set up to touch no network,
 * substitute no entities and load no DTD; a document with a DTD is refused
 * outright (S3 never sends one), and libxml2 prints nothing. Safe from several
 * threads at once, but make the first call before the others start (it runs
 * xmlInitParser). */
#include <stddef.h>
#include "keylist.h"

#define LISTXML_MAX_TOKEN 1024

struct listxml_page {
    int is_truncated;
    long key_count;                 /* KeyCount element, -1 if absent */
    size_t added;                   /* objects appended to the key list */
    char next_token[LISTXML_MAX_TOKEN + 1]; /* "" when absent */
};

struct listxml_error {
    char code[128];
    char message[512];
    char request_id[128];
    char region[64]; /* Region element (PermanentRedirect, AuthorizationHeaderMalformed) */
};

/* Parses one ListObjectsV2 page of len bytes, appending every <Contents> key
 * and size to out (keys URL-decoded when <EncodingType>url</EncodingType>,
 * wherever that element stands). Strict, so a broken page is never taken for
 * a whole one: malformed or truncated XML, another root element (an <Error>:
 * try listxml_parse_error), a Contents without Key or Size, a Size that is not
 * a decimal uint64, IsTruncated missing or not true/false, IsTruncated true
 * without NextContinuationToken, a %-escape urienc_decode refuses (%00
 * included), a Key text over 4096 or a token over LISTXML_MAX_TOKEN bytes:
 * all fail. On error out is exactly as before (keys already appended are
 * taken back) and page is zeroed (key_count -1).
 * Returns 0, or -1 with a message in err (err may be NULL / errlen 0). */
int listxml_parse_page(const char *buf, size_t len, struct keylist *out,
                       struct listxml_page *page, char *err, size_t errlen);

/* Parses an S3 <Error> document (root <Error>, no namespace or S3's). Fields
 * too long for e are cut at a UTF-8 character boundary. Returns 0 if a whole,
 * well-formed one was found (absent fields are ""), -1 otherwise (then e
 * holds empty strings). */
int listxml_parse_error(const char *buf, size_t len, struct listxml_error *e);

#endif
