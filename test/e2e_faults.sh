#!/usr/bin/env bash
# Reliability end to end, against the local gateway: faults injected by
# test/faultproxy.py (503 SlowDown, connections reset mid-body, stalls,
# bodies cut short) are retried until every object is right; a child killed
# with SIGKILL in process mode; SIGTERM and SIGINT in mid-run; the open-file
# limit for high concurrency.
#   test/e2e_faults.sh COUNTS_FILE   writes "passed failed skipped" into COUNTS_FILE
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=test/lib.sh
. test/lib.sh
e2e_server

RUN="flt$(date +%s)$$"
SRC="$RUN-src" BIG="$RUN-big" RES="$RUN-res"
if ! { "$BIN" populate --bucket "$SRC" --count 300 --size 1KiB-64KiB --seed 7 2> "$TMP/err" &&
       "$BIN" populate --bucket "$BIG" --count 3000 --size 16KiB --seed 8 2>> "$TMP/err" &&
       "$BIN" populate --bucket "$RES" --count 0 --size 0 2>> "$TMP/err"; }; then
    not_ok "populate the fixture buckets" "$(tail -3 "$TMP/err")"
    exit 1
fi
# What the buckets hold, as check_csv.py wants it (key NUL size NUL ...):
# taken from a clean run straight against the gateway, the truth that the
# runs through faults must match.
for b in "$SRC:src" "$BIG:big"; do
    dir="$TMP/clean-${b##*:}"
    mkdir -p "$dir"
    if ! "$BIN" --bucket "${b%%:*}" -c 4 --no-upload --out-dir "$dir" --quiet 2> "$TMP/err"; then
        not_ok "a clean run of the fixture" "$(tail -3 "$TMP/err")"
        exit 1
    fi
    python3 - "$dir/result_s3bench_thread_4.csv" "$TMP/expected-${b##*:}" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[1:]
with open(sys.argv[2], "wb") as f:
    for key, size, calc in rows:
        assert size == calc, (key, size, calc)
        f.write(key.encode() + b"\0" + size.encode() + b"\0")
PY
done

# start_proxy SCHEDULE: a fresh fault proxy (each object faulted at most
# once per proxy), its endpoint in $proxy.
start_proxy() { start_faultproxy --schedule "$1" --stall-seconds 6; }

# --- every kind of fault, both modes: all objects right, every fault a retry
for mode in thread process; do
    name="$mode x 4 through 503s, resets, stalls and short bodies: every object right, retries counted"
    if ! start_proxy slowdown=5,reset=7,stall=23,short=11; then not_ok "$name" "the fault proxy did not start"; continue; fi
    out="$TMP/f-$mode"
    mkdir -p "$out"
    "$BIN" --bucket "$SRC" -c 4 -m "$mode" --endpoint "$proxy" --stall-timeout 2 --max-attempts 5 \
        --no-upload --out-dir "$out" --tag faults --json --detail "$out/detail.csv" > "$out/json" 2> "$out/err"
    rc=$?
    if [ "$rc" -ne 0 ]; then not_ok "$name" "exit $rc" "$(tail -3 "$out/err")"; continue; fi
    if ! msg=$(python3 test/check_csv.py "$out/result_faults_${mode}_4.csv" "$TMP/expected-src"); then
        not_ok "$name" "$msg"; continue
    fi
    if ! msg=$(python3 - "$out/json" "$TMP/stats.json" "$out/detail.csv" <<'PY'
import csv, json, sys
j = json.loads(open(sys.argv[1]).read().splitlines()[-1])
injected = json.load(open(sys.argv[2]))
total = sum(injected.values())
assert all(v > 0 for v in injected.values()), f"not every fault was injected: {injected}"
assert j["retries"] == total, f"retries {j['retries']}, faults injected {injected}"
rows = list(csv.DictReader(open(sys.argv[3], newline="")))
assert sum(int(r["retries"]) for r in rows) == total, "detail CSV retries differ"
assert all(r["result"] == "ok" for r in rows), "a row is not ok"
print(f"{total} faults {injected}")
PY
    ); then not_ok "$name" "$msg"; continue; fi
    ok "$name ($msg)"
done

