#include "sweep.h"

#include "bench.h"
#include "decimal.h"
#include "errmsg.h"
#include "report.h"
#include "tabulate.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int sweep_parse_ints(const char *what, const char *list, int lo, int hi, int *out,
                     char *err, size_t errlen)
{
    int n = 0;
    const char *p = list;
    if (!*p)
        return errmsg_set(err, errlen, "%s: empty list", what);
    for (;;) {
        size_t len = strcspn(p, ",");
        uint64_t v;
        int rc = decimal_parse(p, len, &v);
        if (rc == -1)
            return errmsg_set(err, errlen, "%s '%s': expected numbers separated by commas", what, list);
        if (rc != 0 || v < (uint64_t)lo || v > (uint64_t)hi)
            return errmsg_set(err, errlen, "%s '%s': each must be %d to %d", what, list, lo, hi);
        for (int i = 0; i < n; i++)
            if (out[i] == (int)v)
                return errmsg_set(err, errlen, "%s '%s': %d twice", what, list, (int)v);
        if (n == CONFIG_MAX_POINTS)
            return errmsg_set(err, errlen, "%s '%s': at most %d values", what, list, CONFIG_MAX_POINTS);
        out[n++] = (int)v;
        if (p[len] == '\0')
            return n;
        p += len + 1;
    }
}

int sweep_parse_modes(const char *list, enum config_mode *out, char *err, size_t errlen)
{
    if (!strcmp(list, "thread,process") || !strcmp(list, "process,thread")) {
        out[0] = list[0] == 't' ? CONFIG_MODE_THREAD : CONFIG_MODE_PROCESS;
        out[1] = list[0] == 't' ? CONFIG_MODE_PROCESS : CONFIG_MODE_THREAD;
        return 2;
    }
    if (!strcmp(list, "thread") || !strcmp(list, "process")) {
        out[0] = list[0] == 't' ? CONFIG_MODE_THREAD : CONFIG_MODE_PROCESS;
        return 1;
    }
    return errmsg_set(err, errlen, "modes '%s': expected thread, process or thread,process", list);
}

/* Picks the first k CPUs this process may run on into set. Returns 0, or
 * -1 with err when there are fewer than k. */
static int first_cpus(int k, cpu_set_t *set, char *err, size_t errlen)
{
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
        return errmsg_set(err, errlen, "sched_getaffinity: %s", strerror(errno));
    CPU_ZERO(set);
    int got = 0;
    for (int c = 0; c < CPU_SETSIZE && got < k; c++) {
        if (CPU_ISSET(c, &allowed)) {
            CPU_SET(c, set);
            got++;
        }
    }
    if (got < k)
        return errmsg_set(err, errlen, "--cpus %d: this process may use only %d CPUs", k, CPU_COUNT(&allowed));
    return 0;
}

/* One point of the grid: the tag its files carry. Returns 0 or -1. */
static int point_tag(char *dst, size_t cap, const char *tag, int cpus, int rep, int repeat)
{
    char c[32] = "", r[32] = "";
    if (cpus)
        snprintf(c, sizeof c, "-%dcpu", cpus);
    if (repeat > 1)
        snprintf(r, sizeof r, "-r%d", rep);
    int n = snprintf(dst, cap, "%s%s%s", tag, c, r);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Runs one benchmark in a child pinned to set (NULL: not pinned), its JSON
 * summary going to json_path. Returns the child's exit code, or -1 with err
 * when it could not be started or did not exit normally. */
static int run_point(const struct config *c, const struct s3_target *t, const cpu_set_t *set,
                     const char *json_path, char *err, size_t errlen)
{
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0)
        return errmsg_set(err, errlen, "fork: %s", strerror(errno));
    if (pid == 0) {
        /* The child is one run, as `s3bench run` would be: it ends with
         * _exit so that nothing of the parent's (atexit, stdio) runs twice. */
        if (set && sched_setaffinity(0, sizeof *set, set) != 0) {
            fprintf(stderr, "s3bench: sched_setaffinity: %s\n", strerror(errno));
            _exit(EXIT_FAILED);
        }
        int fd = open(json_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
            fprintf(stderr, "s3bench: cannot write %s: %s\n", json_path, strerror(errno));
            _exit(EXIT_FAILED);
        }
        int code = bench_run(c, t);
        fflush(NULL);
        _exit(code);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return errmsg_set(err, errlen, "waitpid: %s", strerror(errno));
    }
    if (!WIFEXITED(status))
        return errmsg_set(err, errlen, "the run died of signal %d", WTERMSIG(status));
    return WEXITSTATUS(status);
}

