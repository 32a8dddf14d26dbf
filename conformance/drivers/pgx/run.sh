#!/usr/bin/env bash
# Builds the pgx scenario (GOPATH mode against Debian's packages) and runs it once against the
# target named by the PGBRIDGE_DRIVER_* variables. JSON step lines go to stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${PGBRIDGE_DRIVER_WORK:-$(mktemp -d)}
mkdir -p "$work"
export GO111MODULE=off GOFLAGS= GOPATH="$work/gopath:/usr/share/gocode"
export GOCACHE=${GOCACHE:-${PGBRIDGE_DRIVER_CACHE:-$HOME/.cache/pgbridge-drivers}/go-build}
if ! go build -o "$work/pgx-scenario" "$here"/*.go >&2; then
    echo '{"step": "connect_trust", "status": "fail", "detail": "the pgx scenario did not compile (see stderr)"}'
    exit 1
fi
echo "{\"version\": \"pgx $(dpkg-query -W -f='${Version}' golang-github-jackc-pgx-v4-dev 2>/dev/null) (Debian, GOPATH mode)\"}"
exec "$work/pgx-scenario"
