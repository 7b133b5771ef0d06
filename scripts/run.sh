#!/usr/bin/env bash
# `make run`: the benchmark with whatever the environment configures
# (BUCKET_NAME, CONCURRENCY, MODE, ... plus ARGS). With no BUCKET_NAME, the
# local demo: start the local S3 server, fill a demo bucket once (2,000
# objects of 1 KiB to 4 MiB), then run thread mode and process mode.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BUILD:-build}/s3bench

if [ -n "${BUCKET_NAME:-}" ]; then
    exec "$BIN" "$@"
fi

scripts/s3server.sh start
eval "$(scripts/s3server.sh env)"
state=${S3SERVER_DIR:-build/s3server}
# The server keeps objects in memory: the marker lives and dies with its state.
if [ ! -e "$state/demo-populated" ]; then
    echo "run: filling s3://s3bench-demo (2,000 objects, 1 KiB to 4 MiB; once per server start)" >&2
    "$BIN" populate --bucket s3bench-demo --count 2000 --size 1KiB-4MiB --seed 1
    "$BIN" populate --bucket s3bench-results --count 0 --size 0
    touch "$state/demo-populated"
fi
mkdir -p build/demo
for mode in thread process; do
    BUCKET_NAME=s3bench-demo RESULT_BUCKET_NAME=s3bench-results MODE=$mode TAG=demo \
        CONCURRENCY=${CONCURRENCY:-8} "$BIN" --out-dir build/demo "$@"
done
echo "run: CSVs in build/demo/; the server stays up for the next run ('make s3-down' stops it)" >&2
