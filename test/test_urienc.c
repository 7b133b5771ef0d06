/* Tests for src/urienc.c: path and component encoding byte by byte, bounds,
 * and decoding (round trips, '+', malformed escapes). Table-driven. */
#include "testutil.h"

#include "urienc.h"

/* One input and what each encoder must make of it. len is given because
 * some inputs hold a NUL; 0 means strlen(in). */
struct enc_case {
    const char *in;
    size_t len;
    const char *path;      /* urienc_path */
    const char *component; /* urienc_component */
};

static const struct enc_case ENC[] = {
    {"", 0, "", ""},
    {" ", 0, "%20", "%20"},
    {"+", 0, "%2B", "%2B"},
    {"%", 0, "%25", "%25"},
    {"=", 0, "%3D", "%3D"},
    {"&", 0, "%26", "%26"},
    {"?", 0, "%3F", "%3F"},
    {"#", 0, "%23", "%23"},
    {"~", 0, "~", "~"},
    {"*", 0, "%2A", "%2A"},
    {"'", 0, "%27", "%27"},
    {"$", 0, "%24", "%24"}, /* the S3 docs' test$file.text */
    {"/", 0, "/", "%2F"},
    {"\xe1\x88\xb4", 0, "%E1%88%B4", "%E1%88%B4"}, /* U+1234 */
    {"caf\xc3\xa9 au lait", 0, "caf%C3%A9%20au%20lait", "caf%C3%A9%20au%20lait"},
    {"line\nbreak", 0, "line%0Abreak", "line%0Abreak"},
    {"tab\there", 0, "tab%09here", "tab%09here"},
    {"a\0b", 3, "a%00b", "a%00b"},
    {"\xff\x80", 0, "%FF%80", "%FF%80"},
    {"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 0,
     "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
     "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"},
    /* Encoded once: an already encoded key is a different key. */
    {"%20", 0, "%2520", "%2520"},
    {"dir/sub dir/file+1.txt", 0, "dir/sub%20dir/file%2B1.txt",
     "dir%2Fsub%20dir%2Ffile%2B1.txt"},
    {"//a/../b/./", 0, "//a/../b/./", "%2F%2Fa%2F..%2Fb%2F.%2F"},
    {"!\"(),:;<>@[\\]^`{|}", 0, "%21%22%28%29%2C%3A%3B%3C%3E%40%5B%5C%5D%5E%60%7B%7C%7D",
     "%21%22%28%29%2C%3A%3B%3C%3E%40%5B%5C%5D%5E%60%7B%7C%7D"},
};
#define NENC (sizeof ENC / sizeof ENC[0])

/* Every table row, through both encoders, with an exact-size buffer and
 * then one byte less (which must fail and leave ""). */
static void test_encode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NENC; i++) {
        const struct enc_case *c = &ENC[i];
        size_t len = c->len ? c->len : strlen(c->in);
        char dst[256];

        long n = urienc_path(dst, sizeof dst, c->in, len);
        assert_string_equal(dst, c->path);
        assert_int_equal(n, (long)strlen(c->path));
        n = urienc_component(dst, sizeof dst, c->in, len);
        assert_string_equal(dst, c->component);
        assert_int_equal(n, (long)strlen(c->component));

        size_t need = strlen(c->path) + 1;
        assert_int_equal(urienc_path(dst, need, c->in, len), (long)need - 1);
        assert_string_equal(dst, c->path);
        dst[0] = 'x';
        assert_int_equal(urienc_path(dst, need - 1, c->in, len), -1);
        if (need > 1) /* with dstlen 0 nothing may be written */
            assert_string_equal(dst, "");
        need = strlen(c->component) + 1;
        assert_int_equal(urienc_component(dst, need, c->in, len), (long)need - 1);
        assert_string_equal(dst, c->component);
    }
}

/* Buffers too small by a whole escape, by part of one, and empty or NULL. */
static void test_encode_small(void **state)
{
    (void)state;
    char dst[8];
    memset(dst, 'x', sizeof dst);
    /* "a b" -> "a%20b" needs 6 bytes with the NUL. */
    assert_int_equal(urienc_path(dst, 6, "a b", 3), 5);
    assert_string_equal(dst, "a%20b");
    for (size_t cap = 1; cap < 6; cap++) {
        memset(dst, 'x', sizeof dst);
        assert_int_equal(urienc_path(dst, cap, "a b", 3), -1);
        assert_string_equal(dst, "");
        memset(dst, 'x', sizeof dst);
        assert_int_equal(urienc_component(dst, cap, "a/b", 3), -1);
        assert_string_equal(dst, "");
    }
    assert_int_equal(urienc_path(dst, 0, "a", 1), -1);
    assert_int_equal(urienc_path(NULL, 8, "a", 1), -1);
    assert_int_equal(urienc_component(dst, 0, "", 0), -1);
    /* An empty key fits in one byte. */
    assert_int_equal(urienc_path(dst, 1, "", 0), 0);
    assert_string_equal(dst, "");
    assert_int_equal(urienc_path(dst, 1, NULL, 0), 0);
    assert_int_equal(urienc_path(dst, 8, NULL, 1), -1);
}

