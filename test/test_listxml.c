/* listxml: every page in test/data/listxml gives exactly the expected keys,
 * sizes and flags; every broken document gives -1 and leaves the key list as
 * it was; nothing is ever printed by libxml2. */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "keylist.h"
#include "listxml.h"
#include "urienc.h"

/* ---- helpers ---------------------------------------------------------- */

struct exp_key {
    const char *key; /* NULL: the 1024-byte key of page_urlenc.xml */
    size_t len;      /* 0: strlen(key) */
    uint64_t size;
};

/* "あ" (E3 81 82) 300 times, then 124 'z': 1024 bytes. */
static void long_key(char out[1024])
{
    for (size_t i = 0; i < 300; i++)
        memcpy(out + 3 * i, "\xE3\x81\x82", 3);
    memset(out + 900, 'z', 124);
}

/* A key list holding one key already, so appending (not replacing) and
 * rollback to a non-empty state are what gets tested. */
static void seeded(struct keylist *kl)
{
    keylist_init(kl);
    assert_int_equal(keylist_add(kl, "seed/key", 8, 77), 0);
}

static void assert_seed_only(const struct keylist *kl)
{
    assert_int_equal(kl->count, 1);
    assert_int_equal(kl->arena_len, 9);
    assert_int_equal(kl->items[0].len, 8);
    assert_int_equal(kl->items[0].size, 77);
    assert_memory_equal(keylist_key(kl, 0), "seed/key", 9);
}

static void assert_entry(const struct keylist *kl, size_t i, const struct exp_key *x)
{
    char big[1024];
    const char *want = x->key;
    size_t len = x->len ? x->len : (want ? strlen(want) : 0);
    if (!want) {
        long_key(big);
        want = big;
        len = sizeof big;
    }
    assert_true(i < kl->count);
    assert_int_equal(kl->items[i].len, len);
    assert_int_equal(kl->items[i].size, x->size);
    const char *k = keylist_key(kl, i);
    assert_memory_equal(k, want, len);
    assert_int_equal(k[len], '\0');
}

/* Parses a whole file; returns listxml_parse_page's result. */
static int parse_file(const char *rel, struct keylist *kl, struct listxml_page *page, char *err, size_t errlen)
{
    size_t len;
    char *buf = testutil_read(rel, &len);
    int rc = listxml_parse_page(buf, len, kl, page, err, errlen);
    free(buf);
    return rc;
}

/* ---- good pages ------------------------------------------------------- */

static const struct exp_key k_truncated[] = {
    {"data/obj-000001.bin", 0, 1048576},
    {"data/obj-000002.bin", 0, 0},
    {"data/obj-000003.bin", 0, 5368709120ULL},
};
static const struct exp_key k_last[] = {
    {"data/obj-000004.bin", 0, 4096},
    {"data/obj-000005.bin", 0, UINT64_MAX},
};
static const struct exp_key k_urlenc[] = {
    {"dir with space/file one.txt", 0, 11},
    {"line\nbreak", 0, 12},
    {"a+b", 0, 13},
    {"\xE3\x81\x82.txt", 0, 14},
    {"100%.csv", 0, 15},
    /* A raw '+' is a space: AWS writes spaces so (urienc.h). */
    {"aws writes space as plus", 0, 16},
    {NULL, 1024, 1024},
};
static const struct exp_key k_nons[] = {
    {"alpha", 0, 1},
    {"beta/gamma", 0, 2},
};
static const struct exp_key k_prefixes[] = {
    {"top-level.txt", 0, 42},
};
static const struct exp_key k_entities[] = {
    {"fish&chips", 0, 1},
    {"\"quoted\" 'single'", 0, 2},
    {"line\nfeed", 0, 3},
    {"<tag>\xE3\x81\x82\xE3\x81\x82", 0, 4},
    {"   ", 0, 5},
    {"cdata<&>", 0, 6},
};

