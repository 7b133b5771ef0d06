/* The worker pools. Threads and processes run the same worker loop; they
 * differ only in where a result goes: straight into its slot (threads), or
 * as a fixed-size record through the child's pipe to the parent (processes). */
#include "pool.h"

#include "errmsg.h"
#include "progress.h"
#include "retry.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Failures each worker describes on stderr; the rest are only counted. */
#define WORKER_REPORTED_FAILURES 3
/* A child sends its records in batches: one write per batch instead of one
 * per object (with the parent's poll and read, 10-40 us an object on small
 * ones). A batch goes when full or when it has waited BATCH_SECONDS, so the
 * progress line stays live. */
#define BATCH_RECORDS 64
#define BATCH_SECONDS 0.05
/* How often the parent looks at the clock, the stop flag and the progress
 * line while workers run. */
#define WATCH_TICK_NS (50 * 1000 * 1000)

/* What every worker shares, in MAP_SHARED memory so that forked children
 * see the same: the next key to hand out and the stop flags. */
struct pool_shared {
    _Atomic uint64_t next;
    _Atomic int stop;    /* the signal that stopped the run: hand out no more keys */
    _Atomic int abort;   /* the grace is over: abandon transfers in flight */
};

/* For the signal handler, which can reach nothing else. */
static struct pool_shared *volatile stop_target;

/* SIGINT/SIGTERM: only an atomic store, which is async-signal-safe for a
 * lock-free int. Inherited by forked children, who set the same flag. */
static void on_stop_signal(int signo)
{
    struct pool_shared *sh = stop_target;
    int none = 0;
    if (sh)
        atomic_compare_exchange_strong(&sh->stop, &none, signo);
}

struct worker {
    const struct config *cfg;
    const struct s3_target *target;
    const struct keylist *kl;
    struct pool_shared *shared;      /* the one thing workers share */
    struct pool_result *results;     /* thread mode: the result slots */
    int fd;                          /* process mode: the pipe to the parent */
    int id;
    pthread_t tid;
    int rc;
    int reported;                    /* failures described so far */
    uint64_t rng;                    /* this worker's backoff jitter */
    char err[256];
    /* Thread mode: this worker's own statistics, merged after the join.
     * done and bytes are written by this worker alone and only read, for
     * the progress line, by the main thread. */
    struct hist *latency, *ttfb;
    _Atomic uint64_t done, bytes;
    _Atomic int finished;
    double last_result;              /* when its last result came */
    /* Process mode: the records not yet sent, and when the first came. */
    struct pool_result batch[BATCH_RECORDS];
    int nbatch;
    double batch_since;
};

double pool_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int stopping(const struct pool_shared *sh)
{
    return atomic_load_explicit(&sh->stop, memory_order_relaxed) != 0;
}

/* Counts a fetched object's times in the histograms (µs). Only objects that
 * came whole count: the percentiles describe successful fetches. */
static void record_times(struct hist *latency, struct hist *ttfb, const struct pool_result *r)
{
    if (r->state != POOL_OK)
        return;
    hist_record(latency, (uint64_t)(r->total * 1e6 + 0.5));
    hist_record(ttfb, (uint64_t)(r->ttfb * 1e6 + 0.5));
}

/* Prints "GET s3://bucket/key: why" with the key's control bytes escaped, so
 * a key holding a newline cannot forge a second line. */
static void report_failure(const char *bucket, const char *key, size_t keylen,
                           const struct s3_result *r)
{
    char why[768], shown[512];
    size_t o = 0;
    for (size_t i = 0; i < keylen && o + 5 < sizeof shown; i++) {
        unsigned char ch = (unsigned char)key[i];
        if (ch < 0x20 || ch == 0x7f)
            o += (size_t)snprintf(shown + o, sizeof shown - o, "\\x%02x", ch);
        else
            shown[o++] = (char)ch;
    }
    shown[o] = '\0';
    s3_result_describe(r, why, sizeof why);
    fprintf(stderr, "s3bench: GET s3://%s/%s: %s\n", bucket, shown, why);
}

/* Sleeps for seconds, in slices, returning early when the run is stopped. */
static void backoff_sleep(double seconds, const struct pool_shared *sh)
{
    while (seconds > 0 && !stopping(sh)) {
        double step = seconds < 0.1 ? seconds : 0.1;
        struct timespec ts = {0, (long)(step * 1e9)};
        nanosleep(&ts, NULL);
        seconds -= step;
    }
}

