#include "progress.h"

#include <inttypes.h>
#include <string.h>

void progress_init(struct progress *p, FILE *f, uint64_t total, double now)
{
    memset(p, 0, sizeof *p);
    p->f = f;
    p->total = total;
    p->start = now;
    p->last = -1;
}

/* Writes bytes as B, KiB, MiB or GiB with one decimal. */
static int human_bytes(char *buf, size_t cap, double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t u = 0;
    while (bytes >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        bytes /= 1024;
        u++;
    }
    return snprintf(buf, cap, "%.1f %s", bytes, units[u]);
}

size_t progress_format(char *buf, size_t cap, uint64_t done, uint64_t total, uint64_t bytes,
                       double elapsed)
{
    char size[32], rate[32], eta[32] = "--:--";
    human_bytes(size, sizeof size, (double)bytes);
    human_bytes(rate, sizeof rate, elapsed > 0 ? (double)bytes / elapsed : 0);
    /* The ETA assumes the objects left go at the rate of those done so far:
     * by count, since the sizes of what is left are known only as a sum. */
    if (done > 0 && done <= total && elapsed > 0) {
        double left = elapsed * (double)(total - done) / (double)done;
        unsigned long s = (unsigned long)(left + 0.5);
        snprintf(eta, sizeof eta, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
    }
    int n = snprintf(buf, cap, "%" PRIu64 "/%" PRIu64 " objects (%.0f%%), %s, %s/s, ETA %s", done,
                     total, total ? 100.0 * (double)done / (double)total : 100.0, size, rate, eta);
    if (n < 0) {
        if (cap)
            buf[0] = '\0';
        return 0;
    }
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

int progress_update(struct progress *p, uint64_t done, uint64_t bytes, double now)
{
    if (!p->f || (p->last >= 0 && now - p->last < PROGRESS_INTERVAL))
        return 0;
    char line[160];
    size_t n = progress_format(line, sizeof line, done, p->total, bytes, now - p->start);
    /* Pad over the tail of a longer previous line instead of clearing with
     * an escape sequence, which not every terminal knows. */
    fprintf(p->f, "\r%s%*s", line, p->width > n ? (int)(p->width - n) : 0, "");
    fflush(p->f);
    p->width = n;
    p->last = now;
    return 1;
}

void progress_end(struct progress *p)
{
    if (!p->f || p->width == 0)
        return;
    fprintf(p->f, "\r%*s\r", (int)p->width, "");
    fflush(p->f);
    p->width = 0;
}