static const struct good_case {
    const char *file;
    int truncated;
    long key_count;
    const char *token;
    const struct exp_key *keys;
    size_t n;
} good_cases[] = {
    {"listxml/page_truncated.xml", 1, 3, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=", k_truncated, 3},
    {"listxml/page_last.xml", 0, 2, "", k_last, 2},
    {"listxml/page_urlenc.xml", 0, 7, "", k_urlenc, 7},
    /* EncodingType after the Contents: decoding must still happen. */
    {"listxml/page_urlenc_late.xml", 0, 3, "", k_urlenc, 3},
    {"listxml/page_nons.xml", 0, 2, "", k_nons, 2},
    {"listxml/page_empty.xml", 0, 0, "", NULL, 0},
    /* CommonPrefixes count in KeyCount but are not objects. */
    {"listxml/page_prefixes.xml", 0, 3, "", k_prefixes, 1},
    {"listxml/page_entities.xml", 0, 6, "", k_entities, 6},
};

static void test_good_pages(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof good_cases / sizeof good_cases[0]; c++) {
        const struct good_case *g = &good_cases[c];
        print_message("    %s\n", g->file);
        struct keylist kl;
        seeded(&kl);
        struct listxml_page page;
        char err[256] = "";
        int rc = parse_file(g->file, &kl, &page, err, sizeof err);
        if (rc != 0)
            print_message("    unexpected error: %s\n", err);
        assert_int_equal(rc, 0);
        assert_int_equal(page.is_truncated, g->truncated);
        assert_int_equal(page.key_count, g->key_count);
        assert_string_equal(page.next_token, g->token);
        assert_int_equal(page.added, g->n);
        assert_int_equal(kl.count, 1 + g->n);
        assert_memory_equal(keylist_key(&kl, 0), "seed/key", 9);
        size_t bytes = 9;
        for (size_t i = 0; i < g->n; i++) {
            assert_entry(&kl, 1 + i, &g->keys[i]);
            bytes += kl.items[1 + i].len + 1;
        }
        /* The arena holds exactly the keys: decoding left no gaps. */
        assert_int_equal(kl.arena_len, bytes);
        keylist_free(&kl);
    }
}

/* Two pages in a row append; a broken third takes back only itself. */
static void test_pages_append_and_roll_back(void **state)
{
    (void)state;
    struct keylist kl;
    keylist_init(&kl);
    struct listxml_page page;
    char err[256];
    assert_int_equal(parse_file("listxml/page_truncated.xml", &kl, &page, err, sizeof err), 0);
    assert_int_equal(parse_file("listxml/page_last.xml", &kl, &page, err, sizeof err), 0);
    assert_int_equal(kl.count, 5);
    size_t arena_len = kl.arena_len;
    char *copy = malloc(arena_len);
    assert_non_null(copy);
    memcpy(copy, kl.arena, arena_len);

    /* Holds one whole Contents before the cut: it must not stay. */
    assert_int_equal(parse_file("listxml/bad_truncated.xml", &kl, &page, err, sizeof err), -1);
    assert_int_equal(kl.count, 5);
    assert_int_equal(kl.arena_len, arena_len);
    assert_memory_equal(kl.arena, copy, arena_len);
    /* A url page failing in the decoding pass (after its keys were added). */
    assert_int_equal(parse_file("listxml/bad_badescape.xml", &kl, &page, err, sizeof err), -1);
    assert_int_equal(kl.count, 5);
    assert_int_equal(kl.arena_len, arena_len);
    assert_memory_equal(kl.arena, copy, arena_len);

    assert_int_equal(parse_file("listxml/page_urlenc.xml", &kl, &page, err, sizeof err), 0);
    assert_int_equal(kl.count, 12);
    assert_entry(&kl, 4, &k_last[1]);
    assert_entry(&kl, 5, &k_urlenc[0]);
    assert_entry(&kl, 11, &k_urlenc[6]);
    free(copy);
    keylist_free(&kl);
}

/* A %00 in a key: listxml itself keeps whatever urienc_decode gives, NULs
 * included, the length being authoritative; whether %00 decodes at all is
 * urienc's rule. Either the page parses with the NUL inside the key, or it
 * fails as a whole and takes back its keys. */