/* Fetches key i with client c, retrying what retry_should calls worth it
 * (on a new connection, after a jittered backoff) up to max_attempts.
 * Returns the result of the last attempt. */
static struct pool_result fetch_one(struct worker *w, struct s3_client *c, uint64_t i)
{
    const char *key = keylist_key(w->kl, i);
    size_t keylen = w->kl->items[i].len;
    struct s3_result r;
    int attempt = 1, ok;
    for (;;) {
        ok = s3_get_object(c, w->cfg->bucket, key, keylen, &r) == 0;
        if (!retry_should(&r) || attempt >= w->cfg->max_attempts || stopping(w->shared))
            break;
        backoff_sleep(retry_backoff(attempt, &w->rng), w->shared);
        s3_client_fresh(c);
        attempt++;
    }
    if (!ok && w->reported++ < WORKER_REPORTED_FAILURES && r.curl_code != CURLE_ABORTED_BY_CALLBACK)
        report_failure(w->cfg->bucket, key, keylen, &r);
    /* A transfer abandoned at the stop was not fetched, not failed. */
    int state = ok ? POOL_OK : r.curl_code == CURLE_ABORTED_BY_CALLBACK ? POOL_PENDING : POOL_FAILED;
    return (struct pool_result){
        .index = i, .content_length = r.content_length, .bytes = r.bytes,
        .status = (int32_t)r.status, .state = state, .worker = w->id,
        .retries = attempt - 1, .ttfb = r.ttfb, .total = r.total,
    };
}

/* Writes all of len bytes to fd, retrying short writes and EINTR. */
static int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Process mode: sends the batched records down the pipe. Returns 0, or -1
 * with w->err. A child that dies loses its unsent records; the parent then
 * fetches those objects again, as it does the ones in flight. */
static int flush_batch(struct worker *w)
{
    if (w->nbatch && write_full(w->fd, w->batch, (size_t)w->nbatch * sizeof w->batch[0]) != 0)
        return errmsg_set(w->err, sizeof w->err, "result pipe: %s", strerror(errno));
    w->nbatch = 0;
    return 0;
}

/* Process mode: queues res for the parent, sending when the batch is full
 * or old. Returns 0 or -1 with w->err. */
static int send_result(struct worker *w, const struct pool_result *res)
{
    double now = pool_clock();
    if (w->nbatch == 0)
        w->batch_since = now;
    w->batch[w->nbatch++] = *res;
    if (w->nbatch == BATCH_RECORDS || now - w->batch_since >= BATCH_SECONDS)
        return flush_batch(w);
    return 0;
}

/* Creates a client for worker w that gives up transfers on abort. */
static struct s3_client *worker_client(struct worker *w)
{
    struct s3_client *c = malloc(sizeof *c);
    if (!c) {
        errmsg_set(w->err, sizeof w->err, "out of memory");
        return NULL;
    }
    if (s3_client_init(c, w->target, w->err, sizeof w->err) != 0) {
        free(c);
        return NULL;
    }
    c->abort = &w->shared->abort;
    return c;
}

/* The worker loop: takes the next index until none is left or the run is
 * stopped, fetches it and delivers the result. Returns 0, or -1 with w->err
 * set when the worker could not start or lost its pipe. */
static int worker_loop(struct worker *w)
{
    int rc = -1;
    struct s3_client *c = worker_client(w);
    if (!c)
        return -1;
    while (!stopping(w->shared)) {
        uint64_t i = atomic_fetch_add_explicit(&w->shared->next, 1, memory_order_relaxed);
        if (i >= w->kl->count)
            break;
        struct pool_result res = fetch_one(w, c, i);
        if (w->fd < 0) {
            w->results[i] = res;
            record_times(w->latency, w->ttfb, &res);
            w->last_result = pool_clock();
            /* One writer: a plain load and store, no locked add. */
            atomic_store_explicit(&w->bytes, atomic_load_explicit(&w->bytes, memory_order_relaxed) + res.bytes,
                                  memory_order_relaxed);
            atomic_store_explicit(&w->done, atomic_load_explicit(&w->done, memory_order_relaxed) + 1,
                                  memory_order_relaxed);
        } else if (send_result(w, &res) != 0) {
            goto cleanup;
        }
    }
    rc = w->fd < 0 ? 0 : flush_batch(w);
cleanup:
    s3_client_cleanup(c);
    free(c);
    return rc;
}

