#include "tabulate.h"

#include "decimal.h"
#include "errmsg.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

/* A result CSV of the biggest bucket of the experiment (46,000 keys) is a
 * few MiB; this only stops a wrong file from eating memory. */
#define TAB_MAX_FILE (1ull << 30)
#define MIB (1024.0 * 1024.0)

void tab_init(struct tab *t)
{
    memset(t, 0, sizeof *t);
}

void tab_free(struct tab *t)
{
    free(t->runs);
    tab_init(t);
}

/* Copies s[0..len) into dst of cap bytes. Returns 0, or -1 if it does not fit. */
static int copy_n(char *dst, size_t cap, const char *s, size_t len)
{
    if (len >= cap)
        return -1;
    memcpy(dst, s, len);
    dst[len] = '\0';
    return 0;
}

/* The CPU count a tag names as "<K>cpu" or "<K>vcpu" (the ECS task
 * definitions' TAG and sweep's both do), 0 if none. */
static int tag_cpus(const char *tag)
{
    for (const char *p = tag; *p; p++) {
        if (*p < '0' || *p > '9' || (p > tag && p[-1] >= '0' && p[-1] <= '9'))
            continue;
        char *end;
        long k = strtol(p, &end, 10);
        if ((strncmp(end, "cpu", 3) == 0 || strncmp(end, "vcpu", 4) == 0) && k > 0 && k < 100000)
            return (int)k;
    }
    return 0;
}

int tab_parse_name(const char *name, struct tab_run *r)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t len = strlen(base);
    if (len < 7 || strncmp(base, "result_", 7) != 0 || len < 11 || strcmp(base + len - 4, ".csv") != 0)
        return -1;
    const char *body = base + 7, *end = base + len - 4;
    const char *u2 = end;
    while (u2 > body && u2[-1] != '_')
        u2--;
    if (u2 == body || u2 == end)
        return -1;
    const char *u1 = u2 - 1;
    while (u1 > body && u1[-1] != '_')
        u1--;
    if (u1 - 1 <= body || u1 == u2 - 1) /* an empty tag or mode */
        return -1;
    long c = 0;
    for (const char *p = u2; p < end; p++) {
        if (*p < '0' || *p > '9' || c > 1000000)
            return -1;
        c = c * 10 + (*p - '0');
    }
    if (c < 1 || copy_n(r->tag, sizeof r->tag, body, (size_t)(u1 - 1 - body)) != 0 ||
        copy_n(r->mode, sizeof r->mode, u1, (size_t)(u2 - 1 - u1)) != 0)
        return -1;
    r->concurrency = (int)c;
    r->cpus = tag_cpus(r->tag);
    /* "-r<N>" is how sweep names repetitions: they share a cell. */
    memcpy(r->group, r->tag, sizeof r->group);
    char *dash = strrchr(r->group, '-');
    if (dash && dash[1] == 'r' && dash[2] && strspn(dash + 2, "0123456789") == strlen(dash + 2))
        *dash = '\0';
    return 0;
}

/* Reads one RFC 4180 field at *p (before end) and moves *p past it and its
 * separator. The field's unquoted text is not needed by the table, only
 * whether it is empty and, for numbers, its digits: those are copied into
 * num (cut to its size). Returns the separator that ended the field: ',',
 * '\n' (after CRLF or LF), 0 at the end, or -1 for an unclosed quote. */
static int csv_next(const char **p, const char *end, char *num, size_t numcap, int *empty)
{
    const char *s = *p;
    size_t n = 0;
    *empty = 1;
    if (s < end && *s == '"') {
        *empty = 0;
        for (s++;; s++) {
            if (s >= end)
                return -1;
            if (*s == '"') {
                if (s + 1 < end && s[1] == '"')
                    s++;
                else
                    break;
            }
        }
        s++;
    } else {
        for (; s < end && *s != ',' && *s != '\r' && *s != '\n'; s++) {
            *empty = 0;
            if (n + 1 < numcap)
                num[n++] = *s;
        }
    }
    num[n < numcap ? n : numcap - 1] = '\0';
    if (s >= end) {
        *p = s;
        return 0;
    }
    int sep = *s == ',' ? ',' : '\n';
    if (*s == '\r')
        s++;
    if (s < end && (*s == '\n' || *s == ','))
        s++;
    *p = s;
    return sep;
}