# --- a fault on every attempt: the object fails after max-attempts, exit 1
name="faults beyond --max-attempts: the object fails, exit 1, the others are right"
if start_proxy slowdown=1; then
    "$BIN" --bucket "$SRC" -c 2 --endpoint "$proxy" --max-attempts 1 --no-upload --out-dir "$TMP/f1" \
        --tag one --json > "$TMP/f1.json" 2> "$TMP/f1.err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q SlowDown "$TMP/f1.err" &&
        python3 -c 'import json,sys; j=json.loads(open(sys.argv[1]).read().splitlines()[-1]); assert j["errors"] == 300 and j["retries"] == 0' "$TMP/f1.json"; then
        ok "$name"
    else
        not_ok "$name" "exit $rc" "$(tail -2 "$TMP/f1.err")"
    fi
else
    not_ok "$name" "the fault proxy did not start"
fi
stop_faultproxy

# --- process mode: a child killed with SIGKILL mid-run
name="process mode: a child killed mid-run is noticed, its object fetched again, exit 1"
mkdir -p "$TMP/k"
"$BIN" --bucket "$BIG" -c 4 -m process --no-upload --out-dir "$TMP/k" --tag kill 2> "$TMP/k/err" &
pid=$!
victim=
for _ in $(seq 100); do
    victim=$(pgrep -P "$pid" | head -1)
    [ -n "$victim" ] && break
    sleep 0.05
done
sleep 0.5
[ -n "$victim" ] && kill -9 "$victim"
timeout 60 tail --pid="$pid" -f /dev/null
wait "$pid"; rc=$?
if [ -z "$victim" ]; then
    not_ok "$name" "no child process seen"
elif [ "$rc" -ne 1 ] || ! grep -q "died (signal 9)" "$TMP/k/err"; then
    not_ok "$name" "exit $rc" "$(tail -3 "$TMP/k/err")"
elif ! msg=$(python3 test/check_csv.py "$TMP/k/result_kill_process_4.csv" "$TMP/expected-big"); then
    not_ok "$name" "$msg"
else
    ok "$name"
fi

# --- SIGTERM (ECS stopping a task) and SIGINT: stop, keep and upload what was fetched
for sig in TERM:143:thread INT:130:process; do
    IFS=: read -r s code mode <<< "$sig"
    name="SIG$s in mid-run ($mode mode): exit $code within seconds, CSV kept with what was fetched, uploaded"
    out="$TMP/s-$s"
    mkdir -p "$out"
    "$BIN" --bucket "$BIG" -c 2 -m "$mode" --result-bucket "$RES" --out-dir "$out" --tag "sig$s" \
        --json > "$out/json" 2> "$out/err" &
    pid=$!
    sleep 1
    kill -"$s" "$pid"
    t0=$(date +%s)
    timeout 30 tail --pid="$pid" -f /dev/null
    wait "$pid"; rc=$?
    took=$(( $(date +%s) - t0 ))
    csv="$out/result_sig${s}_${mode}_2.csv"
    if [ "$rc" -ne "$code" ]; then not_ok "$name" "exit $rc after $took s" "$(tail -3 "$out/err")"; continue; fi
    if [ "$took" -gt 5 ]; then not_ok "$name" "took $took s to stop"; continue; fi
    if ! got=$(python3 test/check_csv.py --partial "$csv" "$TMP/expected-big"); then not_ok "$name" "$got"; continue; fi
    if [ "$got" -lt 1 ] || [ "$got" -ge 3000 ]; then not_ok "$name" "$got of 3000 fetched: not a mid-run stop"; continue; fi
    if ! s3_download "$RES" "result_sig${s}_${mode}_2.csv" "$out/back.csv" || ! cmp -s "$csv" "$out/back.csv"; then
        not_ok "$name" "the CSV was not uploaded"; continue
    fi
    ok "$name ($got of 3000 fetched)"
done

# --- open files: the soft limit is raised to the hard one; a hard limit too low is one clear line
name="concurrency 1024 with a soft open-file limit of 256: raised, run completes"
if (ulimit -Sn 256 && "$BIN" --bucket "$SRC" -c 1024 --no-upload --out-dir "$TMP" --tag nofile --quiet) 2> "$TMP/n.err"; then
    ok "$name"
else
    not_ok "$name" "$(tail -2 "$TMP/n.err")"
fi
name="concurrency 1024 with a hard open-file limit of 256: exit 2, one clear line"
(ulimit -n 256 && "$BIN" --bucket "$SRC" -c 1024 --no-upload --out-dir "$TMP" --tag nofile) 2> "$TMP/n.err"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/n.err")" -eq 1 ] && grep -q "hard limit is 256" "$TMP/n.err"; then
    ok "$name"
else
    not_ok "$name" "exit $rc" "$(cat "$TMP/n.err")"
fi

[ "$failed" -eq 0 ]