static void *thread_main(void *arg)
{
    struct worker *w = arg;
    w->rc = worker_loop(w);
    atomic_store_explicit(&w->finished, 1, memory_order_release);
    return NULL;
}

/* The stop's grace: once POOL_ABORT_GRACE seconds have passed since the
 * watcher first saw the stop, transfers still in flight are abandoned.
 * *seen is the watcher's own memory of that moment (0: not yet). */
static void enforce_grace(struct pool_shared *sh, double now, double *seen)
{
    if (!stopping(sh))
        return;
    if (*seen == 0)
        *seen = now;
    else if (now - *seen >= POOL_ABORT_GRACE)
        atomic_store_explicit(&sh->abort, 1, memory_order_relaxed);
}

/* Watches the threads until every one has finished: the progress line, and
 * the grace after a stop. */
static void watch_threads(struct worker *ws, int n, struct progress *pg, struct pool_shared *sh)
{
    const struct timespec tick = {0, WATCH_TICK_NS};
    double stop_seen = 0;
    for (;;) {
        uint64_t done = 0, bytes = 0;
        int finished = 0;
        for (int i = 0; i < n; i++) {
            done += atomic_load_explicit(&ws[i].done, memory_order_relaxed);
            bytes += atomic_load_explicit(&ws[i].bytes, memory_order_relaxed);
            finished += atomic_load_explicit(&ws[i].finished, memory_order_acquire);
        }
        if (finished == n)
            return;
        double now = pool_clock();
        progress_update(pg, done, bytes, now);
        enforce_grace(sh, now, &stop_seen);
        nanosleep(&tick, NULL);
    }
}

/* Thread mode: N threads writing straight into their result slots (each slot
 * has one writer; join publishes them). Returns 0 or -1 with err. */
static int run_threads(struct worker *ws, int n, struct progress *pg, char *err, size_t errlen)
{
    int started = 0, rc = 0;
    for (; started < n; started++) {
        int e = pthread_create(&ws[started].tid, NULL, thread_main, &ws[started]);
        if (e != 0) {
            errmsg_set(err, errlen, "cannot start thread %d of %d: %s", started + 1, n, strerror(e));
            /* Let the started ones drain the keys; the run still ends. */
            rc = -1;
            break;
        }
    }
    if (started > 0)
        watch_threads(ws, started, pg, ws[0].shared);
    for (int i = 0; i < started; i++) {
        pthread_join(ws[i].tid, NULL);
        if (ws[i].rc != 0 && rc == 0) {
            errmsg_set(err, errlen, "worker %d: %s", i, ws[i].err);
            rc = -1;
        }
    }
    return rc;
}

/* What the parent of process mode gathers: the slots, the histograms and
 * the progress line, fed as the children's records come in. */
struct collector {
    size_t count;
    struct pool_result *results;
    struct pool_summary *sum;
    struct progress *pg;
    struct pool_shared *shared;
    uint64_t done, bytes;
    double last_result;
};

/* Takes one whole record from a child. */
static void collect_one(struct collector *col, const struct pool_result *rec)
{
    if (rec->index >= col->count)
        return;
    col->results[rec->index] = *rec;
    record_times(&col->sum->latency, &col->sum->ttfb, rec);
    col->done++;
    col->bytes += rec->bytes;
    col->last_result = pool_clock();
    progress_update(col->pg, col->done, col->bytes, col->last_result);
}

/* Reads records from the children's pipes until every pipe is closed (a
 * child that dies closes its pipe too, so this never waits on the dead).
 * Each pipe has one writer, but a read may still end inside a record: the
 * part is kept until the rest comes. Returns 0 or -1. */
