#!/usr/bin/env bash
# Runs the tests: every unit-test binary given, each in its own process with
# a timeout, then (unless --unit) the end-to-end tests against the local S3
# server: test/e2e.sh, test/e2e_creds.sh (credential providers, region,
# addressing, TLS), test/e2e_measure.sh (percentiles, sweep, report),
# test/e2e_faults.sh (retries under injected faults, signals, dead
# children), then the task definitions' checks. Ends with one line "N passed, N failed, N skipped";
# exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

# The tests reach nothing but 127.0.0.1 and none of the caller's AWS
# settings: no instance metadata, no container endpoint, no profile or
# shared files of the user, no endpoint override of the S3 service.
export AWS_EC2_METADATA_DISABLED=true
export AWS_SHARED_CREDENTIALS_FILE=/nonexistent/s3bench-test/credentials
export AWS_CONFIG_FILE=/nonexistent/s3bench-test/config
unset AWS_PROFILE AWS_ENDPOINT_URL_S3 AWS_EC2_METADATA_SERVICE_ENDPOINT \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI \
    AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE

unit_only=0
if [ "${1:-}" = "--unit" ]; then unit_only=1; shift; fi
passed=0 failed=0 skipped=0

# Adds the cmocka counts of one binary's output to the totals; a binary that
# died without its summary (crash, timeout) counts as one failure.
count() {
    local out="$1" rc="$2" name="$3" p f s
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | awk '{s+=$1} END {print s+0}')
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' <<<"$out" | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "run: $name exited with $rc without a test summary" >&2
        f=1
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

for t in "$@"; do
    out=$(timeout 120 "$t" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    count "$out" "$rc" "$(basename "$t")"
done

# Each end-to-end script writes "passed failed skipped" into the file it is
# given; one that exits non-zero without counting a failure counts one.
if [ "$unit_only" -eq 0 ]; then
    for script in test/e2e.sh test/e2e_creds.sh test/e2e_measure.sh test/e2e_faults.sh test/taskdefs.sh; do
        counts=$(mktemp)
        "$script" "$counts"
        rc=$?
        read -r p f s < "$counts" || { p=0 f=1 s=0; }
        rm -f "$counts"
        [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    done
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