/* S3's longest key, 1024 bytes: plain, and every byte escaped (3 KiB). */
static void test_encode_1024(void **state)
{
    (void)state;
    static char key[1024], out[3 * 1024 + 1], back[1025];
    memset(key, 'k', sizeof key);
    assert_int_equal(urienc_path(out, 1025, key, sizeof key), 1024);
    assert_memory_equal(out, key, 1024);
    assert_int_equal(urienc_path(out, 1024, key, sizeof key), -1);

    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (i % 2) ? ' ' : '+';
    assert_int_equal(urienc_component(out, sizeof out, key, sizeof key), 3 * 1024);
    assert_memory_equal(out, "%2B%20%2B%20", 12);
    assert_int_equal(urienc_component(out, sizeof out - 1, key, sizeof key), -1);
    assert_string_equal(out, "");
    assert_int_equal(urienc_component(out, sizeof out, key, sizeof key), 3 * 1024);
    assert_int_equal(urienc_decode(back, sizeof back, out, 3 * 1024), 1024);
    assert_memory_equal(back, key, sizeof key);
}

/* Decoding: what each escape gives, with '+' as a space (see urienc.c). */
static void test_decode_table(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out;
    } dec[] = {
        {"", ""},
        {"plain", "plain"},
        {"%20", " "},
        {"+", " "},      /* AWS writes a space in listed keys as '+' */
        {"a+b", "a b"},
        {"%2B", "+"},    /* ... and a literal '+' as %2B */
        {"%2b", "+"},    /* lower-case hex is accepted */
        {"%E1%88%B4", "\xe1\x88\xb4"},
        {"%e1%88%b4", "\xe1\x88\xb4"},
        {"a%2Fb/c", "a/b/c"},
        {"%25", "%"},
        {"%2520", "%20"}, /* decoded once */
        {"~-._", "~-._"},
        {"%0A", "\n"},
        {"quux%20ab/", "quux ab/"},
        {"quux+ab/", "quux ab/"},
    };
    for (size_t i = 0; i < sizeof dec / sizeof dec[0]; i++) {
        char dst[64];
        long n = urienc_decode(dst, sizeof dst, dec[i].in, strlen(dec[i].in));
        assert_string_equal(dst, dec[i].out);
        assert_int_equal(n, (long)strlen(dec[i].out));
    }
}

/* Malformed escapes, %00 and too small buffers are -1, leaving "". */
static void test_decode_rejects(void **state)
{
    (void)state;
    static const char *bad[] = {
        "%", "%G1", "%4", "%%", "%%20", "abc%", "abc%2", "%4G", "%-1", "% 1",
        "%00", "a%00b", "%0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char dst[32];
        memset(dst, 'x', sizeof dst);
        long n = urienc_decode(dst, sizeof dst, bad[i], strlen(bad[i]));
        if (n != -1)
            fail_msg("\"%s\" decoded to \"%s\" (%ld), want -1", bad[i], dst, n);
        assert_string_equal(dst, "");
    }
    char dst[4];
    assert_int_equal(urienc_decode(dst, 4, "abc", 3), 3);
    assert_int_equal(urienc_decode(dst, 3, "abc", 3), -1);
    assert_string_equal(dst, "");
    assert_int_equal(urienc_decode(dst, 2, "%41%42", 6), -1);
    assert_int_equal(urienc_decode(dst, 3, "%41%42", 6), 2);
    assert_string_equal(dst, "AB");
    assert_int_equal(urienc_decode(dst, 0, "", 0), -1);
    assert_int_equal(urienc_decode(NULL, 4, "", 0), -1);
    /* len bounds the input: a '%' cut by len is malformed, not read past. */
    assert_int_equal(urienc_decode(dst, sizeof dst, "a%41", 3), -1);
}

/* decode(encode(x)) == x for every table row without a NUL, through both
 * encoders, and decoding in place. */
static void test_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < NENC; i++) {
        const struct enc_case *c = &ENC[i];
        size_t len = c->len ? c->len : strlen(c->in);
        if (memchr(c->in, '\0', len))
            continue; /* %00 is refused by design */
        char enc[256], dec[256];
        long n = urienc_path(enc, sizeof enc, c->in, len);
        assert_true(n >= 0);
        assert_int_equal(urienc_decode(dec, sizeof dec, enc, (size_t)n), (long)len);
        assert_string_equal(dec, c->in);
        n = urienc_component(enc, sizeof enc, c->in, len);
        assert_true(n >= 0);
        /* In place: dst == src. */
        assert_int_equal(urienc_decode(enc, sizeof enc, enc, (size_t)n), (long)len);
        assert_string_equal(enc, c->in);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_table),
        cmocka_unit_test(test_encode_small),
        cmocka_unit_test(test_encode_1024),
        cmocka_unit_test(test_decode_table),
        cmocka_unit_test(test_decode_rejects),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests_name("urienc", tests, NULL, NULL);
}
