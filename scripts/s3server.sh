#!/usr/bin/env bash
# A real S3 server on 127.0.0.1 for the tests and the local demo: a single-node
# Ceph RADOS Gateway (Debian's radosgw, ceph-mon, ceph-osd) with one monitor and
# one in-memory OSD (memstore). Every start builds a fresh cluster: objects live
# in memory and are gone after `stop`.
#
#   scripts/s3server.sh start    start it (a no-op when it is already up and answering)
#   scripts/s3server.sh stop     stop it (a no-op when it is not running)
#   scripts/s3server.sh status   exit 0 when it is up and answers signed S3 requests, else 1
#   scripts/s3server.sh env      print `export` lines: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
#                                AWS_SECRET_ACCESS_KEY, AWS_REGION (us-east-1), and the
#                                second user's S3SERVER_USER2_{ACCESS_KEY_ID,SECRET_ACCESS_KEY}
#   eval "$(scripts/s3server.sh env)"
#
# Knobs (environment):
#   S3SERVER_DIR       state dir: config, mon and osd data, logs, pid files, admin
#                      sockets (default: <repo>/build/s3server); nothing goes to
#                      /etc/ceph, /var/lib/ceph, /var/log/ceph or /var/run/ceph
#   S3SERVER_PORT      S3 port on 127.0.0.1 (default 7480)
#   S3SERVER_MON_PORT  Ceph monitor port on 127.0.0.1 (default 7479); the OSD takes
#                      free ports of Ceph's usual range 6800-7300 on 127.0.0.1
#   S3SERVER_MEM_MB    size the in-memory OSD reports, in MiB (default 8192); memory
#                      is only used as objects are stored
#   S3SERVER_TIMEOUT   seconds to wait for each start step (default 90)
#
# Credentials: FIXED, PUBLIC TEST VALUES for this local throwaway server only. Never
# use them anywhere else.
#   user s3bench:  S3BENCHTESTKEY000001 / s3bench-local-secret-do-not-use-elsewhere
#   user s3bench2: S3BENCHTESTKEY000002 / s3bench2-local-secret-do-not-use-elsewhere
#                  (a second user, for credential and permission tests)
# Requests must be signed with AWS Signature V4 and carry x-amz-content-sha256
# (the payload's SHA-256 or UNSIGNED-PAYLOAD): without that header the gateway
# assumes UNSIGNED-PAYLOAD. Path-style URLs work, and so do virtual-hosted ones
# under localhost (BUCKET.localhost:PORT). Bucket names need 3 or more characters.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${S3SERVER_DIR:-$TOP/build/s3server}
PORT=${S3SERVER_PORT:-7480}
MON_PORT=${S3SERVER_MON_PORT:-7479}
MEM_MB=${S3SERVER_MEM_MB:-8192}
TIMEOUT=${S3SERVER_TIMEOUT:-90}
REGION=us-east-1
CLUSTER=s3bench
RGW_NAME=client.rgw.s3bench
ACCESS_KEY=S3BENCHTESTKEY000001
SECRET_KEY=s3bench-local-secret-do-not-use-elsewhere
ACCESS_KEY2=S3BENCHTESTKEY000002
SECRET_KEY2=s3bench2-local-secret-do-not-use-elsewhere
# Daemons in the order they start.
DAEMONS="mon.a osd.0 $RGW_NAME"

# Prints a message on stderr.
say() { echo "s3server: $*" >&2; }

# Prints a progress or result message on stdout.
info() { echo "s3server: $*"; }

# Prints a message on stderr and exits 1.
die() { say "$*"; exit 1; }