static int collect_records(int *fds, int n, struct collector *col, char *err, size_t errlen)
{
    int rc = -1, open_fds = n;
    double stop_seen = 0;
    struct pollfd *pfd = calloc((size_t)n, sizeof *pfd);
    /* Per child: the bytes read so far, up to a batch's worth; whole
     * records are taken from the front, a part one moved back to it. */
    struct pool_result(*partial)[BATCH_RECORDS] = calloc((size_t)n, sizeof *partial);
    size_t *have = calloc((size_t)n, sizeof *have);
    if (!pfd || !partial || !have) {
        errmsg_set(err, errlen, "out of memory");
        goto cleanup;
    }
    for (int i = 0; i < n; i++)
        pfd[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    while (open_fds > 0) {
        /* Wake up now and then: to redraw the progress line while one big
         * object holds every worker, and to time the stop's grace. */
        int ready = poll(pfd, (nfds_t)n, WATCH_TICK_NS / 1000000);
        double now = pool_clock();
        enforce_grace(col->shared, now, &stop_seen);
        if (ready == 0)
            progress_update(col->pg, col->done, col->bytes, now);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            errmsg_set(err, errlen, "poll: %s", strerror(errno));
            goto cleanup;
        }
        for (int i = 0; i < n; i++) {
            if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char *buf = (char *)partial[i];
            ssize_t got = read(pfd[i].fd, buf + have[i], sizeof partial[i] - have[i]);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                close(pfd[i].fd);
                pfd[i].fd = -1;
                open_fds--;
                continue;
            }
            have[i] += (size_t)got;
            size_t whole = have[i] / sizeof(struct pool_result);
            for (size_t k = 0; k < whole; k++)
                collect_one(col, &partial[i][k]);
            have[i] -= whole * sizeof(struct pool_result);
            memmove(buf, buf + whole * sizeof(struct pool_result), have[i]);
        }
    }
    rc = 0;
cleanup:
    free(pfd);
    free(partial);
    free(have);
    return rc;
}

/* Fetches again, in the parent, every key a dead child had taken but not
 * reported: the keys below the shared counter still pending. Returns how
 * many it fetched (or tried to). */
static size_t rescue_in_flight(struct worker *w, struct collector *col)
{
    uint64_t handed = atomic_load(&w->shared->next);
    if (handed > col->count)
        handed = col->count;
    size_t again = 0;
    struct s3_client *c = NULL;
    for (uint64_t i = 0; i < handed && !stopping(w->shared); i++) {
        if (col->results[i].state != POOL_PENDING)
            continue;
        if (!c && !(c = worker_client(w)))
            break;
        struct pool_result res = fetch_one(w, c, i);
        collect_one(col, &res);
        again++;
    }
    if (c) {
        s3_client_cleanup(c);
        free(c);
    }
    return again;
}

/* Process mode: N children forked after the listing (they inherit the key
 * list), each with its own pipe; the parent collects and reaps, and fetches
 * again what a dead child had in flight. Returns 0, or -1 with err when a
 * child could not start or did not end cleanly. */
static int run_processes(struct worker *ws, int n, struct collector *col, char *err, size_t errlen)
{
    int rc = -1, forked = 0;
    int *fds = malloc((size_t)n * sizeof *fds);
    pid_t *pids = malloc((size_t)n * sizeof *pids);
    if (!fds || !pids) {
        errmsg_set(err, errlen, "out of memory");
        goto cleanup;
    }
    /* Buffered output would otherwise be written once per child too. */
    fflush(stdout);
    fflush(stderr);
    for (; forked < n; forked++) {
        int p[2];
        if (pipe(p) != 0) {
            errmsg_set(err, errlen, "pipe: %s", strerror(errno));
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            errmsg_set(err, errlen, "fork: %s", strerror(errno));
            close(p[0]);
            close(p[1]);
            break;
        }
        if (pid == 0) {
            /* The child keeps only its own write end. */
            close(p[0]);
            for (int i = 0; i < forked; i++)
                close(fds[i]);
            ws[forked].fd = p[1];
            int wrc = worker_loop(&ws[forked]);
            if (wrc != 0)
                fprintf(stderr, "s3bench: worker %d: %s\n", forked, ws[forked].err);
            _exit(wrc == 0 ? 0 : 1);
        }
        close(p[1]);
        fds[forked] = p[0];
        pids[forked] = pid;
    }
    int crc = collect_records(fds, forked, col, err, errlen);
    int died = 0, last_signal = 0;
    for (int i = 0; i < forked; i++) {
        int st;
        while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
            ;
        if (WIFSIGNALED(st))
            last_signal = WTERMSIG(st);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            died++;
    }
    col->sum->workers_died = died;
    if (crc != 0 || forked < n)
        goto cleanup;
    if (died) {
        size_t again = rescue_in_flight(&ws[0], col);
        char how[32] = "";
        if (last_signal)
            snprintf(how, sizeof how, " (signal %d)", last_signal);
        errmsg_set(err, errlen, "%d worker process(es) of %d died%s; %zu object(s) they had in flight fetched again",
                   died, n, how, again);
        goto cleanup;
    }
    rc = 0;
cleanup:
    free(fds);
    free(pids);
    return rc;
}