static void test_urlenc_nul(void **state)
{
    (void)state;
    char probe[8];
    char in[] = "a%00b";
    int nul_decodes = urienc_decode(probe, sizeof probe, in, 5) == 3;
    print_message("    urienc_decode %s %%00\n", nul_decodes ? "accepts" : "rejects");
    struct keylist kl;
    seeded(&kl);
    struct listxml_page page;
    char err[256] = "";
    int rc = parse_file("listxml/page_urlenc_nul.xml", &kl, &page, err, sizeof err);
    if (nul_decodes) {
        assert_int_equal(rc, 0);
        assert_int_equal(page.added, 3);
        static const struct exp_key k[] = {{"before", 0, 1}, {"nul\0byte", 8, 2}, {"after", 0, 3}};
        for (size_t i = 0; i < 3; i++)
            assert_entry(&kl, 1 + i, &k[i]);
    } else {
        print_message("      -> %s\n", err);
        assert_int_equal(rc, -1);
        assert_seed_only(&kl);
    }
    keylist_free(&kl);
}

/* ---- broken pages ----------------------------------------------------- */

static const struct bad_case {
    const char *file;
    const char *why; /* a substring of the message */
} bad_files[] = {
    {"listxml/bad_truncated.xml", "XML"},
    {"listxml/bad_notxml.txt", "<html>"},
    {"listxml/bad_plaintext.txt", "XML"},
    {"listxml/bad_empty.xml", "empty"},
    {"listxml/bad_wrongroot.xml", "ListAllMyBucketsResult"},
    {"listxml/bad_size.xml", "Size"},
    {"listxml/bad_notoken.xml", "NextContinuationToken"},
    {"listxml/bad_nokey.xml", "Key"},
    {"listxml/bad_bomb.xml", "DTD"},
    {"listxml/bad_xxe.xml", "DTD"},
    {"listxml/bad_undeclared_entity.xml", "XML"},
    {"listxml/bad_istruncated.xml", "IsTruncated"},
    {"listxml/bad_badescape.xml", "escape"},
    /* An <Error> is not a page: the caller then tries listxml_parse_error. */
    {"listxml/error_nosuchbucket.xml", "<Error>"},
};

static void check_bad(const char *name, const char *buf, size_t len, const char *why)
{
    print_message("    %s\n", name);
    struct keylist kl;
    seeded(&kl);
    struct listxml_page page;
    memset(&page, 0x5A, sizeof page);
    char err[256] = "";
    assert_int_equal(listxml_parse_page(buf, len, &kl, &page, err, sizeof err), -1);
    print_message("      -> %s\n", err);
    assert_true(err[0] != '\0');
    if (why && !strstr(err, why))
        fail_msg("message \"%s\" lacks \"%s\"", err, why);
    assert_seed_only(&kl);
    /* No half-filled page either. */
    assert_int_equal(page.added, 0);
    assert_int_equal(page.is_truncated, 0);
    assert_int_equal(page.key_count, -1);
    assert_string_equal(page.next_token, "");
    keylist_free(&kl);
}

static void test_bad_files(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof bad_files / sizeof bad_files[0]; c++) {
        size_t len;
        char *buf = testutil_read(bad_files[c].file, &len);
        check_bad(bad_files[c].file, buf, len, bad_files[c].why);
        free(buf);
    }
}

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" \
             "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
#define TAIL "</ListBucketResult>"

