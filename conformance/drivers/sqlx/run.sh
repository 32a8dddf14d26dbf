#!/usr/bin/env bash
# Runs the sqlx scenario built by setup.sh once against the target named by the
# PGBRIDGE_DRIVER_* variables. JSON step lines go to stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${CARGO_TARGET_DIR:-$here/../tokio-postgres/target}/debug/pgbridge-driver-sqlx
if [ ! -x "$binary" ]; then
    echo '{"step": "connect_trust", "status": "fail", "detail": "the sqlx scenario is not built (run setup.sh)"}'
    exit 1
fi
version=$(grep -A1 '^name = "sqlx"$' "$here/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')
echo "{\"version\": \"sqlx $version\"}"
exec "$binary"
