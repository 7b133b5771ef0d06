#ifndef S3BENCH_KEYLIST_H
#define S3BENCH_KEYLIST_H
/* The listed objects: keys and sizes in listing order, the key bytes in one
 * growing arena (not a malloc per key), so a million keys cost little more
 * than their own bytes. Read-only once the listing is done, so threads and
 * forked children can share it without locks. */
#include <stddef.h>
#include <stdint.h>

struct keylist_entry {
    uint64_t off;  /* offset of the key in the arena */
    uint32_t len;  /* key length in bytes (keys may hold any byte) */
    uint64_t size; /* Size from the listing */
};

struct keylist {
    char *arena;
    size_t arena_len, arena_cap;
    struct keylist_entry *items;
    size_t count, cap;
};

void keylist_init(struct keylist *kl);
/* Appends a key of len bytes (any bytes, NULs included; len is authoritative).
 * The arena also gets a NUL after it, so a key without NULs reads as a C
 * string. Returns 0, or -1 (errno ENOMEM/EOVERFLOW, the list unchanged) when
 * memory runs out or len does not fit in 32 bits. */
int keylist_add(struct keylist *kl, const char *key, size_t len, uint64_t size);
/* The key of entry i, keylist_entry.len bytes followed by a NUL (the key may
 * hold NULs itself, so use the length). Points into the arena: valid until the
 * next keylist_add. NULL when i >= count. */
const char *keylist_key(const struct keylist *kl, size_t i);
/* Drops every entry from index count on, and their arena bytes (no-op when
 * count >= kl->count): takes back a page that failed half way. */
void keylist_truncate(struct keylist *kl, size_t count);
/* Frees both blocks and leaves kl empty and reusable. */
void keylist_free(struct keylist *kl);

#endif
