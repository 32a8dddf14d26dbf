#!/usr/bin/env bash
# Installs pg, pg-cursor and pg-copy-streams (pinned in package-lock.json) into node_modules here.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null; then
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
    else
        echo "node-postgres needs node and npm: apt-get install nodejs npm (as root)" >&2
        exit 1
    fi
fi
if [[ -d node_modules && node_modules/.package-lock.json -nt package-lock.json ]]; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
