#!/usr/bin/env bash
# `make image-test`: builds docker/Dockerfile and runs the image it makes
# against the local S3 server, on machines without a Docker engine, without
# Docker Hub, and with a kernel (cgroups hybrid mode, rlimits) on which
# `podman run` fails:
#  1. Base images: debian:bookworm and debian:bookworm-slim made with
#     debootstrap (minbase) from this machine's Debian mirror, the slim one
#     trimmed as Debian's official slim images are; the tarballs are cached in
#     build/image/base and imported with `podman import` under the names the
#     FROM lines use, so that they resolve with --pull=never.
#  2. podman build --isolation=chroot --network=host --pull=never.
#  3. The image's root filesystem (`podman create` + `podman mount`, which is
#     writable; `podman image mount` is not) runs the image's ENTRYPOINT as
#     its USER in its WORKDIR with its ENV, under chroot in a private mount
#     namespace, against the local gateway on 127.0.0.1: populate, then
#     thread and process mode configured by environment only; the CSVs are
#     checked and compared with the uploaded copies.
# Ends with "image-test: N passed, N failed"; exits 1 when anything failed.
#
# Knobs (environment):
#   DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR  Debian and security mirror for the base
#                      images (default: the ones this machine's apt uses)
#   IMAGE_SIZE_LIMIT_MIB the image must be smaller (default 100)
#   IMAGE_STORE_MAX_MIB  past this size, podman's storage drops its unused layers
#                      after the build (default 4096; the next build starts over)
# `rm -rf build/image` drops the cached base images and podman's storage.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP"
WORK=$TOP/build/image
BASE=$WORK/base
IMAGE=localhost/s3bench:image-test
SIZE_LIMIT_MIB=${IMAGE_SIZE_LIMIT_MIB:-100}
STORE_MAX_MIB=${IMAGE_STORE_MAX_MIB:-4096}
SUITE=bookworm
# Its own gateway, state dir and ports, so it never meets the one `make test` uses.
export S3SERVER_DIR=$TOP/build/s3server-image S3SERVER_PORT=17580 S3SERVER_MON_PORT=17579
# podman's storage lives under build/ too: nothing of the machine's own podman
# is touched, and `make clean` removes it all. No systemd or journald here.
PODMAN=(podman --root "$WORK/storage" --runroot "$WORK/run" --storage-driver overlay
        --cgroup-manager cgroupfs --events-backend none)

passed=0 failed=0
ok()     { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
say()    { echo "image-test: $*" >&2; }
die()    { say "$*"; exit 1; }
now()    { date +%s; }

container="" mnt="" server_started=0 TMP=""
finish() {
    local rc=$?
    if [ -n "$mnt" ]; then "${PODMAN[@]}" umount "$container" >/dev/null 2>&1 || true; fi
    if [ -n "$container" ]; then "${PODMAN[@]}" rm -f "$container" >/dev/null 2>&1 || true; fi
    # podman bind-mounts its overlay directory onto itself and may leave that
    # behind (a failed build does), which would make `make clean` fail;
    # the next podman command mounts it again.
    if mountpoint -q "$WORK/storage/overlay" 2>/dev/null; then umount "$WORK/storage/overlay" || true; fi
    if [ "$server_started" = 1 ]; then scripts/s3server.sh stop >/dev/null 2>&1 || true; fi
    [ -z "$TMP" ] || rm -rf "$TMP"
    exit "$rc"
}
trap finish EXIT

# Prints the URI of the Debian suite $1 that this machine's apt uses.
apt_mirror() {
    # shellcheck disable=SC2016  # $(FIELD) is apt's own template syntax
    apt-get indextargets --format '$(RELEASE) $(ORIGIN) $(REPO_URI)' 2>/dev/null |
        awk -v s="$1" '$1 == s && $2 == "Debian" { print $3; exit }'
}

# Sets APT_OPTS, the apt-get options this machine's network needs inside the
# build (a mirror serving frozen Release files needs the Valid-Until and Date
# checks off), and exports apt's proxies as http(s)_proxy, which podman hands
# to RUN steps without recording them in the image.
host_apt_settings() {
    local line key val
    APT_OPTS=""
    while IFS= read -r line; do
        key=${line%%=*} val=${line#*=}
        [[ $val != *[[:space:]]* ]] || { say "ignoring apt setting $key: its value has blanks"; continue; }
        case $key in
            Acquire::http::Proxy) export http_proxy=$val ;;
            Acquire::https::Proxy) export https_proxy=$val ;;
            *) APT_OPTS="$APT_OPTS -o $key=$val" ;;
        esac
    done < <(apt-config dump --format '%f=%v%n' |
             grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy)=.' || true)
    APT_OPTS=${APT_OPTS# }
}