/* Reads the CSV's header time and its rows' counts into r. */
static int parse_csv(const char *csv, size_t len, struct tab_run *r, char *err, size_t errlen)
{
    static const char head[] = "Key (time = ";
    const char *p = csv, *end = csv + len;
    if (len < sizeof head || memcmp(p, head, sizeof head - 1) != 0)
        return errmsg_set(err, errlen, "not a result CSV (no \"Key (time = ...) sec\" header)");
    char *after;
    r->seconds = strtod(p + sizeof head - 1, &after);
    const char *nl = memchr(p, '\n', len);
    if (!nl || after >= nl || strncmp(after, ") sec,Size,CalcSize", 19) != 0 || !(r->seconds >= 0))
        return errmsg_set(err, errlen, "not a result CSV (bad header)");
    p = nl + 1;
    while (p < end) {
        char size[32], calc[32], skip[2];
        int empty_size, empty_calc, empty_key;
        int sep = csv_next(&p, end, skip, sizeof skip, &empty_key);
        if (sep != ',')
            goto bad_row;
        if (csv_next(&p, end, size, sizeof size, &empty_size) != ',')
            goto bad_row;
        sep = csv_next(&p, end, calc, sizeof calc, &empty_calc);
        if (sep == -1 || sep == ',')
            goto bad_row;
        uint64_t s = 0, c = 0;
        if (!empty_size && decimal_parse(size, strlen(size), &s) != 0)
            goto bad_row;
        r->objects++;
        if (empty_calc || decimal_parse(calc, strlen(calc), &c) != 0 || (!empty_size && c != s))
            r->failed++;
        else
            r->bytes += c;
    }
    return 0;
bad_row:
    return errmsg_set(err, errlen, "bad row %" PRIu64 " in the result CSV", r->objects + 1);
}

/* Takes the latency percentiles and CPU time from a run's JSON summary;
 * what it lacks stays NAN. */
static void parse_summary(const char *json, size_t len, struct tab_run *r)
{
    cJSON *o = cJSON_ParseWithLength(json, len);
    if (!o)
        return;
    const cJSON *v;
    if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(o, "latency_p50_ms")))
        r->p50_ms = v->valuedouble;
    if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(o, "latency_p99_ms")))
        r->p99_ms = v->valuedouble;
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "cpu_user_seconds");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "cpu_system_seconds");
    if (cJSON_IsNumber(u) && cJSON_IsNumber(s))
        r->cpu_seconds = u->valuedouble + s->valuedouble;
    cJSON_Delete(o);
}

int tab_add(struct tab *t, const char *name, const char *csv, size_t csvlen,
            const char *json, size_t jsonlen, char *err, size_t errlen)
{
    struct tab_run r;
    memset(&r, 0, sizeof r);
    r.p50_ms = r.p99_ms = r.cpu_seconds = NAN;
    if (tab_parse_name(name, &r) != 0)
        return errmsg_set(err, errlen, "%s: not named result_{TAG}_{MODE}_{CONCURRENCY}.csv", name);
    char why[200];
    if (parse_csv(csv, csvlen, &r, why, sizeof why) != 0)
        return errmsg_set(err, errlen, "%s: %s", name, why);
    if (json)
        parse_summary(json, jsonlen, &r);
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct tab_run *nr = realloc(t->runs, cap * sizeof *nr);
        if (!nr)
            return errmsg_set(err, errlen, "out of memory");
        t->runs = nr;
        t->cap = cap;
    }
    t->runs[t->count++] = r;
    return 0;
}

/* Reads path whole into a malloc'd, NUL-terminated buffer. Returns it, or
 * NULL with errno set (ENOENT when there is no such file). */
