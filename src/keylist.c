/* The key list: one arena of key bytes plus one array of fixed-size entries.
 * Two allocations in total instead of one per key, so a million keys cost
 * their own bytes plus a few dozen bytes each, and the workers walk two
 * contiguous blocks. */
#include "keylist.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* First sizes: small, since a listing of a handful of keys is common, and the
 * geometric growth below reaches any size in a few dozen steps anyway. */
#define KEYLIST_FIRST_ITEMS 256u
#define KEYLIST_FIRST_ARENA 16384u
/* Past this size the arena grows by 1/16 instead of 1/2. Slack is what the
 * memory budget (~150 bytes per key beyond the key itself) is about: a
 * million 1024-byte keys then carry at most 64 bytes of slack each, where
 * 1.5x growth could leave 512. A large realloc is cheap on Linux (glibc moves
 * big blocks with mremap, no copy), so the extra reallocs (~45 from 64 MiB
 * to 1 GiB) cost little. */
#define KEYLIST_BIG_ARENA ((size_t)64 << 20)

/* Next capacity for a block that holds cap units and must hold need:
 * cap * 1.5 (or * 1.0625 from big on), at least need, at least first. Returns 0
 * when that does not fit in a size_t of max units. Factor 1.5 rather than 2
 * halves the worst-case slack (36 rather than 48 bytes per 24-byte entry). */
static size_t grow_cap(size_t cap, size_t need, size_t first, size_t big, size_t max)
{
    size_t next = cap < first ? first : cap;
    while (next < need) {
        size_t step = next >= big ? next / 16 : next / 2;
        if (step == 0)
            step = 1;
        if (next > max - step) {
            /* Cannot grow geometrically: settle for exactly what is needed. */
            return need <= max ? need : 0;
        }
        next += step;
    }
    return next;
}

void keylist_init(struct keylist *kl)
{
    memset(kl, 0, sizeof *kl);
}

/* Either both blocks are large enough and the key is appended, or nothing
 * changes: on failure the list is exactly as before, so a caller may keep
 * what it has. */
int keylist_add(struct keylist *kl, const char *key, size_t len, uint64_t size)
{
    /* The entry stores the length in 32 bits to keep entries at 24 bytes. */
    if (len > UINT32_MAX || (len > 0 && key == NULL)) {
        errno = EOVERFLOW;
        return -1;
    }
    /* len + 1: the NUL kept after every key for callers that want a string. */
    if (kl->arena_len > SIZE_MAX - 1 || len > SIZE_MAX - 1 - kl->arena_len) {
        errno = ENOMEM;
        return -1;
    }
    size_t need = kl->arena_len + len + 1;
    if (need > kl->arena_cap) {
        size_t cap = grow_cap(kl->arena_cap, need, KEYLIST_FIRST_ARENA, KEYLIST_BIG_ARENA, SIZE_MAX);
        if (cap == 0) {
            errno = ENOMEM;
            return -1;
        }
        char *arena = realloc(kl->arena, cap);
        if (!arena)
            return -1;
        kl->arena = arena;
        kl->arena_cap = cap;
    }
    if (kl->count == kl->cap) {
        const size_t max = SIZE_MAX / sizeof *kl->items;
        if (kl->count == max) {
            errno = ENOMEM;
            return -1;
        }
        size_t cap = grow_cap(kl->cap, kl->count + 1, KEYLIST_FIRST_ITEMS, max, max);
        if (cap == 0) {
            errno = ENOMEM;
            return -1;
        }
        struct keylist_entry *items = realloc(kl->items, cap * sizeof *items);
        if (!items)
            return -1; /* the arena may have grown: harmless, it is only capacity */
        kl->items = items;
        kl->cap = cap;
    }
    if (len > 0)
        memcpy(kl->arena + kl->arena_len, key, len);
    kl->arena[kl->arena_len + len] = '\0';
    kl->items[kl->count] = (struct keylist_entry){
        .off = kl->arena_len, .len = (uint32_t)len, .size = size,
    };
    kl->arena_len = need;
    kl->count++;
    return 0;
}

/* Entries hold offsets rather than pointers so the arena may move on realloc;
 * the pointer returned here is therefore only valid until the next add. */
const char *keylist_key(const struct keylist *kl, size_t i)
{
    if (i >= kl->count)
        return NULL;
    return kl->arena + kl->items[i].off;
}

/* Keys are appended in order, so dropping the tail is dropping the arena
 * bytes after the last kept key: how a parser takes back a page it could not
 * finish. Capacity is kept for the retry. */
void keylist_truncate(struct keylist *kl, size_t count)
{
    if (count >= kl->count)
        return;
    kl->count = count;
    if (count == 0) {
        kl->arena_len = 0;
    } else {
        const struct keylist_entry *last = &kl->items[count - 1];
        kl->arena_len = (size_t)last->off + last->len + 1;
    }
}

void keylist_free(struct keylist *kl)
{
    free(kl->arena);
    free(kl->items);
    keylist_init(kl); /* a second free, or a reuse, is then harmless */
}