static const struct {
    const char *name;
    const char *doc;
    const char *why;
} bad_inline[] = {
    {"Size overflows 64 bits", HEAD "<IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size>18446744073709551616</Size></Contents>" TAIL, "Size"},
    {"negative Size", HEAD "<IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size>-1</Size></Contents>" TAIL, "Size"},
    {"Size with a blank", HEAD "<IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size> 1</Size></Contents>" TAIL, "Size"},
    {"empty Size", HEAD "<IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size/></Contents>" TAIL, "Size"},
    {"no Size", HEAD "<IsTruncated>false</IsTruncated><Contents><Key>a</Key></Contents>" TAIL, "Size"},
    {"empty Key", HEAD "<IsTruncated>false</IsTruncated><Contents><Key></Key><Size>1</Size></Contents>" TAIL, "Key"},
    {"empty Contents", HEAD "<IsTruncated>false</IsTruncated><Contents/>" TAIL, "Key"},
    {"two Keys", HEAD "<IsTruncated>false</IsTruncated><Contents><Key>a</Key><Key>b</Key><Size>1</Size></Contents>" TAIL, "Key"},
    {"element inside Key", HEAD "<IsTruncated>false</IsTruncated><Contents><Key>a<b/>c</Key><Size>1</Size></Contents>" TAIL, "Key"},
    {"no IsTruncated", HEAD "<Contents><Key>a</Key><Size>1</Size></Contents>" TAIL, "IsTruncated"},
    {"IsTruncated True", HEAD "<IsTruncated>True</IsTruncated>" TAIL, "IsTruncated"},
    {"truncated, empty token", HEAD "<IsTruncated>true</IsTruncated><NextContinuationToken></NextContinuationToken>" TAIL, "NextContinuationToken"},
    {"bad KeyCount", HEAD "<KeyCount>many</KeyCount><IsTruncated>false</IsTruncated>" TAIL, "KeyCount"},
    {"EncodingType base64", HEAD "<EncodingType>base64</EncodingType><IsTruncated>false</IsTruncated>" TAIL, "EncodingType"},
    {"root in another namespace", "<ListBucketResult xmlns=\"urn:other\"><IsTruncated>false</IsTruncated></ListBucketResult>", "urn:other"},
    {"ListBucketResult nested", "<Wrapper><ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult></Wrapper>", "Wrapper"},
    {"content after the root", HEAD "<IsTruncated>false</IsTruncated>" TAIL "<Extra/>", "XML"},
    {"mismatched tags", HEAD "<IsTruncated>false</IsTruncated><Contents><Key>a</Size></Contents>" TAIL, "XML"},
    {"undeclared prefix", HEAD "<IsTruncated>false</IsTruncated><x:Contents><Key>a</Key><Size>1</Size></x:Contents>" TAIL, "XML"},
    {"harmless DOCTYPE", "<?xml version=\"1.0\"?><!DOCTYPE ListBucketResult><ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>", "DTD"},
    {"DOCTYPE after a BOM", "\xEF\xBB\xBF<!DOCTYPE a [<!ENTITY e \"x\">]><ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>&e;</Key><Size>1</Size></Contents></ListBucketResult>", "DTD"},
    {"only an XML declaration", "<?xml version=\"1.0\"?>", "XML"},
    {"only blanks", " \n\t ", "XML"},
};

static void test_bad_inline(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof bad_inline / sizeof bad_inline[0]; c++)
        check_bad(bad_inline[c].name, bad_inline[c].doc, strlen(bad_inline[c].doc), bad_inline[c].why);
}

/* Appends s to the buffer at *pos, failing the test when it would not fit. */
static void put(char *buf, size_t cap, size_t *pos, const char *s)
{
    size_t n = strlen(s);
    assert_true(n < cap - *pos);
    memcpy(buf + *pos, s, n + 1);
    *pos += n;
}

/* A Key longer than any S3 key (even %-encoded), and a token longer than the
 * page can hold: refused, never cut. The longest allowed token passes. */
