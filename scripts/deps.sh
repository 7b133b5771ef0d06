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

# Prints the packages of "$@" that dpkg does not have installed.
missing() {
    local p out=""
    for p in "$@"; do
        dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || out="$out $p"
    done
    echo "$out"
}

if [ "${1:-}" = "--bench" ]; then
    need=$(missing $BUILD_PKGS $BENCH_PKGS)
else
    need=$(missing $BUILD_PKGS $TEST_PKGS)
fi
if [ -z "${need// /}" ]; then
    [ -n "${1:-}" ] || echo "deps: everything is installed"
    exit 0
fi
cmd="apt-get install -y --no-install-recommends$need"
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing:$need" >&2
    echo "deps: run as root: apt-get update && $cmd" >&2
    exit 1
fi
echo "deps: installing:$need" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; an update is cheap next to the install.
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need >&2
