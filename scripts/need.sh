#!/usr/bin/env bash
# Makes sure the Debian packages named as arguments are installed: used by
# scripts/deps.sh (the build, the tests, the benchmark) and for the tools
# of `make image-test` and the task-definition checks.
# As root it installs what is missing with apt-get; otherwise it prints the
# exact command and fails. Silent when everything is there.
#   scripts/need.sh PACKAGE...
set -euo pipefail

need=""
for p in "$@"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || need="$need $p"
done
[ -n "$need" ] || exit 0
if [ "$(id -u)" != 0 ]; then
    echo "need: missing Debian packages:$need; run as root: apt-get update && apt-get install -y --no-install-recommends$need" >&2
    exit 1
fi
echo "need: installing:$need" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; an update is cheap next to the install.
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need >&2
