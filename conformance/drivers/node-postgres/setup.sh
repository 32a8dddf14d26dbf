#!/usr/bin/env bash
# Installs pg, pg-cursor and pg-copy-streams (pinned in package-lock.json) into node_modules here.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null; then
    echo "node-postgres needs node and npm (Debian: apt-get install nodejs npm)" >&2
    exit 1
fi
if [[ -d node_modules && node_modules/.package-lock.json -nt package-lock.json ]]; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
