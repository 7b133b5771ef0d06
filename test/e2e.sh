#!/usr/bin/env bash
# End-to-end tests of build/s3bench against the local Ceph RADOS Gateway
# (scripts/s3server.sh), which checks SigV4 signatures strictly.
#   test/e2e.sh COUNTS_FILE   writes "passed failed skipped" into COUNTS_FILE
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=test/lib.sh
. test/lib.sh
e2e_server

# Bucket names unique to this run, so a server left up keeps no stale state in the way.
RUN="e2e$(date +%s)$$"
SRC="$RUN-src" RES="$RUN-res" EMPTY="$RUN-empty"
EXPECTED="$TMP/expected"
: > "$EXPECTED"

# s3b ARGS...: runs the binary, stdout to $TMP/out, stderr to $TMP/err; sets rc.
s3b() { "$BIN" "$@" > "$TMP/out" 2> "$TMP/err"; rc=$?; }

# expect NAME CODE ARGS...: the binary exits with CODE.
expect() {
    local name="$1" want="$2"; shift 2
    s3b "$@"
    if [ "$rc" -eq "$want" ]; then ok "$name"; else not_ok "$name" "exit $rc, expected $want" "$(tail -3 "$TMP/err")"; fi
}

# add_keys SIZE KEY...: uploads the keys with SIZE bytes each and records them as expected.
add_keys() {
    local size="$1" k; shift
    : > "$TMP/keys"
    for k in "$@"; do
        printf '%s\0' "$k" >> "$TMP/keys"
        printf '%s\0%s\0' "$k" "$size" >> "$EXPECTED"
    done
    "$BIN" populate --bucket "$SRC" --keys-from "$TMP/keys" --size "$size" 2> "$TMP/err"
}

# --- fixture: more than two list pages, edge sizes, keys of awkward bytes
long_key="long/$(printf 'k%.0s' $(seq 1 1019))"
setup_ok=1
"$BIN" populate --bucket "$SRC" --count 2600 --size 100 -c 8 2> "$TMP/err" || setup_ok=0
for i in $(seq 0 2599); do printf 'obj-%07d\0%s\0' "$i" 100; done >> "$EXPECTED"
add_keys 1 "with space/file name.txt" "utf8/日本語/ファイル.txt" "punct/+ % = & ? # ; , \" '" \
    "punct/plus+sign" "punct/literal%41escape" "punct/amp&eq=q?hash#" "newline/line1
line2" "$long_key" "a/b/c/d/e/nested.txt" "tilde~star*(paren)" \
    "dots/../up" "dots/./here" "dots//double" || setup_ok=0
add_keys 0 "sizes/zero" || setup_ok=0
add_keys 16MiB "sizes/sixteen-mib" || setup_ok=0
sed -i 's/16MiB/16777216/' "$EXPECTED"
"$BIN" populate --bucket "$RES" --count 0 --size 0 2> "$TMP/err" || setup_ok=0
"$BIN" populate --bucket "$EMPTY" --count 0 --size 0 2> "$TMP/err" || setup_ok=0
if [ "$setup_ok" -eq 1 ]; then ok "populate the fixture buckets"; else not_ok "populate the fixture buckets" "$(tail -3 "$TMP/err")"; exit 1; fi

# --- both modes, three concurrencies, configured by environment only as in a container
for mode in thread process; do
    for c in 1 4 16; do
        name="$mode x $c: every key once, sizes right, CSV uploaded"
        mkdir -p "$TMP/o-$mode-$c"
        BUCKET_NAME=$SRC RESULT_BUCKET_NAME=$RES CONCURRENCY=$c MODE=$mode TAG=e2e \
            s3b --out-dir "$TMP/o-$mode-$c" --json
        csv="$TMP/o-$mode-$c/result_e2e_${mode}_$c.csv"
        if [ "$rc" -ne 0 ]; then not_ok "$name" "exit $rc" "$(tail -3 "$TMP/err")"; continue; fi
        if ! msg=$(python3 test/check_csv.py "$csv" "$EXPECTED"); then not_ok "$name" "$msg"; continue; fi
        back="$TMP/back.csv"
        if ! s3_download "$RES" "result_e2e_${mode}_$c.csv" "$back"; then
            not_ok "$name" "cannot download the uploaded CSV"; continue
        fi
        if ! cmp -s "$csv" "$back"; then not_ok "$name" "uploaded CSV differs from the local one"; continue; fi
        if ! python3 - "$TMP/out" "$EXPECTED" <<'PY'
