#!/usr/bin/env bash
# Builds the tokio-postgres scenario (its own Cargo project, dependencies from crates.io) into
# ${CARGO_TARGET_DIR:-<this dir>/target}. One build job: the machines this runs on are small.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v cargo >/dev/null || { echo "tokio-postgres: cargo (Rust 1.89 or later) is not installed" >&2; exit 1; }
cd "$here"
CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} CARGO_INCREMENTAL=0 \
    CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$here/target} cargo build --locked --quiet >&2 ||
    { echo "tokio-postgres: cargo build of the scenario failed" >&2; exit 1; }
