#!/usr/bin/env bash
# Installs Debian's pgjdbc (libpostgresql-jdbc-java) when missing; javac must already be there.
set -euo pipefail
command -v javac >/dev/null || { echo "pgjdbc: javac (a JDK, 17 or later) is not installed" >&2; exit 1; }
[ -f /usr/share/java/postgresql.jar ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "pgjdbc: needs the Debian package libpostgresql-jdbc-java; not root, cannot install it" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q -o DPkg::Lock::Timeout=600 libpostgresql-jdbc-java >&2 || {
    apt-get update -q >&2 && apt-get install -y -q -o DPkg::Lock::Timeout=600 libpostgresql-jdbc-java >&2
} || { echo "pgjdbc: apt-get install libpostgresql-jdbc-java failed" >&2; exit 1; }
