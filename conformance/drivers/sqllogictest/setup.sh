#!/usr/bin/env bash
# Installs sqllogictest-bin from crates.io into ${PGBRIDGE_DRIVER_CACHE:-~/.cache/pgbridge-drivers}
# once; later runs find it there and skip the build. A debug build: about 4 minutes on one core of
# a small machine, where the release build took 17 (past run.py's setup time limit); the tool
# only sends queries, so its own speed does not matter.
set -euo pipefail
version=0.29.1
root=${PGBRIDGE_DRIVER_CACHE:-$HOME/.cache/pgbridge-drivers}/sqllogictest
if [ -x "$root/bin/sqllogictest" ] && "$root/bin/sqllogictest" --version 2>/dev/null | grep -q "$version"; then
    exit 0
fi
command -v cargo >/dev/null || { echo "sqllogictest: cargo is not installed (needed for cargo install sqllogictest-bin)" >&2; exit 1; }
CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} CARGO_INCREMENTAL=0 \
    cargo install sqllogictest-bin --version "$version" --locked --debug --root "$root" >&2 ||
    { echo "sqllogictest: cargo install sqllogictest-bin $version failed" >&2; exit 1; }
