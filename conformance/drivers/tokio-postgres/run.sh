#!/usr/bin/env bash
# Runs the tokio-postgres scenario built by setup.sh once against the target named by the
# PGBRIDGE_DRIVER_* variables. JSON step lines go to stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${CARGO_TARGET_DIR:-$here/target}/debug/pgbridge-driver-tokio-postgres
if [ ! -x "$binary" ]; then
    echo '{"step": "connect_trust", "status": "fail", "detail": "the tokio-postgres scenario is not built (run setup.sh)"}'
    exit 1
fi
version=$(grep -A1 '^name = "tokio-postgres"$' "$here/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')
echo "{\"version\": \"tokio-postgres $version\"}"
exec "$binary"
