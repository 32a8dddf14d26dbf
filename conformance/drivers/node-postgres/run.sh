#!/usr/bin/env bash
# Runs the node-postgres scenario once against the target the runner describes in PGBRIDGE_DRIVER_*.
set -euo pipefail
cd "$(dirname "$0")"
exec node scenario.mjs