static char *read_whole(const char *path, size_t *len)
{
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0)
        goto cleanup;
    long sz = ftell(f);
    if (sz < 0 || (unsigned long long)sz > TAB_MAX_FILE || fseek(f, 0, SEEK_SET) != 0) {
        errno = sz < 0 ? errno : EFBIG;
        goto cleanup;
    }
    buf = malloc((size_t)sz + 1);
    if (!buf)
        goto cleanup;
    if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        free(buf);
        buf = NULL;
        errno = EIO;
        goto cleanup;
    }
    buf[sz] = '\0';
    *len = (size_t)sz;
cleanup:
    fclose(f);
    return buf;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

long tab_add_dir(struct tab *t, const char *dir, char *err, size_t errlen)
{
    long added = -1;
    size_t n = 0, cap = 0;
    char **names = NULL, *csv = NULL, *json = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return errmsg_set(err, errlen, "cannot open %s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d))) {
        struct tab_run probe;
        if (tab_parse_name(e->d_name, &probe) != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                goto oom;
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name)))
            goto oom;
        n++;
    }
    /* Directory order is the file system's; sorted, runs and errors come
     * out the same on every machine. (names is NULL when none was found,
     * and qsort wants a valid pointer even for zero elements.) */
    if (n > 0)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        size_t csvlen = 0, jsonlen = 0;
        int k = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        /* +1: room to turn ".csv" into ".json" below. */
        if (k < 0 || (size_t)k + 1 >= sizeof path) {
            errmsg_set(err, errlen, "path too long: %s/%s", dir, names[i]);
            goto cleanup;
        }
        if (!(csv = read_whole(path, &csvlen))) {
            errmsg_set(err, errlen, "cannot read %s: %s", path, strerror(errno));
            goto cleanup;
        }
        memcpy(path + k - 4, ".json", 6);
        json = read_whole(path, &jsonlen);
        if (!json && errno != ENOENT) {
            errmsg_set(err, errlen, "cannot read %s: %s", path, strerror(errno));
            goto cleanup;
        }
        if (tab_add(t, names[i], csv, csvlen, json, jsonlen, err, errlen) != 0)
            goto cleanup;
        free(csv);
        free(json);
        csv = json = NULL;
    }
    added = (long)n;
    goto cleanup;
oom:
    errmsg_set(err, errlen, "out of memory");
cleanup:
    closedir(d);
    free(csv);
    free(json);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return added;
}

/* Cell order: group, mode, concurrency; within a cell, by seconds. */
static int run_cmp(const void *a, const void *b)
{
    const struct tab_run *x = a, *y = b;
    int c = strcmp(x->group, y->group);
    if (!c)
        c = strcmp(x->mode, y->mode);
    if (!c)
        c = (x->concurrency > y->concurrency) - (x->concurrency < y->concurrency);
    if (!c)
        c = (x->seconds > y->seconds) - (x->seconds < y->seconds);
    return c;
}

static int same_cell(const struct tab_run *x, const struct tab_run *y)
{
    return !strcmp(x->group, y->group) && !strcmp(x->mode, y->mode) &&
           x->concurrency == y->concurrency;
}

int tab_rows(const struct tab *t, struct tab_row **rows, size_t *nrows)
{
    *rows = NULL;
    *nrows = 0;
    if (t->count == 0)
        return 0;
    struct tab_run *sorted = malloc(t->count * sizeof *sorted);
    struct tab_row *out = malloc(t->count * sizeof *out);
    if (!sorted || !out) {
        free(sorted);
        free(out);
        return -1;
    }
    memcpy(sorted, t->runs, t->count * sizeof *sorted);
    qsort(sorted, t->count, sizeof *sorted, run_cmp);
    size_t n = 0;
    for (size_t i = 0; i < t->count;) {
        size_t j = i;
        while (j < t->count && same_cell(&sorted[i], &sorted[j]))
            j++;
        /* The median run stands for the cell: one real run whose figures
         * belong together, not averages of figures from different runs.
         * With an even count, the faster of the middle two. */
        out[n].run = sorted[i + (j - i - 1) / 2];
        out[n].runs = (int)(j - i);
        n++;
        i = j;
    }
    free(sorted);
    *rows = out;
    *nrows = n;
    return 0;
}