int pool_check_limits(const struct config *cfg, char *err, size_t errlen)
{
    /* A socket per worker, a pipe per child in the parent, and room for
     * stdio, the CSV and libcurl's own. */
    rlim_t need = (rlim_t)cfg->concurrency * (cfg->mode == CONFIG_MODE_PROCESS ? 2 : 1) + 64;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return errmsg_set(err, errlen, "getrlimit: %s", strerror(errno));
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
            return errmsg_set(err, errlen,
                              "concurrency %d needs about %llu open files, but the hard limit is %llu "
                              "(raise it with ulimit -Hn or the container's nofile ulimit)",
                              cfg->concurrency, (unsigned long long)need,
                              (unsigned long long)rl.rlim_max);
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            return errmsg_set(err, errlen, "cannot raise the open-file limit: %s", strerror(errno));
    }
    return 0;
}

int pool_run(const struct config *cfg, const struct s3_target *t, const struct keylist *kl,
             struct pool_result *results, struct pool_summary *sum, FILE *progress,
             char *err, size_t errlen)
{
    int rc = -1, n = cfg->concurrency;
    memset(sum, 0, sizeof *sum);
    hist_init(&sum->latency);
    hist_init(&sum->ttfb);
    for (size_t i = 0; i < kl->count; i++)
        results[i] = (struct pool_result){.index = i, .content_length = -1, .state = POOL_PENDING,
                                          .worker = -1};
    int threads = cfg->mode == CONFIG_MODE_THREAD;
    struct worker *ws = calloc((size_t)n, sizeof *ws);
    struct hist *hists = threads ? malloc(2 * (size_t)n * sizeof *hists) : NULL;
    struct pool_shared *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct sigaction old_int, old_term, on_stop = {.sa_handler = on_stop_signal};
    int handlers = 0;
    if (!ws || (threads && !hists) || shared == MAP_FAILED) {
        errmsg_set(err, errlen, "out of memory for %d workers", n);
        goto cleanup;
    }
    atomic_init(&shared->next, 0);
    atomic_init(&shared->stop, 0);
    atomic_init(&shared->abort, 0);
    uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    for (int i = 0; i < n; i++) {
        ws[i] = (struct worker){.cfg = cfg, .target = t, .kl = kl, .shared = shared,
                                .results = results, .fd = -1, .id = i, .rng = seed + (uint64_t)i};
        if (threads) {
            ws[i].latency = &hists[2 * i];
            ws[i].ttfb = &hists[2 * i + 1];
            hist_init(ws[i].latency);
            hist_init(ws[i].ttfb);
        }
    }

    /* From here a stop keeps what was fetched: see on_stop_signal. */
    stop_target = shared;
    sigemptyset(&on_stop.sa_mask);
    on_stop.sa_flags = SA_RESTART;
    sigaction(SIGINT, &on_stop, &old_int);
    sigaction(SIGTERM, &on_stop, &old_term);
    handlers = 1;

    struct progress pg;
    double start = pool_clock(), end = start;
    progress_init(&pg, progress, kl->count, start);
    if (threads) {
        rc = run_threads(ws, n, &pg, err, errlen);
        for (int i = 0; i < n; i++) {
            hist_merge(&sum->latency, ws[i].latency);
            hist_merge(&sum->ttfb, ws[i].ttfb);
            if (ws[i].last_result > end)
                end = ws[i].last_result;
        }
    } else {
        struct collector col = {.count = kl->count, .results = results, .sum = sum, .pg = &pg,
                                .shared = shared, .last_result = start};
        rc = run_processes(ws, n, &col, err, errlen);
        end = col.last_result;
    }
    progress_end(&pg);
    /* The span ends at the last result, as the reference's did, not when
     * the workers were reaped. */
    sum->fetch_seconds = end - start;
    sum->stop_signal = atomic_load(&shared->stop);

    for (size_t i = 0; i < kl->count; i++) {
        const struct pool_result *r = &results[i];
        sum->bytes += r->bytes;
        sum->retries += (uint64_t)r->retries;
        if (r->state == POOL_PENDING)
            sum->unfetched++;
        else if (r->state != POOL_OK)
            sum->failed++;
        else if (r->content_length < 0 || (uint64_t)r->content_length != r->bytes)
            sum->mismatched++;
        else
            sum->ok++;
    }
cleanup:
    if (handlers) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        stop_target = NULL;
    }
    if (shared && shared != MAP_FAILED)
        munmap(shared, sizeof *shared);
    free(hists);
    free(ws);
    return rc;
}
