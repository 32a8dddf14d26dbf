#!/usr/bin/env bash
# Installs psql (Debian's postgresql-client) when missing.
set -euo pipefail
command -v psql >/dev/null && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "psql: needs the Debian package postgresql-client; not root, cannot install it" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q -o DPkg::Lock::Timeout=600 postgresql-client >&2 || {
    apt-get update -q >&2 && apt-get install -y -q -o DPkg::Lock::Timeout=600 postgresql-client >&2
} || { echo "psql: apt-get install postgresql-client failed" >&2; exit 1; }
