#ifndef S3BENCH_PROGRESS_H
#define S3BENCH_PROGRESS_H
/* A one-line progress display on a terminal: objects done of total, bytes,
 * rate and ETA, redrawn in place at most 4 times a second. The caller owns
 * the clock (times go in as seconds), so the throttle and the text can be
 * tested without waiting. Never used when the stream is not a terminal. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROGRESS_INTERVAL 0.25 /* seconds between redraws */

struct progress {
    FILE *f;          /* NULL: disabled */
    uint64_t total;   /* objects to fetch */
    double start;     /* when fetching began */
    double last;      /* when the line was last drawn; < 0 never */
    size_t width;     /* length of the last line, to blank it */
};

/* Starts a display on f for total objects at time now; disabled (every call
 * a no-op) when f is NULL. Callers pass NULL unless f is a terminal and
 * progress was not turned off. */
void progress_init(struct progress *p, FILE *f, uint64_t total, double now);

/* Formats "done/total objects, size, rate, ETA" into buf (always
 * terminated). Returns the length written. */
size_t progress_format(char *buf, size_t cap, uint64_t done, uint64_t total, uint64_t bytes,
                       double elapsed);

/* Redraws the line if PROGRESS_INTERVAL has passed since the last draw.
 * Returns 1 if it drew, 0 if not. */
int progress_update(struct progress *p, uint64_t done, uint64_t bytes, double now);

/* Blanks the line, so what follows on the terminal starts clean. */
void progress_end(struct progress *p);

#endif
