#!/usr/bin/env bash
# The local MinIO stack of docker/docker-compose.yml, for `make minio-up`,
# `make minio-down` and `make run-minio`. Needs Docker with the compose
# plugin and a running engine; without them it fails with one line.
#   scripts/minio.sh up      start MinIO, create the buckets, fill the source
#   scripts/minio.sh down    stop and remove the containers (the data volume stays)
#   scripts/minio.sh run [ARG...]
#                            `up`, then the benchmark (CONCURRENCY, MODE, TAG from
#                            the environment or docker/.env; ARGs go to s3bench);
#                            its CSV lands in build/minio/
# DOCKER names the docker program (default docker).
set -euo pipefail
cd "$(dirname "$0")/.."
DOCKER=${DOCKER:-docker}
compose=("$DOCKER" compose --env-file docker/.env -f docker/docker-compose.yml)

die() { echo "minio: $*" >&2; exit 1; }

command -v "$DOCKER" >/dev/null 2>&1 ||
    die "'$DOCKER' not found: this needs Docker with the compose plugin and a running engine"
"$DOCKER" compose version >/dev/null 2>&1 ||
    die "'$DOCKER compose' does not work: install the Docker Compose plugin (docker-compose-plugin)"
"$DOCKER" info >/dev/null 2>&1 ||
    die "no Docker engine answers ('$DOCKER info' fails): start Docker, or check DOCKER_HOST"
[ -r docker/.env ] || die "docker/.env is missing: cp docker/.env.example docker/.env (make does this)"

# The MinIO port, as docker/.env or the environment sets it.
port() {
    local v
    v=$(sed -n "s/^$1=//p" docker/.env | tail -n 1)
    echo "${!1:-${v:-$2}}"
}

up() {
    "${compose[@]}" up -d minio
    "${compose[@]}" run --rm init
    echo "minio: S3 at http://127.0.0.1:$(port MINIO_PORT 9000), console at" \
         "http://127.0.0.1:$(port MINIO_CONSOLE_PORT 9001) (credentials in docker/.env)" >&2
}

case ${1:-} in
    up) up ;;
    down) "${compose[@]}" down ;;
    run)
        shift
        up
        mkdir -p build/minio
        # As the calling user, so the CSV in build/minio/ is theirs; the image
        # needs no passwd entry for that.
        "${compose[@]}" run --rm --no-deps --user "$(id -u):$(id -g)" \
            -v "$PWD/build/minio:/out" bench --out-dir /out "$@"
        echo "minio: the result CSV is in build/minio/ and in the result bucket" >&2
        ;;
    *) echo "usage: $0 up|down|run [ARG...]" >&2; exit 2 ;;
esac