static void test_limits(void **state)
{
    (void)state;
    enum { CAP = 16384 };
    char *doc = malloc(CAP);
    char *filler = malloc(5001);
    assert_non_null(doc);
    assert_non_null(filler);
    size_t pos;

    memset(filler, 'k', 5000);
    filler[5000] = '\0';
    pos = 0;
    put(doc, CAP, &pos, HEAD "<IsTruncated>false</IsTruncated><Contents><Key>");
    put(doc, CAP, &pos, filler);
    put(doc, CAP, &pos, "</Key><Size>1</Size></Contents>" TAIL);
    check_bad("5000-byte Key", doc, pos, "too long");

    filler[LISTXML_MAX_TOKEN + 1] = '\0';
    pos = 0;
    put(doc, CAP, &pos, HEAD "<IsTruncated>true</IsTruncated><NextContinuationToken>");
    put(doc, CAP, &pos, filler);
    put(doc, CAP, &pos, "</NextContinuationToken>" TAIL);
    check_bad("1025-byte token", doc, pos, "too long");

    filler[LISTXML_MAX_TOKEN] = '\0';
    pos = 0;
    put(doc, CAP, &pos, HEAD "<IsTruncated>true</IsTruncated><NextContinuationToken>");
    put(doc, CAP, &pos, filler);
    put(doc, CAP, &pos, "</NextContinuationToken>" TAIL);
    struct keylist kl;
    keylist_init(&kl);
    struct listxml_page page;
    char err[256] = "";
    assert_int_equal(listxml_parse_page(doc, pos, &kl, &page, err, sizeof err), 0);
    assert_int_equal(strlen(page.next_token), LISTXML_MAX_TOKEN);
    assert_int_equal(page.is_truncated, 1);
    assert_int_equal(page.added, 0);
    keylist_free(&kl);
    free(filler);
    free(doc);
}

/* A UTF-16 document hides its DOCTYPE from the byte scan of the prolog: the
 * parser's DTD callback must then refuse it, before any entity is declared. */
static void test_utf16_refused(void **state)
{
    (void)state;
    static const char ascii[] = "<!DOCTYPE a [<!ENTITY e \"x\">]><ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>";
    size_t n = sizeof ascii - 1;
    char *doc = malloc(2 + 2 * n);
    assert_non_null(doc);
    doc[0] = '\xFF';
    doc[1] = '\xFE';
    for (size_t i = 0; i < n; i++) {
        doc[2 + 2 * i] = ascii[i];
        doc[3 + 2 * i] = '\0';
    }
    check_bad("UTF-16LE with DOCTYPE", doc, 2 + 2 * n, "DTD");
    free(doc);
}

/* A page laid out as S3 lays it out, 1,000 keys. */
static char *make_page(size_t nkeys, size_t *len)
{
    size_t cap = 512 + nkeys * 400;
    char *doc = malloc(cap);
    assert_non_null(doc);
    size_t pos = 0;
    int n = snprintf(doc, cap,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                     "<Name>bench-bucket</Name><Prefix>bench/</Prefix>"
                     "<NextContinuationToken>1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==</NextContinuationToken>"
                     "<KeyCount>%zu</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType>"
                     "<IsTruncated>true</IsTruncated>",
                     nkeys);
    assert_true(n > 0 && (size_t)n < cap);
    pos = (size_t)n;
    for (size_t i = 0; i < nkeys; i++) {
        n = snprintf(doc + pos, cap - pos,
                     "<Contents><Key>bench/obj-%08zu.bin</Key>"
                     "<LastModified>2024-05-01T10:00:00.000Z</LastModified>"
                     "<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag>"
                     "<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm>"
                     "<Size>%zu</Size><StorageClass>STANDARD</StorageClass></Contents>",
                     i, i * 1000);
        assert_true(n > 0 && (size_t)n < cap - pos);
        pos += (size_t)n;
    }
    n = snprintf(doc + pos, cap - pos, "</ListBucketResult>");
    assert_true(n > 0 && (size_t)n < cap - pos);
    *len = pos + (size_t)n;
    return doc;
}

static void test_thousand_keys(void **state)
{
    (void)state;
    size_t len;
    char *doc = make_page(1000, &len);
    struct keylist kl;
    keylist_init(&kl);
    struct listxml_page page;
    char err[256] = "";
    int rc = listxml_parse_page(doc, len, &kl, &page, err, sizeof err);
    if (rc != 0)
        print_message("    unexpected error: %s\n", err);
    assert_int_equal(rc, 0);
    assert_int_equal(page.added, 1000);
    assert_int_equal(page.key_count, 1000);
    assert_int_equal(page.is_truncated, 1);
    assert_string_equal(page.next_token, "1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==");
    for (size_t i = 0; i < 1000; i++) {
        char want[32];
        int n = snprintf(want, sizeof want, "bench/obj-%08zu.bin", i);
        assert_true(n > 0 && (size_t)n < sizeof want);
        struct exp_key x = {want, 0, i * 1000};
        assert_entry(&kl, i, &x);
    }
    keylist_free(&kl);
    free(doc);
}