# Checks the knobs and makes STATE absolute (daemons chdir to /).
check_knobs() {
    local n
    for n in PORT MON_PORT MEM_MB TIMEOUT; do
        [[ ${!n} =~ ^[0-9]+$ ]] || die "S3SERVER_$n must be a number, not '${!n}'"
    done
    [ "$PORT" != "$MON_PORT" ] || die "S3SERVER_PORT and S3SERVER_MON_PORT are both $PORT"
    case $STATE in /*) ;; *) STATE=$PWD/$STATE ;; esac
    # ceph.conf has no quoting: refuse what it would misread.
    [[ $STATE =~ ^[A-Za-z0-9_./+:@-]+$ ]] ||
        die "S3SERVER_DIR '$STATE' has characters ceph.conf cannot hold (use letters, digits, _ . / + : @ -)"
    CONF=$STATE/ceph.conf
    export CEPH_CONF=$CONF
}

# Exits 1 with one line naming the Debian packages whose programs are missing.
check_programs() {
    local prog pkg need=""
    for prog in radosgw:radosgw ceph-mon:ceph-mon ceph-osd:ceph-osd monmaptool:ceph-base \
                ceph:ceph-common radosgw-admin:ceph-common curl:curl; do
        pkg=${prog#*:}
        if ! command -v "${prog%%:*}" >/dev/null 2>&1 && [[ " $need " != *" $pkg "* ]]; then
            need="$need $pkg"
        fi
    done
    [ -z "$need" ] || die "missing programs; install the Debian packages:$need (apt-get install --no-install-recommends$need, or scripts/deps.sh)"
}

# Runs a Ceph tool against this cluster's config.
ceph_tool() { local tool=$1; shift; "$tool" --cluster "$CLUSTER" -c "$CONF" "$@"; }

# Prints the pid file path of daemon $1 (mon.a, osd.0, client.rgw.s3bench).
pid_file() { echo "$STATE/run/$CLUSTER-$1.pid"; }

# Prints the log file path of daemon $1.
log_file() { echo "$STATE/log/$CLUSTER-$1.log"; }

# True when pid $1 is a live process started with this state dir's ceph.conf.
is_ours() {
    local cmd
    [ -n "$1" ] && cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
    [[ " $cmd " == *" -c $CONF "* ]]
}

# Prints the pid of daemon $1 when it runs, from its pid file.
daemon_pid() {
    local f pid
    f=$(pid_file "$1")
    [ -r "$f" ] || return 1
    pid=$(tr -dc 0-9 <"$f")
    is_ours "$pid" && echo "$pid"
}

# Prints the pids of processes using this state dir's ceph.conf whose program name
# matches the pattern $1: daemons whose pid file is gone or not yet written, and
# tools left behind by a killed start.
stray_pids() {
    local d pid
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        # shellcheck disable=SC2053
        [ "$pid" != $$ ] && is_ours "$pid" && [[ $(cat "$d/comm" 2>/dev/null) == $1 ]] && echo "$pid"
    done
    return 0
}

# Signed S3 request with the s3bench credentials: curl args in "$@", prints the HTTP code.
s3_code() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 --noproxy '*' \
        --aws-sigv4 "aws:amz:$REGION:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
        -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@" || true
}

# True when the gateway answers a signed ListBuckets of the s3bench user with 200.
signed_ok() { [ "$(s3_code "http://127.0.0.1:$PORT/")" = 200 ]; }

# True when a start completed, our gateway runs and it answers a signed ListBuckets with 200.
is_up() {
    [ -f "$STATE/run/ready" ] && daemon_pid "$RGW_NAME" >/dev/null && signed_ok
}

# True when something listens on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints milliseconds since the epoch.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Writes the cluster's ceph.conf.
write_conf() {
    local fsid=$1
    cat >"$CONF" <<EOF
# Written by scripts/s3server.sh for a throwaway single-node test cluster.
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms mon client mode = crc
auth cluster required = none
auth service required = none
auth client required = none
# Every path inside the state dir.
run dir = $STATE/run
admin socket = $STATE/run/\$cluster-\$name.asok
pid file = $STATE/run/\$cluster-\$name.pid
log file = $STATE/log/\$cluster-\$name.log
mon cluster log file = $STATE/log/\$cluster.log
crash dir = $STATE/crash
keyring = $STATE/keyring
mon data = $STATE/mon/\$cluster-\$id
osd data = $STATE/osd/\$cluster-\$id
rgw data = $STATE/rgw/\$cluster-\$id
# One OSD: pools of size 1, few PGs, no autoscaler (there is no manager).
mon allow pool size one = true
mon warn on pool no redundancy = false
osd pool default size = 1
osd pool default min size = 1
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd objectstore = memstore
memstore device bytes = $(( MEM_MB * 1024 * 1024 ))
# Quicker map updates: a fresh gateway creates its pools one after another.
paxos propose interval = 0.05
paxos min wait = 0.01
mon osd full ratio = 0.97
mon osd backfillfull ratio = 0.95
mon osd nearfull ratio = 0.9

[$RGW_NAME]
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw dns name = localhost
rgw enable usage log = false
rgw enable ops log = false
rgw enable lc threads = false
# Deleted objects' tails are freed after a minute, not two hours.
rgw gc obj min wait = 60
rgw gc processor period = 60
EOF
}

# Starts daemon "$@" with stdio and the lock fd closed, so callers' pipes do not hang.
spawn() {
    local name=$1; shift
    ceph_tool "$@" </dev/null >>"$STATE/log/$name.out" 2>&1 9>&- ||
        fail "$name did not start" "$STATE/log/$name.out"
}

# Reports a failed start with the tail of the relevant logs, stops what runs, exits 1.
fail() {
    local msg=$1 f; shift
    say "start failed: $msg"
    for f in "$@"; do
        [ -s "$f" ] || continue
        say "--- last lines of $f:"
        tail -n 20 "$f" >&2
    done
    do_stop quiet || true
    exit 1
}

# Prints the log of the first daemon that is not running (else the gateway's), for fail().
relevant_log() {
    local d
    for d in $DAEMONS; do
        daemon_pid "$d" >/dev/null || { log_file "$d"; return; }
    done
    log_file "$RGW_NAME"
}

# Waits up to TIMEOUT seconds for command "$@" to succeed; $1 names what is awaited.
wait_for() {
    local what=$1 deadline=$(( $(now_ms) + TIMEOUT * 1000 )); shift
    until "$@"; do
        [ "$(now_ms)" -lt "$deadline" ] || fail "$what within ${TIMEOUT}s" "$(relevant_log)"
        sleep 0.1
    done
}

# True when the gateway answers HTTP at all (anonymous ListBuckets gives 200).
rgw_answers() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --noproxy '*' "http://127.0.0.1:$PORT/" || true)" = 200 ]
}

# Creates S3 user $1 with access key $2 and secret $3.
make_user() {
    ceph_tool radosgw-admin user create --uid "$1" --display-name "$1 (local test user)" \
        --access-key "$2" --secret "$3" >>"$STATE/log/radosgw-admin.out" 2>&1 9>&- ||
        fail "could not create the S3 user $1" "$STATE/log/radosgw-admin.out" "$(log_file client.admin)"
}

# Builds a fresh cluster in STATE and starts mon, osd and gateway.
do_start() {
    local t0 fsid p
    t0=$(now_ms)
    if is_up; then
        info "already up at http://127.0.0.1:$PORT (state: $STATE)"
        return 0
    fi
    do_stop quiet
    for p in "$PORT:S3SERVER_PORT" "$MON_PORT:S3SERVER_MON_PORT"; do
        ! port_busy "${p%%:*}" ||
            die "port ${p%%:*} on 127.0.0.1 is taken by another program; pick another with ${p#*:}"
    done
    # A fresh cluster every time; the previous start's logs are kept in log.prev.
    rm -rf "$STATE/mon" "$STATE/osd" "$STATE/rgw" "$STATE/run" "$STATE/crash" \
        "$STATE/log.prev" "$STATE/monmap" "$CONF"
    [ ! -d "$STATE/log" ] || mv "$STATE/log" "$STATE/log.prev"
    mkdir -p "$STATE"/{mon,osd/$CLUSTER-0,rgw,run,crash,log}
    fsid=$(cat /proc/sys/kernel/random/uuid)
    write_conf "$fsid"

    ceph_tool monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT]" \
        "$STATE/monmap" >>"$STATE/log/mkfs.out" 2>&1 || fail "monmaptool failed" "$STATE/log/mkfs.out"
    ceph_tool ceph-mon -i a --mkfs --monmap "$STATE/monmap" >>"$STATE/log/mkfs.out" 2>&1 ||
        fail "ceph-mon --mkfs failed" "$STATE/log/mkfs.out"
    spawn mon.a ceph-mon -i a
    ceph_tool ceph --connect-timeout "$TIMEOUT" osd create >>"$STATE/log/mkfs.out" 2>&1 9>&- ||
        fail "the monitor did not answer 'ceph osd create'" "$STATE/log/mkfs.out" "$(log_file mon.a)"
    ceph_tool ceph-osd -i 0 --mkfs --osd-uuid "$(cat /proc/sys/kernel/random/uuid)" \
        >>"$STATE/log/mkfs.out" 2>&1 || fail "ceph-osd --mkfs failed" "$STATE/log/mkfs.out"
    spawn osd.0 ceph-osd -i 0
    # The gateway waits for the OSD by itself while it creates its pools.
    spawn rgw radosgw -n "$RGW_NAME"
    wait_for "the gateway did not answer on port $PORT" rgw_answers
    make_user s3bench "$ACCESS_KEY" "$SECRET_KEY"
    make_user s3bench2 "$ACCESS_KEY2" "$SECRET_KEY2"
    wait_for "the gateway did not accept the s3bench user's signed requests" signed_ok
    : >"$STATE/run/ready"
    t0=$(( $(now_ms) - t0 ))
    info "up at http://127.0.0.1:$PORT in $(( t0 / 1000 )).$(( t0 % 1000 / 100 )) s (state: $STATE)"
}

# True while pid $1 exists and is not yet a zombie (a zombie holds no ports or files).
running() {
    local st
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    [ "${st%% *}" != Z ]
}

# Prints those of pids $2... still running after waiting up to $1 tenths of a second.
wait_gone() {
    local n=$1 pid left; shift
    while :; do
        left=""
        for pid in "$@"; do running "$pid" && left="$left $pid"; done
        if [ -z "$left" ] || [ "$n" -le 0 ]; then break; fi
        n=$(( n - 1 ))
        sleep 0.1
    done
    echo "$left"
}

# Stops pids "$@": SIGTERM, up to 10 s of waiting, then SIGKILL.
stop_pids() {
    local left
    [ $# -gt 0 ] || return 0
    kill -TERM "$@" 2>/dev/null || true
    left=$(wait_gone 100 "$@")
    [ -n "$left" ] || return 0
    say "killing$left (still running 10 s after SIGTERM)"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
    # shellcheck disable=SC2086
    left=$(wait_gone 50 $left)
    [ -z "$left" ] || { say "pids$left survived SIGKILL"; return 1; }
}

# Stops the daemons of STATE one by one (a gateway whose OSD is gone hangs on its
# way out, and so does an OSD whose monitor is gone), then any other process that
# uses STATE's ceph.conf.
do_stop() {
    local quiet=${1:-} d pid n=0 pids
    for d in "$RGW_NAME" osd.0 mon.a; do    # the reverse of DAEMONS
        pid=$(daemon_pid "$d") || continue
        n=$(( n + 1 ))
        stop_pids "$pid"
    done
    # The same order for processes without a pid file, e.g. when the state dir was
    # deleted under running daemons (make clean).
    for d in 'radosgw' 'ceph-osd' '*'; do
        pids=$(stray_pids "$d")
        [ -n "$pids" ] || continue
        n=$(( n + $(wc -w <<<"$pids") ))
        # shellcheck disable=SC2086
        stop_pids $pids
    done
    rm -f "$STATE"/run/*.pid "$STATE"/run/*.asok "$STATE/run/ready" 2>/dev/null || true
    if [ -z "$quiet" ]; then
        if [ "$n" -gt 0 ]; then info "stopped ($n processes)"; else info "not running"; fi
    fi
}

# Exit 0 when up and answering signed S3 requests, else 1.
do_status() {
    if is_up; then
        info "up at http://127.0.0.1:$PORT (state: $STATE)"
        return 0
    fi
    if daemon_pid "$RGW_NAME" >/dev/null; then
        info "down: a gateway runs, but its start did not finish or it does not answer signed requests on port $PORT"
    else
        info "down"
    fi
    return 1
}

# Prints shell export lines for the endpoint and the s3bench (and s3bench2) credentials.
do_env() {
    cat <<EOF
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT
export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
export AWS_REGION=$REGION
export S3SERVER_USER2_ACCESS_KEY_ID=$ACCESS_KEY2
export S3SERVER_USER2_SECRET_ACCESS_KEY=$SECRET_KEY2
EOF
}

# Takes the state dir's lock so concurrent starts and stops do not interleave.
lock_state() {
    mkdir -p "$STATE"
    exec 9>"$STATE/lock"
    command -v flock >/dev/null 2>&1 || return 0
    flock -w $(( TIMEOUT + 30 )) 9 || die "another s3server.sh holds $STATE/lock"
}

main() {
    local cmd=${1:-}
    check_knobs
    case $cmd in
        start) check_programs; lock_state; do_start ;;
        stop) [ ! -d "$STATE" ] || lock_state; do_stop ;;
        status) command -v curl >/dev/null 2>&1 || die "missing program curl (Debian package curl)"; do_status ;;
        env) do_env ;;
        *) echo "usage: $0 start|stop|status|env   (see the top of this script)" >&2; exit 2 ;;
    esac
}

main "$@"
