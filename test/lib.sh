# Shared by the end-to-end scripts (sourced, from the repository top, with
# the script's own arguments): the pass/fail counts, a temporary folder,
# and the local S3 server. Each script is run as `SCRIPT COUNTS_FILE` and
# writes "passed failed skipped" there when it exits (test/run.sh adds
# them up).
# shellcheck shell=bash
counts_file=${1:-/dev/null}
# shellcheck disable=SC2034 # used by the scripts that source this
BIN=${BUILD:-build}/s3bench
passed=0 failed=0 skipped=0
TMP=$(mktemp -d)
# Commands a script adds to run at exit (servers it started, ...).
at_exit=()

e2e_finish() {
    local cmd
    for cmd in "${at_exit[@]}"; do eval "$cmd"; done
    echo "$passed $failed $skipped" > "$counts_file"
    rm -rf "$TMP"
}
trap e2e_finish EXIT

ok()     { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# Starts the local gateway (a no-op when it is up) and exports its endpoint
# and credentials; ends the script with a failure when it cannot. Nothing
# from the caller's environment leaks into the tests' runs.
e2e_server() {
    if ! scripts/s3server.sh start > /dev/null; then
        not_ok "the local S3 server starts" "see build/s3server/*.log"
        exit 1
    fi
    eval "$(scripts/s3server.sh env)"
    # Run alone (not from test/run.sh), a test must not wait on an instance
    # metadata service that is not there.
    export AWS_EC2_METADATA_DISABLED=true
    unset BUCKET_NAME RESULT_BUCKET_NAME CONCURRENCY MODE TAG AWS_SESSION_TOKEN AWS_PROFILE \
        AWS_DEFAULT_REGION AWS_MAX_ATTEMPTS
}

# A TCP port on 127.0.0.1 that nobody listens on.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_faultproxy ARGS...: a fresh test/faultproxy.py (any earlier one is
# stopped) in front of the gateway, with ARGS (--schedule, --delay-ms, ...);
# its endpoint goes in $proxy, its fault counts in $TMP/stats.json. Returns
# non-zero if it does not come up.
proxy_pid=
# shellcheck disable=SC2016 # expanded at exit, by e2e_finish
at_exit+=('[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null')
start_faultproxy() {
    stop_faultproxy
    local port; port=$(free_port)
    python3 test/faultproxy.py --port "$port" --upstream "${AWS_ENDPOINT_URL#http://}" \
        --stats "$TMP/stats.json" "$@" 2> "$TMP/proxy.log" &
    proxy_pid=$!
    # shellcheck disable=SC2034 # used by the scripts that source this
    proxy="http://127.0.0.1:$port"
    for _ in $(seq 50); do grep -q listening "$TMP/proxy.log" && return 0; sleep 0.1; done
    return 1
}
stop_faultproxy() {
    [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
    proxy_pid=
}

# s3_download BUCKET KEY FILE: a signed GET straight from the gateway, with
# curl rather than the binary under test.
s3_download() {
    curl -sf --aws-sigv4 "aws:amz:$AWS_REGION:s3" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
        --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -o "$3" "$AWS_ENDPOINT_URL/$1/$2"
}