/* ---- <Error> documents ------------------------------------------------ */

static const struct {
    const char *file;
    const char *code, *message, *request_id, *region;
} error_cases[] = {
    {"listxml/error_nosuchbucket.xml", "NoSuchBucket", "The specified bucket does not exist",
     "4442587FB7D0A2F9", ""},
    {"listxml/error_signature.xml", "SignatureDoesNotMatch",
     "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
     "TX000004F6EE9A3A5C4B", ""},
    {"listxml/error_redirect.xml", "PermanentRedirect",
     "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
     "0B5AB2E1F9C41D77", "eu-west-1"},
    {"listxml/error_authmalformed.xml", "AuthorizationHeaderMalformed",
     "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'ap-southeast-2'",
     "7D1A3B2E4F5C6D70", "ap-southeast-2"},
};

static void test_error_docs(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof error_cases / sizeof error_cases[0]; c++) {
        print_message("    %s\n", error_cases[c].file);
        size_t len;
        char *buf = testutil_read(error_cases[c].file, &len);
        struct listxml_error e;
        assert_int_equal(listxml_parse_error(buf, len, &e), 0);
        assert_string_equal(e.code, error_cases[c].code);
        assert_string_equal(e.message, error_cases[c].message);
        assert_string_equal(e.request_id, error_cases[c].request_id);
        assert_string_equal(e.region, error_cases[c].region);
        free(buf);
    }
}

static void assert_error_empty(const struct listxml_error *e)
{
    assert_string_equal(e->code, "");
    assert_string_equal(e->message, "");
    assert_string_equal(e->request_id, "");
    assert_string_equal(e->region, "");
}

static void test_error_not_found(void **state)
{
    (void)state;
    static const char *const files[] = {
        "listxml/page_truncated.xml", "listxml/bad_empty.xml", "listxml/bad_notxml.txt",
        "listxml/bad_plaintext.txt", "listxml/bad_bomb.xml",
    };
    for (size_t c = 0; c < sizeof files / sizeof files[0]; c++) {
        print_message("    %s\n", files[c]);
        size_t len;
        char *buf = testutil_read(files[c], &len);
        struct listxml_error e;
        memset(&e, 'x', sizeof e);
        assert_int_equal(listxml_parse_error(buf, len, &e), -1);
        assert_error_empty(&e);
        free(buf);
    }
    /* An Error cut short: not taken, though Code was already read. */
    size_t len;
    char *buf = testutil_read("listxml/error_nosuchbucket.xml", &len);
    struct listxml_error e;
    assert_int_equal(listxml_parse_error(buf, len / 2, &e), -1);
    assert_error_empty(&e);
    free(buf);
    static const char xxe[] = "<!DOCTYPE Error [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Error><Code>&x;</Code></Error>";
    assert_int_equal(listxml_parse_error(xxe, sizeof xxe - 1, &e), -1);
    assert_error_empty(&e);
}

/* Fields longer than their buffer are cut, NUL-terminated, and never in the
 * middle of a UTF-8 sequence. */
