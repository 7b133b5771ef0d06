#!/usr/bin/env bash
# `make bench`: the performance harness of issue 7.
#  1. installs nginx-light, wrk and python3-boto3 if missing (scripts/deps.sh --bench);
#  2. generates the data set once under build/bench/data (bench/gen_data.py):
#     10,000 objects of 1 KiB and 64 of 16 MiB, with their ListObjectsV2 pages;
#  3. starts nginx as the S3 stand-in on the first free port of 127.0.0.1:17600-17699,
#     stopped again on exit whatever happens (trap EXIT);
#  4. runs bench/bench.py: wrk, s3bench in both modes, the boto3 baseline and the
#     listing and signing micro-benchmarks; the table goes to stdout and to
#     build/bench/results.md.
# Knobs (environment): BENCH_ROUNDS, BENCH_WRK_SECONDS, BENCH_CONCURRENCY, BENCH_BOTO3,
# BENCH_NGINX_WORKERS (default auto), BOTO3_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
BUILD=${BUILD:-build}
OUT=$SRC/build/bench
DATA=$OUT/data
RUN=$OUT/nginx
PY=/usr/bin/python3 # Debian's python3, the one python3-boto3 installs into
start=$(date +%s)

scripts/deps.sh --bench
for b in "$BUILD/s3bench" "$BUILD/bench/listbench" "$BUILD/bench/signbench"; do
    [ -x "$b" ] || { echo "bench: $b missing: run 'make bench'" >&2; exit 2; }
done

"$PY" bench/gen_data.py "$DATA"
# nginx's workers drop root for 'nobody', who must be able to read the data.
chmod -R a+rX "$DATA"

NGINX_PID=
cleanup() {
    if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -TERM "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# True when something answers on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$RUN"
PORT=
for p in $(seq 17600 17699); do
    listening "$p" && continue
    sed -e "s|@DATA@|$DATA|g; s|@RUN@|$RUN|g; s|@PORT@|$p|g; s|@WORKERS@|${BENCH_NGINX_WORKERS:-auto}|g" \
        bench/nginx.conf.in >"$RUN/nginx.conf"
    : >"$RUN/error.log"
    nginx -c "$RUN/nginx.conf" -e "$RUN/error.log" &
    NGINX_PID=$!
    for _ in $(seq 50); do
        listening "$p" && break
        kill -0 "$NGINX_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$NGINX_PID" 2>/dev/null && listening "$p"; then
        PORT=$p
        break
    fi
    cleanup
    NGINX_PID=
done
if [ -z "$PORT" ]; then
    echo "bench: could not start nginx on 127.0.0.1:17600-17699; last error log:" >&2
    cat "$RUN/error.log" >&2
    exit 1
fi
echo "bench: nginx (pid $NGINX_PID) on 127.0.0.1:$PORT serving $DATA" >&2

# Smoke test: a listing page and an object, as the benchmark will ask for them.
"$PY" - "$PORT" <<'EOF'
import sys, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
page = urllib.request.urlopen(f"{base}/s3bench-small?continuation-token=1&encoding-type=url&list-type=2").read()
assert b"<ContinuationToken>1</ContinuationToken>" in page, "continuation-token not mapped to page 1"
assert len(urllib.request.urlopen(f"{base}/s3bench-small/obj-0000000").read()) == 1024
EOF

rc=0
"$PY" bench/bench.py --port "$PORT" --data "$DATA" --build "$BUILD" --out "$OUT" --src "$SRC" \
    --workers "${BENCH_NGINX_WORKERS:-auto}" || rc=$?
echo "bench: done in $(($(date +%s) - start)) s; table in build/bench/results.md, raw numbers in build/bench/raw.json" >&2
exit $rc
