/* Fuzz target: the ListObjectsV2 page parser and the <Error> parser
 * (include/listxml.h) on the same bytes. Beyond memory safety (ASan, UBSan)
 * it checks what listxml.h promises: a failed page leaves the key list
 * exactly as it was and the page zeroed; a parsed page appended `added`
 * keys, each NUL-terminated in the arena, and a NUL-terminated token; a
 * truncated page has a token; the error fields are NUL-terminated. */
#include "fuzz.h"

#include "keylist.h"
#include "listxml.h"

static void listxml_check_page(const char *buf, size_t len)
{
    struct keylist kl;
    keylist_init(&kl);
    /* One key already there, so append and rollback are both exercised. */
    FUZZ_CHECK(keylist_add(&kl, "seed/key", 8, 77) == 0);
    struct listxml_page page;
    char err[256];
    memset(&page, 0x55, sizeof page);
    int rc = listxml_parse_page(buf, len, &kl, &page, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
    if (rc != 0) {
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(kl.count == 1 && kl.arena_len == 9);
        FUZZ_CHECK(memcmp(keylist_key(&kl, 0), "seed/key", 9) == 0);
        FUZZ_CHECK(page.key_count == -1 && page.added == 0 && page.is_truncated == 0 &&
                   page.next_token[0] == '\0');
    } else {
        FUZZ_CHECK(kl.count == 1 + page.added);
        FUZZ_CHECK(page.is_truncated == 0 || page.is_truncated == 1);
        FUZZ_CHECK(memchr(page.next_token, '\0', sizeof page.next_token) != NULL);
        FUZZ_CHECK(!page.is_truncated || page.next_token[0] != '\0');
        for (size_t i = 0; i < kl.count; i++) {
            const char *k = keylist_key(&kl, i);
            FUZZ_CHECK(k != NULL && kl.items[i].len > 0);
            FUZZ_CHECK(kl.items[i].off + kl.items[i].len < kl.arena_len);
            FUZZ_CHECK(k[kl.items[i].len] == '\0');
        }
    }
    keylist_free(&kl);
}

static void listxml_check_error(const char *buf, size_t len)
{
    struct listxml_error e;
    memset(&e, 0x55, sizeof e);
    int rc = listxml_parse_error(buf, len, &e);
    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(memchr(e.code, '\0', sizeof e.code) && memchr(e.message, '\0', sizeof e.message) &&
               memchr(e.request_id, '\0', sizeof e.request_id) &&
               memchr(e.region, '\0', sizeof e.region));
    if (rc != 0)
        FUZZ_CHECK(e.code[0] == '\0' && e.message[0] == '\0' && e.request_id[0] == '\0' &&
                   e.region[0] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    /* An exact-size copy: an overread of the page is an ASan report. */
    char *buf = fuzz_dup(data, size);
    if (!buf)
        return 0;
    listxml_check_page(buf, size);
    listxml_check_error(buf, size);
    free(buf);
    return 0;
}
