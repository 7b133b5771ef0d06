#!/usr/bin/env bash
# Installs what a fresh Debian 12 / Ubuntu machine lacks to build, test and
# run s3bench. Idempotent. As root it runs apt-get; otherwise it prints the
# exact command and fails.
#   scripts/deps.sh              install whatever is missing
#   scripts/deps.sh --if-missing the same, but silent when nothing is missing
#   scripts/deps.sh --bench      build packages plus the benchmark's (make bench)
set -euo pipefail

# Build: compiler, pkg-config and the -dev packages the Makefile asks pkg-config for.
BUILD_PKGS="gcc make pkg-config libcurl4-openssl-dev libssl-dev libxml2-dev libcjson-dev libcmocka-dev"
# Tests and the local demo: the Ceph RADOS Gateway as a real S3 server, curl;
# gnuplot draws the sweep and report charts.
TEST_PKGS="radosgw ceph-mon ceph-osd ceph-common curl ca-certificates procps iproute2 python3 gnuplot-nox"
# Benchmark (`make bench` only): nginx as the S3 stand-in, wrk, boto3 for the Python baseline.
BENCH_PKGS="nginx-light wrk python3 python3-boto3"

if [ "${1:-}" = "--bench" ]; then
    pkgs="$BUILD_PKGS $BENCH_PKGS"
else
    pkgs="$BUILD_PKGS $TEST_PKGS"
fi
# scripts/need.sh installs what is missing (or prints the apt command when
# not root); it is silent when everything is there.
# shellcheck disable=SC2086 # the lists are meant to split into words
"$(dirname "$0")/need.sh" $pkgs
[ -n "${1:-}" ] || echo "deps: everything is installed"