static void test_error_truncation(void **state)
{
    (void)state;
    struct listxml_error e;
    enum { CAP = 8192 };
    char *doc = malloc(CAP);
    assert_non_null(doc);
    size_t pos = 0;
    put(doc, CAP, &pos, "<Error><Code>");
    for (size_t i = 0; i < 200; i++)
        put(doc, CAP, &pos, "C");
    /* 'x' then 3-byte characters: the cut at 511 bytes falls inside one. */
    put(doc, CAP, &pos, "</Code><Message>x");
    for (size_t i = 0; i < 400; i++)
        put(doc, CAP, &pos, "\xE3\x81\x82");
    put(doc, CAP, &pos, "</Message><RequestId>R1</RequestId><Region>");
    for (size_t i = 0; i < 100; i++)
        put(doc, CAP, &pos, "r");
    put(doc, CAP, &pos, "</Region></Error>");
    assert_int_equal(listxml_parse_error(doc, pos, &e), 0);
    assert_int_equal(strlen(e.code), sizeof e.code - 1);
    assert_int_equal(strlen(e.region), sizeof e.region - 1);
    assert_string_equal(e.request_id, "R1");
    /* 1 + 3k <= 511: 1 + 3 * 170 = 511 exactly fits, so no cut sequence. */
    assert_int_equal(strlen(e.message), 511);
    /* Shift by one byte so the cut lands inside a character. */
    pos = 0;
    put(doc, CAP, &pos, "<Error><Code>X</Code><Message>xy");
    for (size_t i = 0; i < 400; i++)
        put(doc, CAP, &pos, "\xE3\x81\x82");
    put(doc, CAP, &pos, "</Message></Error>");
    assert_int_equal(listxml_parse_error(doc, pos, &e), 0);
    assert_int_equal(strlen(e.message), 2 + 3 * 169);
    assert_memory_equal(e.message + strlen(e.message) - 3, "\xE3\x81\x82", 3);
    assert_string_equal(e.code, "X");
    assert_string_equal(e.region, "");
    free(doc);
}

/* ---- quiet ------------------------------------------------------------ */

/* libxml2 must not write a byte to stderr, whatever it is fed: the
 * benchmark's output is its product. */
static void test_quiet(void **state)
{
    (void)state;
    fflush(stderr);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), 2) >= 0);
    for (size_t c = 0; c < sizeof bad_files / sizeof bad_files[0]; c++) {
        size_t len;
        char *buf = testutil_read(bad_files[c].file, &len);
        struct keylist kl;
        keylist_init(&kl);
        struct listxml_page page;
        char err[64];
        struct listxml_error e;
        (void)listxml_parse_page(buf, len, &kl, &page, err, sizeof err);
        (void)listxml_parse_error(buf, len, &e);
        keylist_free(&kl);
        free(buf);
    }
    for (size_t c = 0; c < sizeof bad_inline / sizeof bad_inline[0]; c++) {
        struct keylist kl;
        keylist_init(&kl);
        struct listxml_page page;
        char err[64];
        struct listxml_error e;
        const char *d = bad_inline[c].doc;
        (void)listxml_parse_page(d, strlen(d), &kl, &page, err, sizeof err);
        (void)listxml_parse_error(d, strlen(d), &e);
        keylist_free(&kl);
    }
    fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    struct stat st;
    assert_int_equal(fstat(fileno(tmp), &st), 0);
    fclose(tmp);
    assert_int_equal(st.st_size, 0);
}

/* A NULL or zero-size err is allowed: the message is then dropped. */
static void test_no_err_buffer(void **state)
{
    (void)state;
    struct keylist kl;
    keylist_init(&kl);
    struct listxml_page page;
    assert_int_equal(listxml_parse_page("<x/>", 4, &kl, &page, NULL, 0), -1);
    char one[1] = {'z'};
    assert_int_equal(listxml_parse_page("", 0, &kl, &page, one, 0), -1);
    assert_int_equal(one[0], 'z');
    assert_int_equal(kl.count, 0);
    keylist_free(&kl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_pages),
        cmocka_unit_test(test_pages_append_and_roll_back),
        cmocka_unit_test(test_urlenc_nul),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_bad_inline),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_utf16_refused),
        cmocka_unit_test(test_thousand_keys),
        cmocka_unit_test(test_error_docs),
        cmocka_unit_test(test_error_not_found),
        cmocka_unit_test(test_error_truncation),
        cmocka_unit_test(test_quiet),
        cmocka_unit_test(test_no_err_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