# Writes the sources, apt and dpkg settings of Debian's official images into
# the debootstrap'd root $1 and removes what they do not ship.
configure_rootfs() {
    local root=$1
    rm -f "$root/etc/apt/sources.list"
    cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    # Services never start inside an image build.
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 0755 "$root/usr/sbin/policy-rc.d"
    # Downloaded .debs are dropped after each install, as in the official images.
    cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
        "$root"/var/log/* "$root"/tmp/*
    mkdir -p "$root/var/lib/apt/lists/partial"
}

# The slim variant: documentation, manuals and translations excluded from
# dpkg now and later, except the copyright files (Debian's slim image list).
slimify() {
    local root=$1 p
    local excludes=(/usr/share/doc/'*' /usr/share/groff/'*' /usr/share/info/'*' /usr/share/linda/'*'
                    /usr/share/lintian/overrides/'*' /usr/share/locale/'*' /usr/share/man/'*')
    local includes=(/usr/share/doc/'*'/copyright /usr/share/locale/locale.alias)
    {
        for p in "${excludes[@]}"; do echo "path-exclude $p"; done
        for p in "${includes[@]}"; do echo "path-include $p"; done
    } >"$root/etc/dpkg/dpkg.cfg.d/docker"
    find "$root/usr/share/doc" "$root/usr/share/groff" "$root/usr/share/info" "$root/usr/share/linda" \
         "$root/usr/share/lintian/overrides" "$root/usr/share/locale" "$root/usr/share/man" \
         -mindepth 1 \( -type f -o -type l \) ! -name copyright ! -path '*/usr/share/locale/locale.alias' \
         -delete 2>/dev/null || true
    find "$root/usr/share/doc" "$root/usr/share/locale" "$root/usr/share/man" -mindepth 1 -type d -empty \
         -delete 2>/dev/null || true
}

# Writes the rootfs tarball $2 of directory $1, atomically (a killed run
# leaves no half tarball for the next one to trust).
tar_rootfs() {
    tar --numeric-owner --xattrs --one-file-system -C "$1" -cf "$2.part" . && mv "$2.part" "$2"
}

# Makes the two base images unless their tarballs are cached, and imports them.
base_images() {
    local root=$BASE/rootfs full=$BASE/$SUITE.tar slim=$BASE/$SUITE-slim.tar t0 tag
    mkdir -p "$BASE"
    if [ ! -s "$full" ] || [ ! -s "$slim" ]; then
        t0=$(now)
        say "debootstrap --variant=minbase $SUITE from $MIRROR (cached in $BASE afterwards)"
        rm -rf "$root" "$full" "$slim"
        debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >"$BASE/debootstrap.log" 2>&1 || {
            tail -n 15 "$BASE/debootstrap.log" >&2
            die "debootstrap failed; the whole log is $BASE/debootstrap.log"
        }
        configure_rootfs "$root"
        tar_rootfs "$root" "$full"
        slimify "$root"
        tar_rootfs "$root" "$slim"
        rm -rf "$root"
        # New tarballs: the images imported from the old ones are stale.
        for tag in "$SUITE" "$SUITE-slim"; do
            "${PODMAN[@]}" untag "docker.io/library/debian:$tag" >/dev/null 2>&1 || true
        done
        say "base rootfs tarballs made in $(( $(now) - t0 )) s"
    fi
    for tag in "$SUITE" "$SUITE-slim"; do
        "${PODMAN[@]}" image exists "docker.io/library/debian:$tag" && continue
        "${PODMAN[@]}" import --quiet --change 'CMD ["bash"]' "$BASE/$tag.tar" "docker.io/library/debian:$tag" >/dev/null
    done
}

# Prints field $1 (a jq path) of the built image's config.
image_config() { "${PODMAN[@]}" image inspect "$IMAGE" | jq -r ".[0].Config$1"; }