import json, sys
last = open(sys.argv[1]).read().splitlines()[-1]
j = json.loads(last)
fields = open(sys.argv[2], "rb").read().split(b"\0")[:-1]
sizes = [int(s) for s in fields[1::2]]
assert j["objects"] == len(sizes) and j["errors"] == 0 and j["mismatches"] == 0 and j["uploaded"] is True, j
assert j["bytes"] == sum(sizes), (j, sum(sizes))
for k in ("mode", "concurrency", "list_seconds", "fetch_seconds", "objects_per_second", "bytes_per_second",
          "cpu_user_seconds", "cpu_system_seconds", "result_key"):
    assert k in j, k
PY
        then not_ok "$name" "JSON summary wrong: $(tail -1 "$TMP/out")"; continue; fi
        ok "$name"
    done
done

# --- flags instead of environment, prefix, no upload
s3b --bucket "$SRC" -c 2 -m thread --tag pfx --prefix punct/ --no-upload --out-dir "$TMP"
if [ "$rc" -eq 0 ] && [ "$(python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1], newline=""))))-1)' "$TMP/result_pfx_thread_2.csv")" = 4 ]; then
    ok "--prefix lists only the prefix, --no-upload"
else
    not_ok "--prefix lists only the prefix, --no-upload" "exit $rc" "$(tail -3 "$TMP/err")"
fi

# --- empty bucket: a CSV of the header alone, exit 0
s3b --bucket "$EMPTY" -c 4 --no-upload --tag empty --out-dir "$TMP"
if [ "$rc" -eq 0 ] && [ "$(wc -l < "$TMP/result_empty_thread_4.csv")" = 1 ]; then ok "empty bucket: header only, exit 0"
else not_ok "empty bucket: header only, exit 0" "exit $rc" "$(tail -3 "$TMP/err")"; fi

# --- S3 errors, in one line, with the listing's exit code
AWS_SECRET_ACCESS_KEY=wrong-secret s3b --bucket "$SRC" -c 1 --no-upload --out-dir "$TMP"
if [ "$rc" -eq 3 ] && grep -q 'SignatureDoesNotMatch' "$TMP/err"; then ok "wrong secret: exit 3, SignatureDoesNotMatch"
else not_ok "wrong secret: exit 3, SignatureDoesNotMatch" "exit $rc" "$(tail -3 "$TMP/err")"; fi
if grep -q 'wrong-secret' "$TMP/err"; then not_ok "the secret is never printed" "found in stderr"; else ok "the secret is never printed"; fi

s3b --bucket "$RUN-missing" -c 1 --no-upload --out-dir "$TMP"
if [ "$rc" -eq 3 ] && grep -q 'NoSuchBucket' "$TMP/err"; then ok "missing bucket: exit 3, NoSuchBucket"
else not_ok "missing bucket: exit 3, NoSuchBucket" "exit $rc" "$(tail -3 "$TMP/err")"; fi

s3b --bucket "$SRC" --prefix sizes/ -c 2 --result-bucket "$RUN-nores" --tag nores --out-dir "$TMP"
if [ "$rc" -eq 1 ] && [ -s "$TMP/result_nores_thread_2.csv" ] && grep -q 'NoSuchBucket' "$TMP/err"; then
    ok "missing result bucket: exit 1, CSV kept"
else
    not_ok "missing result bucket: exit 1, CSV kept" "exit $rc" "$(tail -3 "$TMP/err")"
fi

# --- bad configuration: one line, exit 2, before any request
expect "CONCURRENCY missing: exit 2" 2 --bucket "$SRC"
for bad in 0 -1 abc 4097 8x ""; do
    CONCURRENCY="$bad" expect "CONCURRENCY='$bad': exit 2" 2 --bucket "$SRC"
done
MODE=threads expect "MODE=threads: exit 2" 2 --bucket "$SRC" -c 1
expect "no bucket: exit 2" 2 -c 1
expect "malformed endpoint: exit 2" 2 --bucket "$SRC" -c 1 --endpoint "localhost:7480"
AWS_ACCESS_KEY_ID="" AWS_SECRET_ACCESS_KEY="" expect "no credentials: exit 2" 2 --bucket "$SRC" -c 1
expect "unknown flag: exit 2 with the usage" 2 --bucket "$SRC" -c 1 --frobnicate
grep -qi 'usage' "$TMP/err" || not_ok "unknown flag prints the usage"
if [ "$(wc -l < "$TMP/err")" -ge 1 ] && [ "$(CONCURRENCY=0 "$BIN" --bucket x 2>&1 | wc -l)" = 1 ]; then
    ok "a configuration error is one line"
else
    not_ok "a configuration error is one line"
fi

[ "$failed" -eq 0 ]