int sweep_run(const struct config *cfg, const struct s3_target *t)
{
    const struct config_grid *plan = &cfg->grid;
    char err[1024];
    int ncpus = plan->ncpus ? plan->ncpus : 1;
    cpu_set_t sets[CONFIG_MAX_POINTS];
    /* Every CPU count is checked before the first run: a sweep that stops
     * after an hour on a count the machine lacks wastes that hour. */
    for (int i = 0; i < plan->ncpus; i++) {
        if (first_cpus(plan->cpus[i], &sets[i], err, sizeof err) != 0) {
            fprintf(stderr, "s3bench: %s\n", err);
            return EXIT_USAGE;
        }
    }
    if (bench_make_dir(cfg->out_dir, err, sizeof err) != 0) {
        fprintf(stderr, "s3bench: sweep: %s\n", err);
        return EXIT_USAGE;
    }
    int total = ncpus * plan->repeat * plan->nmodes * plan->nconc, done = 0, failed = 0;
    for (int ci = 0; ci < ncpus; ci++) {
        int cpus = plan->ncpus ? plan->cpus[ci] : 0;
        for (int rep = 1; rep <= plan->repeat; rep++) {
            for (int mi = 0; mi < plan->nmodes; mi++) {
                for (int ki = 0; ki < plan->nconc; ki++) {
                    struct config c = *cfg;
                    c.command = CONFIG_CMD_RUN;
                    c.mode = plan->modes[mi];
                    c.concurrency = plan->conc[ki];
                    c.json = 1;
                    char json[2048], name[256];
                    if (point_tag(c.tag, sizeof c.tag, cfg->tag, cpus, rep, plan->repeat) != 0 ||
                        report_csv_name(name, sizeof name, &c) != 0 ||
                        snprintf(json, sizeof json, "%s/%.*s.json", cfg->out_dir,
                                 (int)strlen(name) - 4, name) >= (int)sizeof json) {
                        fprintf(stderr, "s3bench: sweep: tag or output path too long\n");
                        return EXIT_USAGE;
                    }
                    char where[32] = "";
                    if (cpus)
                        snprintf(where, sizeof where, " on %d CPU%s", cpus, cpus == 1 ? "" : "s");
                    fprintf(stderr, "s3bench: sweep [%d/%d] %s x %d%s, repetition %d\n", ++done,
                            total, config_mode_name(c.mode), c.concurrency, where, rep);
                    int code = run_point(&c, t, plan->ncpus ? &sets[ci] : NULL, json, err, sizeof err);
                    if (code < 0) {
                        fprintf(stderr, "s3bench: sweep: %s\n", err);
                        failed++;
                    } else if (code == EXIT_LIST) {
                        /* Every other run would list the same bucket. */
                        unlink(json);
                        return EXIT_LIST;
                    } else if (code != EXIT_OK) {
                        failed++;
                    }
                }
            }
        }
    }
    struct tab tab;
    tab_init(&tab);
    int rc = tab_add_dir(&tab, cfg->out_dir, err, sizeof err) < 0 ? -1
             : tab_report(&tab, cfg->out_dir, stdout, err, sizeof err);
    tab_free(&tab);
    if (rc != 0) {
        fprintf(stderr, "s3bench: sweep: %s\n", err);
        return EXIT_FAILED;
    }
    fprintf(stderr, "s3bench: sweep: %d runs, %d failed; table and chart in %s/ (table.md, chart.svg, chart.png)\n",
            total, failed, cfg->out_dir);
    return failed ? EXIT_FAILED : EXIT_OK;
}