# Runs the image's ENTRYPOINT with arguments "$@" the way a container runtime
# would: as the image's USER, in its WORKDIR, with its ENV (plus the runtime's
# default PATH when it has none, HOME and HOSTNAME) and the NAME=value pairs
# of the array RUN_ENV, chrooted into its root filesystem in a private mount
# namespace with /proc and the usual /dev nodes. Needs nothing inside the
# image but the binary: the image has no shell. stdout to $TMP/out, stderr to
# $TMP/err; sets rc.
run_image() {
    local env=() e
    while IFS= read -r e; do env+=("$e"); done < <(image_config '.Env // [] | .[]')
    [[ " ${env[*]}" == *" PATH="* ]] || env+=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    env+=("HOME=$HOME_DIR" "HOSTNAME=s3bench-image-test" "${RUN_ENV[@]}")
    rc=0
    # shellcheck disable=SC2016  # the inner shell expands its own arguments
    unshare --mount --propagation private -- bash -c '
        set -e
        root=$1 uid=$2 gid=$3 workdir=$4 nenv=$5; shift 5
        mkdir -p "$root/proc" "$root/dev"    # as a runtime does; the container root is writable
        mount -t proc proc "$root/proc"
        mount -t tmpfs -o mode=0755,size=1m tmpfs "$root/dev"
        for n in null zero full random urandom tty; do
            touch "$root/dev/$n"; mount --bind "/dev/$n" "$root/dev/$n"
        done
        mkdir "$root/dev/shm"; mount -t tmpfs -o mode=1777,size=64m tmpfs "$root/dev/shm"
        exec env -i "${@:1:nenv}" unshare --root="$root" --wd="$workdir" --setgid "$gid" --setuid "$uid" \
            -- "${@:nenv+1}"
    ' run_image "$mnt" "$uid" "$gid" "$WORK_DIR" "${#env[@]}" "${env[@]}" "${ENTRYPOINT[@]}" "$@" \
        >"$TMP/out" 2>"$TMP/err" || rc=$?
}

# --- tools
scripts/need.sh podman debootstrap jq curl python3 util-linux ||
    die "cannot install podman and debootstrap (see above)"
scripts/deps.sh --if-missing    # the local S3 server's packages

mkdir -p "$WORK"
exec 8>"$WORK/lock"
flock -w 1800 8 || die "another image-test holds $WORK/lock"
TMP=$(mktemp -d)
t_start=$(now)

