/* keylist: exact bytes in, exact bytes out (NULs included), nothing changed
 * by a failed add, and the memory budget for a million keys. */
#include "testutil.h"

#include "keylist.h"

/* The key list must hold what was added, byte for byte, with a NUL after. */
static void assert_key(const struct keylist *kl, size_t i, const char *key, size_t len, uint64_t size)
{
    assert_true(i < kl->count);
    assert_int_equal(kl->items[i].len, len);
    assert_int_equal(kl->items[i].size, size);
    const char *k = keylist_key(kl, i);
    assert_non_null(k);
    if (len)
        assert_memory_equal(k, key, len);
    assert_int_equal(k[len], '\0');
}

static void test_empty(void **state)
{
    (void)state;
    struct keylist kl;
    keylist_init(&kl);
    assert_int_equal(kl.count, 0);
    assert_null(keylist_key(&kl, 0));
    keylist_truncate(&kl, 0);
    keylist_free(&kl);
    keylist_free(&kl); /* freeing twice is harmless */
    assert_null(kl.arena);
    assert_null(kl.items);
}

static void test_add_and_read(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        size_t len;
        uint64_t size;
    } cases[] = {
        {"alpha", 5, 1},
        {"nul\0inside", 10, 2},          /* a %00 in an encoded listing */
        {"", 0, 3},                      /* empty: stored, length 0 */
        {"\xE3\x81\x82 \n+", 6, UINT64_MAX},
        {"\0", 1, 0},
    };
    const size_t n = sizeof cases / sizeof cases[0];
    struct keylist kl;
    keylist_init(&kl);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(keylist_add(&kl, cases[i].key, cases[i].len, cases[i].size), 0);
    assert_int_equal(kl.count, n);
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        assert_key(&kl, i, cases[i].key, cases[i].len, cases[i].size);
        bytes += cases[i].len + 1;
    }
    assert_int_equal(kl.arena_len, bytes);
    assert_null(keylist_key(&kl, n));
    /* NULL is fine for an empty key, not for a non-empty one. */
    assert_int_equal(keylist_add(&kl, NULL, 0, 9), 0);
    assert_int_equal(kl.count, n + 1);
    assert_int_equal(keylist_add(&kl, NULL, 3, 9), -1);
    assert_int_equal(kl.count, n + 1);
    keylist_free(&kl);
}

static void test_too_long_unchanged(void **state)
{
    (void)state;
    struct keylist kl;
    keylist_init(&kl);
    assert_int_equal(keylist_add(&kl, "seed", 4, 7), 0);
    size_t arena_len = kl.arena_len;
#if SIZE_MAX > UINT32_MAX
    /* Rejected on the length alone, before a byte of key is read. */
    static const char small[1] = "x";
    assert_int_equal(keylist_add(&kl, small, (size_t)UINT32_MAX + 1, 1), -1);
    assert_int_equal(keylist_add(&kl, small, SIZE_MAX, 1), -1);
#endif
    assert_int_equal(kl.count, 1);
    assert_int_equal(kl.arena_len, arena_len);
    assert_key(&kl, 0, "seed", 4, 7);
    keylist_free(&kl);
}

static void test_truncate(void **state)
{
    (void)state;
    struct keylist kl;
    keylist_init(&kl);
    char key[32];
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        assert_true(n > 0 && (size_t)n < sizeof key);
        assert_int_equal(keylist_add(&kl, key, (size_t)n, (uint64_t)i), 0);
    }
    size_t len_at_10 = 0;
    for (size_t i = 0; i < 10; i++)
        len_at_10 += kl.items[i].len + 1;

    keylist_truncate(&kl, 5000); /* beyond the end: nothing happens */
    assert_int_equal(kl.count, 1000);
    keylist_truncate(&kl, 10);
    assert_int_equal(kl.count, 10);
    assert_int_equal(kl.arena_len, len_at_10);
    assert_key(&kl, 9, "k9", 2, 9);
    /* The next key goes where the dropped ones were. */
    assert_int_equal(keylist_add(&kl, "after", 5, 42), 0);
    assert_int_equal(kl.items[10].off, len_at_10);
    assert_key(&kl, 10, "after", 5, 42);
    keylist_truncate(&kl, 0);
    assert_int_equal(kl.count, 0);
    assert_int_equal(kl.arena_len, 0);
    assert_int_equal(keylist_add(&kl, "again", 5, 1), 0);
    assert_key(&kl, 0, "again", 5, 1);
    keylist_free(&kl);
}

/* Memory per key beyond the key's own bytes: both blocks' capacity (growth
 * slack included, the NUL after each key included) minus the key bytes. */
static uint64_t overhead_per_key(const struct keylist *kl, uint64_t key_bytes)
{
    uint64_t total = (uint64_t)kl->arena_cap + (uint64_t)kl->cap * sizeof(struct keylist_entry);
    return (total - key_bytes) / kl->count;
}

/* A million keys of one length; the budget is checked at every count from
 * check_from on, so the worst point (just after a growth) is covered, and
 * the content is checked at a few places. */
static void million_keys(size_t keylen, size_t check_from)
{
    enum { N = 1000000 };
    struct keylist kl;
    keylist_init(&kl);
    char key[1100];
    assert_true(keylen < sizeof key && keylen >= 16);
    memset(key, 'p', keylen);
    uint64_t key_bytes = 0, worst = 0;
    for (size_t i = 0; i < N; i++) {
        char num[16];
        int n = snprintf(num, sizeof num, "%08zu", i);
        assert_int_equal(n, 8);
        memcpy(key + keylen - 8, num, 8);
        assert_int_equal(keylist_add(&kl, key, keylen, i), 0);
        key_bytes += keylen;
        if (kl.count >= check_from) {
            uint64_t o = overhead_per_key(&kl, key_bytes);
            if (o > worst)
                worst = o;
        }
    }
    assert_int_equal(kl.count, N);
    print_message("    %zu-byte keys: %llu bytes/key beyond the key at 1M, worst %llu from %zu keys on\n",
                  keylen, (unsigned long long)overhead_per_key(&kl, key_bytes),
                  (unsigned long long)worst, check_from);
    assert_in_range(overhead_per_key(&kl, key_bytes), 0, 150);
    assert_in_range(worst, 0, 150);
    /* Spot checks: first, middle, last. */
    static const size_t at[] = {0, 500000, N - 1};
    for (size_t j = 0; j < 3; j++) {
        int n = snprintf(key + keylen - 8, 9, "%08zu", at[j]);
        assert_int_equal(n, 8);
        assert_key(&kl, at[j], key, keylen, at[j]);
    }
    keylist_free(&kl);
}

static void test_million_short_keys(void **state)
{
    (void)state;
    million_keys(24, 100000); /* "bench/obj-00000123.bin"-like */
}

static void test_million_long_keys(void **state)
{
    (void)state;
    /* 100 MB of keys: crosses into the arena's slow-growth regime. */
    million_keys(100, 1000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_add_and_read),
        cmocka_unit_test(test_too_long_unchanged),
        cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_million_short_keys),
        cmocka_unit_test(test_million_long_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
