#!/usr/bin/env bash
# Installs Go and Debian's pgx v4 (GOPATH mode, no module downloads) when missing.
set -euo pipefail
if [ -d /usr/share/gocode/src/github.com/jackc/pgx/v4 ] && command -v go >/dev/null; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "pgx: needs the Debian packages golang-go golang-github-jackc-pgx-v4-dev; not root, cannot install them" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q -o DPkg::Lock::Timeout=600 golang-go golang-github-jackc-pgx-v4-dev >&2 || {
    apt-get update -q >&2 && apt-get install -y -q -o DPkg::Lock::Timeout=600 golang-go golang-github-jackc-pgx-v4-dev >&2
} || { echo "pgx: apt-get install golang-go golang-github-jackc-pgx-v4-dev failed" >&2; exit 1; }
