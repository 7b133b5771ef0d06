#!/usr/bin/env bash
# Measurement end to end, against the local gateway: latency percentiles
# against a server of known delay, the detail CSV, a small sweep making its
# table and both charts, and report rebuilding that table from the sweep's
# files, from a directory and from S3.
#   test/e2e_measure.sh COUNTS_FILE   writes "passed failed skipped" into COUNTS_FILE
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=test/lib.sh
. test/lib.sh
e2e_server

RUN="msr$(date +%s)$$"
SRC="$RUN-src" RES="$RUN-res"
if ! { "$BIN" populate --bucket "$SRC" --count 200 --size 4KiB 2> "$TMP/err" &&
       "$BIN" populate --bucket "$RES" --count 0 --size 0 2>> "$TMP/err"; }; then
    not_ok "populate the fixture buckets" "$(tail -3 "$TMP/err")"
    exit 1
fi

# --- percentiles against a known delay: every GET answered 40 ms late
name="latency percentiles against a server that delays each GET by 40 ms"
if ! start_faultproxy --delay-ms 40; then
    rc="the delaying proxy did not start"
else
    "$BIN" --bucket "$SRC" -c 4 --endpoint "$proxy" --no-upload --out-dir "$TMP/d" \
        --detail "$TMP/d/detail.csv" --json > "$TMP/d.json" 2> "$TMP/d.err"
    rc=$?
fi
stop_faultproxy
if [ "$rc" != 0 ]; then
    not_ok "$name" "exit $rc" "$(tail -3 "$TMP/d.err")"
elif msg=$(python3 - "$TMP/d.json" "$TMP/d/detail.csv" <<'PY'
import csv, json, sys
j = json.loads(open(sys.argv[1]).read().splitlines()[-1])
# The delay comes before the first byte; a loopback GET of 4 KiB adds a few
# ms. The tail is left to the machine (a busy one delays some answers more).
for k in ("latency_p50_ms", "ttfb_p50_ms"):
    assert 40 <= j[k] <= 40 + 25, f"{k} = {j[k]}, want 40 to 65"
for k in ("latency_p90_ms", "latency_p99_ms", "ttfb_p99_ms"):
    assert j[k] >= 40, f"{k} = {j[k]}, want 40 or more"
assert j["latency_p50_ms"] <= j["latency_p90_ms"] <= j["latency_p99_ms"] <= j["latency_max_ms"], j
for k in ("cpu_seconds_per_gib", "cpu_seconds_per_1000_objects", "peak_rss_kib", "list_seconds", "mib_per_second"):
    assert j[k] > 0, k
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(rows) == 200, len(rows)
assert {r["worker"] for r in rows} <= {"0", "1", "2", "3"}, "worker ids"
assert all(r["result"] == "ok" and r["status"] == "200" and r["size"] == r["bytes"] == "4096" for r in rows)
totals = sorted(float(r["total_ms"]) for r in rows)
assert all(float(r["ttfb_ms"]) >= 40 for r in rows), "a first byte before the delay"
# The detail CSV's own median agrees with the histogram's, within its 1/64.
median = totals[99]
assert abs(median - j["latency_p50_ms"]) <= median / 64 + 0.01, (median, j["latency_p50_ms"])
print(f"p50 {j['latency_p50_ms']:.1f} ms, p99 {j['latency_p99_ms']:.1f} ms")
PY
); then
    ok "$name ($msg)"
else
    not_ok "$name" "$msg"
fi
if grep -q $'\r' "$TMP/d.err" || grep -q "objects (" "$TMP/d.json"; then
    not_ok "no progress line when stderr is not a terminal, none in the JSON"
else
    ok "no progress line when stderr is not a terminal, none in the JSON"
fi

# --- a sweep over the small bucket: every run's CSV, one table, both charts
name="sweep: thread and process x 1, 2, 4 on 1 CPU, table and SVG and PNG charts"
"$BIN" sweep --bucket "$SRC" -c 1,2,4 --cpus 1 --result-bucket "$RES" --out-dir "$TMP/sw" --tag sw \
    > "$TMP/sw.md" 2> "$TMP/sw.err"
rc=$?
if [ "$rc" -ne 0 ]; then
    not_ok "$name" "exit $rc" "$(tail -3 "$TMP/sw.err")"
elif ! msg=$(python3 - "$TMP/sw" "$TMP/sw.md" <<'PY'
import csv, os, sys
d = sys.argv[1]
for m in ("thread", "process"):
    for c in (1, 2, 4):
        assert os.path.exists(f"{d}/result_sw-1cpu_{m}_{c}.csv"), (m, c)
rows = list(csv.DictReader(open(f"{d}/table.csv")))
assert len(rows) == 6, len(rows)
for r in rows:
    assert r["cpus"] == "1" and r["objects"] == "200" and r["failed"] == "0", r
    assert float(r["objects_per_second"]) > 0 and float(r["p50_ms"]) > 0 and float(r["cpu_seconds"]) > 0, r
svg = open(f"{d}/chart.svg").read()
assert "<svg" in svg and "thread, sw-1cpu" in svg and "process, sw-1cpu" in svg, "chart lines"
assert open(f"{d}/chart.png", "rb").read(8) == b"\x89PNG\r\n\x1a\n", "PNG"
assert open(sys.argv[2]).read() == open(f"{d}/table.md").read(), "stdout is not the table"
PY
); then
    not_ok "$name" "$msg"
else
    ok "$name"
fi

# --- report over the sweep's files gives the sweep's table
name="report DIR over the sweep's files reproduces its table"
if "$BIN" report "$TMP/sw" --out-dir "$TMP/rep" > /dev/null 2> "$TMP/rep.err" &&
    cmp -s "$TMP/sw/table.csv" "$TMP/rep/table.csv" && cmp -s "$TMP/sw/table.md" "$TMP/rep/table.md" &&
    [ -s "$TMP/rep/chart.svg" ] && [ -s "$TMP/rep/chart.png" ]; then
    ok "$name"
else
    not_ok "$name" "$(tail -3 "$TMP/rep.err")" "$(diff "$TMP/sw/table.csv" "$TMP/rep/table.csv" | head -5)"
fi

# --- report s3://: the CSVs the sweep uploaded (as the ECS tasks do) give
# the same seconds and throughput; what only the local summaries hold
# (percentiles, CPU) stays empty.
name="report s3://BUCKET/ over the uploaded CSVs: the same runs, seconds and rates"
if "$BIN" report "s3://$RES/" --out-dir "$TMP/rs3" > /dev/null 2> "$TMP/rs3.err" &&
    python3 - "$TMP/sw/table.csv" "$TMP/rs3/table.csv" <<'PY'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1])))
b = list(csv.DictReader(open(sys.argv[2])))
keys = ("tag", "mode", "cpus", "concurrency", "objects", "seconds", "objects_per_second", "mib_per_second")
assert [[r[k] for k in keys] for r in a] == [[r[k] for k in keys] for r in b]
assert all(r["p50_ms"] == "" and r["cpu_seconds"] == "" for r in b)
PY
then
    ok "$name"
else
    not_ok "$name" "$(tail -3 "$TMP/rs3.err")"
fi

name="report over a directory without result files: exit 1, one line"
mkdir -p "$TMP/empty"
"$BIN" report "$TMP/empty" > /dev/null 2> "$TMP/e.err"
rc=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l < "$TMP/e.err")" -eq 1 ]; then ok "$name"; else not_ok "$name" "exit $rc" "$(cat "$TMP/e.err")"; fi

[ "$failed" -eq 0 ]