static double rate(double amount, double seconds)
{
    return seconds > 0 ? amount / seconds : 0;
}

/* Writes v with the given decimals, or nothing when it is unknown (NAN). */
static void put_num(FILE *f, double v, int decimals)
{
    if (!isnan(v))
        fprintf(f, "%.*f", decimals, v);
}

int tab_write_csv(FILE *f, const struct tab_row *rows, size_t n)
{
    fputs("tag,mode,cpus,concurrency,runs,objects,failed,seconds,objects_per_second,"
          "mib_per_second,p50_ms,p99_ms,cpu_seconds\n", f);
    for (size_t i = 0; i < n; i++) {
        const struct tab_run *r = &rows[i].run;
        fprintf(f, "%s,%s,", r->group, r->mode);
        if (r->cpus)
            fprintf(f, "%d", r->cpus);
        fprintf(f, ",%d,%d,%" PRIu64 ",%" PRIu64 ",%.6f,%.1f,%.2f,", r->concurrency, rows[i].runs,
                r->objects, r->failed, r->seconds, rate((double)r->objects, r->seconds),
                rate((double)r->bytes / MIB, r->seconds));
        put_num(f, r->p50_ms, 3);
        fputc(',', f);
        put_num(f, r->p99_ms, 3);
        fputc(',', f);
        put_num(f, r->cpu_seconds, 2);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

int tab_write_markdown(FILE *f, const struct tab_row *rows, size_t n)
{
    fputs("| tag | mode | cpus | concurrency | seconds | objects/s | MiB/s | p50 ms | p99 ms | CPU s |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n", f);
    for (size_t i = 0; i < n; i++) {
        const struct tab_run *r = &rows[i].run;
        fprintf(f, "| %s | %s | ", r->group, r->mode);
        if (r->cpus)
            fprintf(f, "%d", r->cpus);
        fprintf(f, " | %d | %.3f | %.1f | %.1f | ", r->concurrency, r->seconds,
                rate((double)r->objects, r->seconds), rate((double)r->bytes / MIB, r->seconds));
        put_num(f, r->p50_ms, 2);
        fputs(" | ", f);
        put_num(f, r->p99_ms, 2);
        fputs(" | ", f);
        put_num(f, r->cpu_seconds, 2);
        fputs(" |\n", f);
    }
    return ferror(f) ? -1 : 0;
}

/* Writes dir/name with the writer. Returns 0, or -1 with err. */
static int write_table(const char *dir, const char *name,
                       int (*writer)(FILE *, const struct tab_row *, size_t),
                       const struct tab_row *rows, size_t n, char *err, size_t errlen)
{
    char path[4096];
    int k = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (k < 0 || (size_t)k >= sizeof path)
        return errmsg_set(err, errlen, "path too long: %s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return errmsg_set(err, errlen, "cannot write %s: %s", path, strerror(errno));
    int bad = writer(f, rows, n);
    if (fclose(f) != 0 || bad)
        return errmsg_set(err, errlen, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

/* The chart's data: one gnuplot data block per line of the chart (group and
 * mode), its title first, then "concurrency MiB/s objects/s" rows. */
static int chart_data(FILE *f, const struct tab_row *rows, size_t n)
{
    int blocks = 0;
    for (size_t i = 0; i < n; i++) {
        const struct tab_run *r = &rows[i].run;
        if (i == 0 || strcmp(r->group, rows[i - 1].run.group) || strcmp(r->mode, rows[i - 1].run.mode)) {
            fprintf(f, "%s\"%s, %s\"\n", blocks ? "\n\n" : "", r->mode, r->group);
            blocks++;
        }
        fprintf(f, "%d %.3f %.3f\n", r->concurrency, rate((double)r->bytes / MIB, r->seconds),
                rate((double)r->objects, r->seconds));
    }
    return ferror(f) ? -1 : blocks;
}

/* Runs gnuplot on script. Returns 0, or -1 with err. */
static int run_gnuplot(const char *script, char *err, size_t errlen)
{
    pid_t pid;
    char *argv[] = {"gnuplot", (char *)script, NULL};
    int e = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
    if (e != 0)
        return errmsg_set(err, errlen, "cannot run gnuplot (make deps installs it): %s", strerror(e));
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return errmsg_set(err, errlen, "waitpid gnuplot: %s", strerror(errno));
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return errmsg_set(err, errlen, "gnuplot failed on %s", script);
    return 0;
}

int tab_write_all(const char *dir, const struct tab_row *rows, size_t n, char *err, size_t errlen)
{
    if (write_table(dir, "table.csv", tab_write_csv, rows, n, err, errlen) != 0 ||
        write_table(dir, "table.md", tab_write_markdown, rows, n, err, errlen) != 0)
        return -1;
    if (n == 0)
        return errmsg_set(err, errlen, "no result files: nothing to chart");
    /* The paths go into gnuplot's single-quoted strings. */
    if (strchr(dir, '\''))
        return errmsg_set(err, errlen, "cannot chart into %s: a quote in the path", dir);
    char dat[4096], gp[4096];
    int k1 = snprintf(dat, sizeof dat, "%s/chart.dat", dir);
    int k2 = snprintf(gp, sizeof gp, "%s/chart.gp", dir);
    if (k1 < 0 || (size_t)k1 >= sizeof dat || k2 < 0 || (size_t)k2 >= sizeof gp)
        return errmsg_set(err, errlen, "path too long: %s", dir);
    FILE *f = fopen(dat, "w");
    if (!f)
        return errmsg_set(err, errlen, "cannot write %s: %s", dat, strerror(errno));
    int blocks = chart_data(f, rows, n);
    if (fclose(f) != 0 || blocks < 0)
        return errmsg_set(err, errlen, "cannot write %s", dat);
    if (!(f = fopen(gp, "w")))
        return errmsg_set(err, errlen, "cannot write %s: %s", gp, strerror(errno));
    /* Concurrency doubles from point to point, so a log2 axis spaces them
     * evenly; MiB/s tells the story for big objects, objects/s for small. */
    fprintf(f,
            "dat = '%s'\n"
            "do for [t in 'svg pngcairo'] {\n"
            "  if (t eq 'svg') { set terminal svg size 1200,520 dynamic background rgb 'white'; "
            "set output '%s/chart.svg' } "
            "else { set terminal pngcairo size 1200,520; set output '%s/chart.png' }\n"
            "  set multiplot layout 1,2 title 'Throughput against concurrency'\n"
            "  set logscale x 2; set grid; set key below; set offsets 0, 0, graph 0.05, 0; set xlabel 'concurrency (workers)'\n"
            "  set yrange [0:*]\n"
            "  set ylabel 'MiB/s'\n"
            "  plot for [i=0:%d] dat index i using 1:2 with linespoints lw 2 title columnheader(1)\n"
            "  set ylabel 'objects/s'\n"
            "  plot for [i=0:%d] dat index i using 1:3 with linespoints lw 2 title columnheader(1)\n"
            "  unset multiplot\n"
            "  set output\n"
            "}\n",
            dat, dir, dir, blocks - 1, blocks - 1);
    if (fclose(f) != 0)
        return errmsg_set(err, errlen, "cannot write %s", gp);
    return run_gnuplot(gp, err, errlen);
}

int tab_report(const struct tab *t, const char *dir, FILE *md, char *err, size_t errlen)
{
    struct tab_row *rows = NULL;
    size_t n = 0;
    if (tab_rows(t, &rows, &n) != 0)
        return errmsg_set(err, errlen, "out of memory");
    int rc = tab_write_all(dir, rows, n, err, errlen);
    if (rc == 0 && tab_write_markdown(md, rows, n) != 0)
        rc = errmsg_set(err, errlen, "cannot write the table: %s", strerror(errno));
    free(rows);
    return rc;
}
