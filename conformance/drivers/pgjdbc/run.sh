#!/usr/bin/env bash
# Compiles the pgjdbc scenario against Debian's jar into the work dir and runs it once against the
# target named by the PGBRIDGE_DRIVER_* variables. JSON step lines go to stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${PGBRIDGE_DRIVER_WORK:-$(mktemp -d)}
jar=/usr/share/java/postgresql.jar
mkdir -p "$work/pgjdbc-classes"
if ! javac -d "$work/pgjdbc-classes" -cp "$jar" "$here"/*.java >&2; then
    echo '{"step": "connect_trust", "status": "fail", "detail": "the pgjdbc scenario did not compile (see stderr)"}'
    exit 1
fi
echo "{\"version\": \"pgjdbc $(dpkg-query -W -f='${Version}' libpostgresql-jdbc-java 2>/dev/null) (Debian)\"}"
exec java -cp "$work/pgjdbc-classes:$jar" Scenario
