#!/usr/bin/env bash
# Runs each libFuzzer target given for FUZZ_SECONDS (default 60) seconds,
# one after the other, and prints the executions each one ran. Called by
# `make fuzz`, which builds the targets into build/fuzz/ first.
#   test/fuzz/run.sh build/fuzz/fuzz_listxml ...
#
# Each target starts from its seeds (test/fuzz/corpus/NAME), its regressions
# (test/fuzz/regressions/NAME) and what earlier runs found
# (build/fuzz/corpus/NAME, where new inputs go; the committed corpus stays
# small). A crash, a sanitizer report, a leak, an invariant failure or a
# hang of more than FUZZ_TIMEOUT seconds fails the run; the input is left in
# build/fuzz/artifacts/NAME/. To keep one as a regression test, copy it into
# test/fuzz/regressions/NAME/: `make test` replays that folder
# (test/test_fuzz_replay.c), and so does every later fuzz run.
set -uo pipefail
cd "$(dirname "$0")/../.."

SECONDS_EACH=${FUZZ_SECONDS:-60}
TIMEOUT=${FUZZ_TIMEOUT:-25}
DIR=${FUZZ_DIR:-build/fuzz}
[[ $SECONDS_EACH =~ ^[0-9]+$ ]] || { echo "fuzz: FUZZ_SECONDS must be a number" >&2; exit 2; }
[ "$#" -gt 0 ] || { echo "usage: test/fuzz/run.sh FUZZ_BINARY..." >&2; exit 2; }

# Sanitizer reports must end the run; leaks are checked too (libFuzzer does
# it per input when ASan's leak checker is on).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

failed=0
summary=()
for bin in "$@"; do
    name=$(basename "$bin")
    name=${name#fuzz_}
    work="$DIR/corpus/$name" art="$DIR/artifacts/$name" log="$DIR/$name.log"
    mkdir -p "$work" "$art"
    dirs=("$work")
    for d in "test/fuzz/corpus/$name" "test/fuzz/regressions/$name"; do
        [ -d "$d" ] && dirs+=("$d")
    done
    opts=(-max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb=2048
          -print_final_stats=1 -artifact_prefix="$art/")
    [ -f "test/fuzz/$name.dict" ] && opts+=(-dict="test/fuzz/$name.dict")
    echo "== fuzz $name: ${SECONDS_EACH}s"
    start=$(date +%s)
    "$bin" "${opts[@]}" "${dirs[@]}" > "$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corpus=$(find "$work" -type f | wc -l)
    if [ "$rc" -eq 0 ]; then
        status=ok
    else
        status="FAILED (exit $rc)"
        failed=1
        echo "fuzz $name failed; the end of $log:" >&2
        tail -40 "$log" >&2
        ls -l "$art" >&2
    fi
    line=$(printf '%-8s %12s execs %8s/s  cov %6s  corpus %5s  %4ss  %s' \
           "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$corpus" "$took" "$status")
    echo "$line"
    summary+=("$line")
done
echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
