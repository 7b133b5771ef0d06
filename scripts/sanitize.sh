#!/usr/bin/env bash
# The sanitizer runs of CI (.ci/run), for a developer to run too:
#   asan      unit and end-to-end tests (`make SANITIZE=address,undefined test`)
#             under AddressSanitizer + UndefinedBehaviorSanitizer
#   tsan      unit tests and a thread-mode run at concurrency 8 under
#             ThreadSanitizer (`make SANITIZE=thread`)
#   valgrind  memcheck of a small run in thread mode and in process mode
#
#   scripts/sanitize.sh                 all three
#   scripts/sanitize.sh tsan valgrind   only these
#
# Every process's sanitizer or valgrind report goes to a file of its own
# under build/sanitize/<step>/ (ASan/UBSan/TSan log_path, valgrind
# --log-file=%p), forked children included, so no report is lost with a
# child's stderr or hidden by an exit status the tests expect anyway. A step
# fails when its command fails or when any report file holds a finding; the
# reports are printed. Each step prints its time.
#
# The local S3 server (scripts/s3server.sh, which honours S3SERVER_DIR,
# S3SERVER_PORT, S3SERVER_MON_PORT) is started when it is not up, and then
# stopped at the end; one already running is left running. The tsan and
# valgrind steps read their own fixture bucket, written once per run with
# `build/s3bench populate`.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=build/sanitize
JOBS=${JOBS:-2}
steps=("$@")
[ "${#steps[@]}" -gt 0 ] || steps=(asan tsan valgrind)
for s in "${steps[@]}"; do
    case $s in asan | tsan | valgrind) ;; *) echo "usage: scripts/sanitize.sh [asan|tsan|valgrind]..." >&2; exit 2 ;; esac
done

say() { echo "sanitize: $*"; }
failures=()
fail() { failures+=("$1"); say "FAILED: $1"; }

# --- the server and the fixture ---------------------------------------------
started=0
stop_server() { [ "$started" -eq 0 ] || scripts/s3server.sh stop >/dev/null 2>&1 || true; }
trap stop_server EXIT
if ! scripts/s3server.sh status >/dev/null 2>&1; then
    scripts/s3server.sh start
    started=1
fi
eval "$(scripts/s3server.sh env)"
export AWS_EC2_METADATA_DISABLED=true
unset BUCKET_NAME RESULT_BUCKET_NAME CONCURRENCY MODE TAG AWS_SESSION_TOKEN AWS_PROFILE

run_id="san$(date +%s)$$"
FIX="$run_id-src" RES="$run_id-res"
fixture() {
    [ -z "${fixture_done:-}" ] || return 0
    make -s -j"$JOBS" build/s3bench
    local keys="$OUT/fixture-keys"
    mkdir -p "$OUT"
    # A few keys of awkward bytes beside plain ones, as in the e2e fixture.
    printf '%s\0' "with space/file name.txt" "utf8/日本語.txt" "punct/+ % = & ? # ; , \" '" \
        "newline/line1
line2" "sizes/zero" > "$keys"
    build/s3bench populate --bucket "$FIX" --count 200 --size 1-64KiB -c 8 2> "$OUT/fixture.err" &&
        build/s3bench populate --bucket "$FIX" --keys-from "$keys" --size 0 2>> "$OUT/fixture.err" &&
        build/s3bench populate --bucket "$RES" --count 0 --size 0 2>> "$OUT/fixture.err" ||
        { cat "$OUT/fixture.err" >&2; say "cannot populate the fixture buckets"; exit 1; }
    fixture_done=1
}

# reports PATTERN FILE...: prints the files that hold PATTERN ('.' for the
# sanitizers' log_path files: they exist only to hold a report) and returns
# 1 when there is any.
reports() {
    local pattern="$1" f found=0
    shift
    for f in "$@"; do
        [ -f "$f" ] || continue
        if grep -qE "$pattern" "$f"; then
            found=1
            echo "---- $f" >&2
            head -60 "$f" >&2
        fi
    done
    return "$found"
}

timed() { # timed NAME CMD...: runs CMD and prints how long it took
    local name="$1" t0 rc=0
    shift
    t0=$(date +%s)
    "$@" || rc=$?
    say "$name took $(( $(date +%s) - t0 ))s"
    return "$rc"
}

# --- ASan + UBSan: the whole test suite -------------------------------------
ASAN_OPTS="abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1"
UBSAN_OPTS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"

