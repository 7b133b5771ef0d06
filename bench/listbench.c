/* Listing micro-benchmark for `make bench`: parses ListObjectsV2 pages
 * holding 1,000,000 keys (1,000 pages of 1,000, S3's page size, shaped like
 * S3's: ETag, LastModified, StorageClass, encoding-type=url) into one key
 * list with listxml_parse_page, and reports
 *   - keys per second of CPU time (CLOCK_PROCESS_CPUTIME_ID; best of the
 *     rounds, a fresh key list each round),
 *   - heap bytes per key beyond the key's own bytes: what the key list
 *     holds (arena capacity + entry array capacity - key bytes) and, as a
 *     cross-check, what malloc reports in use (mallinfo2) after the parse.
 * The pages are built in memory before the clock starts.
 *   listbench [KEYS [ROUNDS]]     prints one line: LISTBENCH key=value ...
 * Targets (issue 7): >= 1e6 keys/s, <= 150 bytes per key. */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keylist.h"
#include "listxml.h"

#define PAGE 1000

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Appends printf output to a growing buffer; exits on failure. */
static void add(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if (n < 0)
            exit(2);
        if ((size_t)n < *cap - *len) {
            *len += (size_t)n;
            return;
        }
        *cap = *cap * 2 + (size_t)n;
        if (!(*buf = realloc(*buf, *cap)))
            exit(2);
    }
}

/* Keys look like real ones: a few prefix levels, ~40 bytes. */
static void key_name(char *dst, size_t cap, size_t i)
{
    snprintf(dst, cap, "data/2024/%02zu/%02zu/part-%08zu.parquet", i / 100000 % 12 + 1,
             i / 1000 % 28 + 1, i);
}

int main(int argc, char **argv)
{
    size_t nkeys = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    size_t npages = (nkeys + PAGE - 1) / PAGE;
    char **pages = calloc(npages, sizeof *pages);
    size_t *plen = calloc(npages, sizeof *plen);
    if (!pages || !plen || nkeys == 0 || rounds < 1)
        return 2;
    size_t key_bytes = 0, xml_bytes = 0;
    char key[128];
    for (size_t p = 0; p < npages; p++) {
        size_t len = 0, cap = 1 << 18;
        char *b = malloc(cap);
        if (!b)
            return 2;
        size_t first = p * PAGE, last = first + PAGE < nkeys ? first + PAGE : nkeys;
        int trunc = last < nkeys;
        add(&b, &len, &cap,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
            "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bench</Name><Prefix></Prefix>"
            "%s%s%s<KeyCount>%zu</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType>"
            "<IsTruncated>%s</IsTruncated>",
            p ? "<ContinuationToken>" : "", p ? "1ZmFrZS10b2tlbi1mb3ItcGFnZQ==" : "",
            p ? "</ContinuationToken>" : "", last - first, trunc ? "true" : "false");
        for (size_t i = first; i < last; i++) {
            key_name(key, sizeof key, i);
            key_bytes += strlen(key);
            add(&b, &len, &cap,
                "<Contents><Key>%s</Key><LastModified>2024-05-01T12:34:56.000Z</LastModified>"
                "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>%zu</Size>"
                "<StorageClass>STANDARD</StorageClass></Contents>",
                key, 1000 + i % 100000);
        }
        if (trunc)
            add(&b, &len, &cap, "<NextContinuationToken>1ZmFrZS10b2tlbi0%zu</NextContinuationToken>", p);
        add(&b, &len, &cap, "</ListBucketResult>");
        pages[p] = b;
        plen[p] = len;
        xml_bytes += len;
    }

    /* One warm-up parse (xmlInitParser, page faults of the libraries). */
    struct keylist kl;
    struct listxml_page page;
    char err[256];
    keylist_init(&kl);
    if (listxml_parse_page(pages[0], plen[0], &kl, &page, err, sizeof err) != 0) {
        fprintf(stderr, "listbench: %s\n", err);
        return 1;
    }
    keylist_free(&kl);

    double best = 1e30;
    size_t held = 0, in_use = 0;
    for (int r = 0; r < rounds; r++) {
        keylist_init(&kl);
        malloc_trim(0);
        struct mallinfo2 before = mallinfo2();
        double t0 = cpu_now();
        for (size_t p = 0; p < npages; p++) {
            if (listxml_parse_page(pages[p], plen[p], &kl, &page, err, sizeof err) != 0) {
                fprintf(stderr, "listbench: page %zu: %s\n", p, err);
                return 1;
            }
        }
        double dt = cpu_now() - t0;
        struct mallinfo2 after = mallinfo2();
        if (kl.count != nkeys) {
            fprintf(stderr, "listbench: %zu keys parsed, %zu expected\n", kl.count, nkeys);
            return 1;
        }
        if (dt < best)
            best = dt;
        held = kl.arena_cap + kl.cap * sizeof *kl.items;
        in_use = (after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd);
        keylist_free(&kl);
    }
    double per_key_held = ((double)held - (double)key_bytes) / (double)nkeys;
    double per_key_heap = ((double)in_use - (double)key_bytes) / (double)nkeys;
    printf("LISTBENCH keys=%zu pages=%zu xml_mib=%.1f key_bytes_avg=%.1f cpu_seconds=%.4f "
           "keys_per_second=%.0f xml_mib_per_second=%.1f overhead_bytes_per_key=%.1f "
           "heap_bytes_per_key=%.1f\n",
           nkeys, npages, (double)xml_bytes / 1048576.0, (double)key_bytes / (double)nkeys, best,
           (double)nkeys / best, (double)xml_bytes / 1048576.0 / best, per_key_held, per_key_heap);
    for (size_t p = 0; p < npages; p++)
        free(pages[p]);
    free(pages);
    free(plen);
    return 0;
}
