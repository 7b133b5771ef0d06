/* s3bench: how many parallel workers, threads or processes, read a whole S3
 * bucket fastest on this machine? main reads the configuration once, then
 * hands it, read-only, to the command: a benchmark run (bench.c: list ->
 * workers -> CSV and summary -> upload) or populate. Only main exits. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "config.h"
#include "gather.h"
#include "populate.h"
#include "s3.h"
#include "sweep.h"

extern char **environ;

int main(int argc, char **argv)
{
    static struct config cfg;
    char err[1024];
    if (config_load(&cfg, argc, argv, environ, err, sizeof err) != 0) {
        fprintf(stderr, "s3bench: %s\n", err);
        if (cfg.show_usage)
            config_usage(stderr);
        return EXIT_USAGE;
    }
    if (cfg.command == CONFIG_CMD_HELP) {
        config_usage(stdout);
        return EXIT_OK;
    }
    if (cfg.command == CONFIG_CMD_VERSION) {
        printf("s3bench %s (%s)\n", S3BENCH_VERSION, curl_version());
        return EXIT_OK;
    }
    /* A report over a directory reads files only: no endpoint, no
     * credentials to find. */
    if (cfg.command == CONFIG_CMD_REPORT && strncmp(cfg.source, "s3://", 5) != 0)
        return gather_report(&cfg, NULL);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "s3bench: curl_global_init failed\n");
        return EXIT_FAILED;
    }
    int code;
    static struct s3_target target;
    static struct creds_provider creds;
    static struct s3_regions regions;
    if (cfg.insecure)
        fprintf(stderr, "s3bench: warning: --insecure: TLS certificates are not verified, so "
                "anyone on the network path can read and change this traffic\n");
    /* The target only keeps the provider's address; the provider fetches
     * with the target's TLS settings. */
    if (s3_regions_init(&regions, err, sizeof err) != 0 ||
        s3_target_init(&target, &cfg, &creds, &regions, err, sizeof err) != 0 ||
        creds_provider_init(&creds, &cfg.creds, &target.http, err, sizeof err) != 0) {
        fprintf(stderr, "s3bench: %s\n", err);
        code = EXIT_USAGE;
    } else if (cfg.command == CONFIG_CMD_POPULATE) {
        code = populate_run(&cfg, &target, err, sizeof err) == 0 ? EXIT_OK : EXIT_FAILED;
        if (code != EXIT_OK)
            fprintf(stderr, "s3bench: populate: %s\n", err);
    } else if (cfg.command == CONFIG_CMD_SWEEP) {
        code = sweep_run(&cfg, &target);
    } else if (cfg.command == CONFIG_CMD_REPORT) {
        code = gather_report(&cfg, &target);
    } else {
        code = bench_run(&cfg, &target);
    }
    s3_regions_cleanup(&regions);
    creds_provider_cleanup(&creds);
    curl_global_cleanup();
    return code;
}