# First proves on a canary that a forked child's ASan report and UBSan
# report both land in their files, so a clean result means something.
asan_canary() {
    local dir="$OUT/asan-canary"
    rm -rf "$dir" && mkdir -p "$dir"
    cat > "$dir/canary.c" <<'C'
#include <limits.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    (void)argv;
    for (int k = 0; k < 2; k++) {
        pid_t pid = fork();
        if (pid == 0) {
            volatile int big = INT_MAX - 1 + argc;
            if (k == 0)
                big += 1; /* signed overflow */
            volatile char *p = malloc(4);
            if (k == 1)
                p[4] = (char)big; /* heap overflow */
            _exit(0);
        }
        waitpid(pid, NULL, 0);
    }
    return 0;
}
C
    clang -g -fsanitize=address,undefined "$dir/canary.c" -o "$dir/canary" || return 1
    ASAN_OPTIONS="log_path=$PWD/$dir/report:$ASAN_OPTS" UBSAN_OPTIONS="log_path=$PWD/$dir/report:$UBSAN_OPTS" \
        "$dir/canary" 2> "$dir/stderr" || true
    grep -qs 'runtime error: signed integer overflow' "$dir"/report.* &&
        grep -qs 'ERROR: AddressSanitizer: heap-buffer-overflow' "$dir"/report.*
}

step_asan() {
    local dir="$OUT/asan"
    rm -rf "$dir" && mkdir -p "$dir"
    asan_canary || { fail "asan: the canary's reports from forked children were not captured"; return; }
    # clang, in a build folder of its own: with gcc 12's runtime, once UBSan
    # has reported, log_path is dropped and every later report goes to
    # stderr, where the e2e tests do not keep a child's. abort_on_error: a
    # report ends the process with SIGABRT, which no test takes for an
    # expected exit code. The CA variables are unset as a user's shell would
    # not have them.
    if ! env -u AWS_CA_BUNDLE -u CURL_CA_BUNDLE -u SSL_CERT_FILE \
        ASAN_OPTIONS="log_path=$PWD/$dir/report:$ASAN_OPTS" UBSAN_OPTIONS="log_path=$PWD/$dir/report:$UBSAN_OPTS" \
        make -j"$JOBS" CC=clang BUILD=build/san-clang-address-undefined SANITIZE=address,undefined test; then
        fail "asan: make SANITIZE=address,undefined test"
    fi
    reports . "$dir"/report.* || fail "asan: sanitizer reports (above)"
}

# --- TSan: unit tests and thread mode at concurrency 8 ----------------------
step_tsan() {
    local dir="$OUT/tsan"
    rm -rf "$dir" && mkdir -p "$dir"
    fixture
    local -x TSAN_OPTIONS="log_path=$PWD/$dir/report:halt_on_error=0:second_deadlock_stack=1"
    make -j"$JOBS" SANITIZE=thread unit || fail "tsan: make SANITIZE=thread unit"
    local bin=build/san-thread/s3bench
    # Listing, 205 GETs over 8 threads, the CSV upload; then populate's own threads.
    if ! "$bin" --bucket "$FIX" --result-bucket "$RES" -c 8 -m thread --tag tsan --out-dir "$dir" --json \
        > "$dir/run.out" 2> "$dir/run.err"; then
        tail -5 "$dir/run.err" >&2
        fail "tsan: thread-mode run at concurrency 8"
    fi
    "$bin" populate --bucket "$RES" --count 50 --size 1-4KiB -c 8 2>> "$dir/run.err" ||
        fail "tsan: populate at concurrency 8"
    if grep -q 'WARNING: ThreadSanitizer' "$dir/run.err"; then
        grep -A30 'WARNING: ThreadSanitizer' "$dir/run.err" | head -60 >&2
        fail "tsan: warnings on stderr"
    fi
    reports . "$dir"/report.* || fail "tsan: reports (above)"
}

# --- valgrind memcheck: a small run in each mode ----------------------------
# No suppressions are needed on Debian 12 (libcurl 7.88, OpenSSL 3.0,
# libxml2 2.9): what those libraries keep until exit is "still reachable",
# which is not counted as an error.
step_valgrind() {
    local dir="$OUT/valgrind" mode
    rm -rf "$dir" && mkdir -p "$dir"
    fixture
    command -v valgrind >/dev/null || { fail "valgrind: not installed (apt-get install valgrind)"; return; }
    for mode in thread process; do
        # Forked children are followed without --trace-children (that is for
        # exec); each process logs to its own file.
        if ! valgrind -q --error-exitcode=99 --leak-check=full \
            --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
            --track-origins=yes --log-file="$dir/$mode.%p.log" \
            build/s3bench --bucket "$FIX" --result-bucket "$RES" -c 4 -m "$mode" --tag vg \
            --out-dir "$dir" --json > "$dir/$mode.out" 2> "$dir/$mode.err"; then
            tail -3 "$dir/$mode.err" >&2
            fail "valgrind: $mode-mode run"
        fi
    done
    reports '^==[0-9]+== ' "$dir"/*.log || fail "valgrind: memcheck errors (above)"
}

for s in "${steps[@]}"; do
    say "== $s"
    timed "$s" "step_$s"
done

if [ "${#failures[@]}" -gt 0 ]; then
    say "${#failures[@]} failure(s):"
    printf '  %s\n' "${failures[@]}"
    exit 1
fi
say "all clean: ${steps[*]}"