MIRROR=${DEBIAN_MIRROR:-$(apt_mirror "$SUITE")}
MIRROR=${MIRROR:-http://deb.debian.org/debian/}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-$(apt_mirror "$SUITE-security")}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security/}
host_apt_settings

# --- 1. base images
base_images

# --- 2. build
t0=$(now)
say "podman build -f docker/Dockerfile (log: $WORK/build.log)"
if ! "${PODMAN[@]}" build --isolation=chroot --network=host --pull=never \
        --build-arg "APT_OPTS=$APT_OPTS" -f docker/Dockerfile -t "$IMAGE" . >"$WORK/build.log" 2>&1; then
    tail -n 30 "$WORK/build.log"
    not_ok "the image builds" "the whole log is $WORK/build.log"
    echo "image-test: $passed passed, $failed failed"
    exit 1
fi
ok "the image builds (build stage: make and the unit tests) in $(( $(now) - t0 )) s"
grep -E '^runtime packages:' "$WORK/build.log" | sed 's/^/# /' || true

# --- 3. what the image is
# Every build with changed sources leaves layers behind; they are the cache
# of the next build, so they go only when they add up.
if [ "$(du -sm "$WORK/storage" | cut -f1)" -gt "$STORE_MAX_MIB" ]; then
    say "podman's storage is over $STORE_MAX_MIB MiB: dropping unused layers"
    "${PODMAN[@]}" image prune --force >/dev/null || true
fi

size=$("${PODMAN[@]}" image inspect "$IMAGE" | jq -r '.[0].Size')
size_mib=$(( (size + 524287) / 1048576 ))
if [ "$size" -lt $(( SIZE_LIMIT_MIB * 1048576 )) ]; then
    ok "the image is $size_mib MiB uncompressed (limit $SIZE_LIMIT_MIB MiB)"
else
    not_ok "the image is $size_mib MiB uncompressed, at or over the limit of $SIZE_LIMIT_MIB MiB"
fi

user=$(image_config '.User // ""')
mapfile -t ENTRYPOINT < <(image_config '.Entrypoint // [] | .[]')
WORK_DIR=$(image_config '.WorkingDir // "/"')
container=$("${PODMAN[@]}" create --network none "$IMAGE")
mnt=$("${PODMAN[@]}" mount "$container")
uid=${user%%:*} gid=${user#*:}
[ "$gid" != "$user" ] || gid=""
# A name in USER is looked up in the image's own passwd, as a runtime does.
if [[ ! $uid =~ ^[0-9]+$ ]]; then uid=$(awk -F: -v u="$uid" '$1 == u { print $3 }' "$mnt/etc/passwd"); fi
passwd_line=$(awk -F: -v u="$uid" '$3 == u' "$mnt/etc/passwd")
[ -n "$gid" ] || gid=$(cut -d: -f4 <<<"$passwd_line")
HOME_DIR=$(cut -d: -f6 <<<"$passwd_line")
HOME_DIR=${HOME_DIR:-/}
if [ -n "$uid" ] && [ "$uid" != 0 ] && [ -n "$passwd_line" ]; then
    ok "runs as a non-root user (USER $user: $(cut -d: -f1 <<<"$passwd_line"), uid $uid)"
else
    not_ok "runs as a non-root user" "USER is '$user'"
fi
if [ "${ENTRYPOINT[*]}" = /usr/local/bin/s3bench ] && [ -x "$mnt/usr/local/bin/s3bench" ]; then
    ok "ENTRYPOINT is the binary"
else
    not_ok "ENTRYPOINT is the binary" "ENTRYPOINT is '${ENTRYPOINT[*]}'"
fi
leftovers=""
for f in bin/sh usr/bin/apt-get usr/bin/dpkg usr/bin/gcc usr/include usr/share/doc var/lib/apt; do
    [ ! -e "$mnt/$f" ] || leftovers="$leftovers /$f"
done
if [ -z "$leftovers" ] && [ -s "$mnt/etc/ssl/certs/ca-certificates.crt" ]; then
    ok "the image holds CA certificates and no shell, package manager, compiler or headers"
else
    not_ok "the image holds CA certificates and no shell, package manager, compiler or headers" "found:$leftovers"
fi

RUN_ENV=()
run_image --version
if [ "$rc" -eq 0 ] && grep -q . "$TMP/out"; then
    ok "the binary starts in the image: $(head -n 1 "$TMP/out")"
else
    not_ok "the binary starts in the image" "exit $rc" "$(tail -n 3 "$TMP/err")"
fi
RUN_ENV=(BUCKET_NAME=some-bucket)
run_image
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q CONCURRENCY "$TMP/err"; then
    ok "configuration comes from the environment: no CONCURRENCY is one line and exit 2"
else
    not_ok "no CONCURRENCY is one line and exit 2" "exit $rc" "$(head -n 3 "$TMP/err")"
fi

# --- 4. against the local S3 server
if scripts/s3server.sh status >/dev/null 2>&1; then
    say "the local S3 server on port $S3SERVER_PORT is already up; it stays up"
else
    server_started=1
    scripts/s3server.sh start >&2 || die "the local S3 server did not start (logs in $S3SERVER_DIR/log)"
fi
eval "$(scripts/s3server.sh env)"
RUN="img$(date +%s)$$"
SRC=$RUN-src RES=$RUN-res
COUNT=300 SIZE=65536
CREDS=(AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" AWS_REGION="$AWS_REGION"
       AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY")
RUN_ENV=("${CREDS[@]}")
run_image populate --bucket "$SRC" --count "$COUNT" --size "$SIZE" &&
    [ "$rc" -eq 0 ] && run_image populate --bucket "$RES" --count 0 --size 0
if [ "$rc" -eq 0 ]; then
    ok "populate in the image fills s3://$SRC with $COUNT objects of $SIZE bytes"
else
    not_ok "populate in the image" "exit $rc" "$(tail -n 3 "$TMP/err")"
fi
for i in $(seq 0 $((COUNT - 1))); do printf 'obj-%07d\0%s\0' "$i" "$SIZE"; done >"$TMP/expected"

for mode in thread process; do
    c=4
    name="$mode x $c in the image, configured by environment only: CSV right and uploaded"
    csv_name=result_image-test_${mode}_$c.csv
    RUN_ENV=("${CREDS[@]}" BUCKET_NAME="$SRC" RESULT_BUCKET_NAME="$RES" "CONCURRENCY=$c" "MODE=$mode" TAG=image-test)
    run_image
    csv=$mnt$WORK_DIR/$csv_name
    if [ "$rc" -ne 0 ]; then not_ok "$name" "exit $rc" "$(tail -n 3 "$TMP/err")"; continue; fi
    if ! msg=$(python3 test/check_csv.py "$csv" "$TMP/expected"); then not_ok "$name" "$msg"; continue; fi
    if ! curl -sf --noproxy '*' --aws-sigv4 "aws:amz:$AWS_REGION:s3" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
            --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -o "$TMP/back.csv" \
            "$AWS_ENDPOINT_URL/$RES/$csv_name"; then
        not_ok "$name" "cannot download the uploaded $csv_name"; continue
    fi
    if ! cmp -s "$csv" "$TMP/back.csv"; then not_ok "$name" "the uploaded CSV differs from the local one"; continue; fi
    ok "$name ($(grep -o 'time = [0-9.]*' "$csv") s)"
done

say "done in $(( $(now) - t_start )) s"
echo "image-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
