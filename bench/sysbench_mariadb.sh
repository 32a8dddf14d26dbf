#!/usr/bin/env bash
# sysbench through pgbridge on MariaDB against sysbench straight to MariaDB, in one run:
# `oltp_point_select` and `oltp_read_write`, the first with sysbench's `pgsql` driver through a
# RELEASE pgbridge (backend mysql://), the second with its `mysql` driver on the same tables in the
# same database. Prints both rates and the ratio, writes bench/results/sysbench_mariadb.md and
# regenerates docs/performance.md (bench/report.py). Issue target: pgbridge keeps at least 85% of
# direct MariaDB throughput on point selects.
#
#   bench/sysbench_mariadb.sh                     4 threads, 20 s per run, 1 table of 100000 rows
#   THREADS=8 DURATION=60 bench/sysbench_mariadb.sh
#
# MariaDB: PGBRIDGE_MARIADB_URL's host and port (default 127.0.0.1:3306, user root, no password);
# the scratch database pgbridge_sysbench is created and dropped. The tables are made by sysbench's
# pgsql `prepare` through pgbridge, so both drivers read the same rows.
#
# Not a test: scripts/test.sh does not run it. Needs sysbench (Debian's package), the mariadb
# client and python3; builds `cargo build --release --bin pgbridge` (uses CARGO_TARGET_DIR when set)
# unless PGBRIDGE_BIN names a pgbridge binary to run.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

THREADS=${THREADS:-4}
DURATION=${DURATION:-20}
TABLE_SIZE=${TABLE_SIZE:-100000}
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
PGBRIDGE_BIN="${PGBRIDGE_BIN:-}"
RESULTS="$ROOT/bench/results/sysbench_mariadb.md"
DB=pgbridge_sysbench
MARIADB_URL="${PGBRIDGE_MARIADB_URL:-mysql://root@127.0.0.1:3306}"
hostport=${MARIADB_URL#*@}
hostport=${hostport%%/*}
MARIADB_HOST=${hostport%:*}
MARIADB_PORT=${hostport##*:}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgbridge-sysbench.XXXXXX")
PGBRIDGE_PID=""

log() { printf '==> %s\n' "$*" >&2; }

mariadb_sql() { mariadb -h "$MARIADB_HOST" -P "$MARIADB_PORT" -u root -e "$1"; }

cleanup() {
    if [[ -n "$PGBRIDGE_PID" ]]; then
        kill -TERM "$PGBRIDGE_PID" 2>/dev/null || true
        wait "$PGBRIDGE_PID" 2>/dev/null || true
    fi
    mariadb_sql "DROP DATABASE IF EXISTS $DB" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs sysbench; prints "transactions/s queries/s".
run_sysbench() {
    local test=$1
    shift
    local out="$WORK/$test.$1.out"
    sysbench "$test" "$@" --tables=1 --table-size="$TABLE_SIZE" --threads="$THREADS" --time="$DURATION" \
        run >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
    grep -E 'transactions:|queries:|ignored errors:' "$out" >&2
    local tps qps
    tps=$(grep -E '^ +transactions:' "$out" | sed -E 's/.*\(([0-9.]+) per sec.*/\1/')
    qps=$(grep -E '^ +queries:' "$out" | sed -E 's/.*\(([0-9.]+) per sec.*/\1/')
    echo "$tps $qps"
}

main() {
    command -v sysbench >/dev/null || { log "sysbench missing: apt-get install sysbench"; exit 1; }
    if [[ -z "$PGBRIDGE_BIN" ]]; then
        log "cargo build --release --bin pgbridge"
        cargo build --release --bin pgbridge
        PGBRIDGE_BIN="$TARGET_DIR/release/pgbridge"
    fi
    LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
    mariadb_sql "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB"

    local port
    port=$(free_port)
    NO_COLOR=1 "$PGBRIDGE_BIN" --listen "127.0.0.1:$port" \
        --backend "mysql://root@$MARIADB_HOST:$MARIADB_PORT/$DB" --log-level warn,pgbridge=info >"$WORK/pgbridge.log" 2>&1 &
    PGBRIDGE_PID=$!
    local waited=0
    until grep -q "listening on" "$WORK/pgbridge.log"; do
        kill -0 "$PGBRIDGE_PID" 2>/dev/null || { cat "$WORK/pgbridge.log" >&2; exit 1; }
        ((waited++ < 300)) || { log "pgbridge did not start"; exit 1; }
        sleep 0.1
    done

    local via_pgbridge=(--db-driver=pgsql --pgsql-host=127.0.0.1 --pgsql-port="$port" --pgsql-user=postgres --pgsql-db="$DB")
    local direct=(--db-driver=mysql --mysql-host="$MARIADB_HOST" --mysql-port="$MARIADB_PORT" --mysql-user=root --mysql-db="$DB")
    log "sysbench prepare through pgbridge ($TABLE_SIZE rows)"
    sysbench oltp_point_select "${via_pgbridge[@]}" --tables=1 --table-size="$TABLE_SIZE" prepare >"$WORK/prepare.out" 2>&1 ||
        { cat "$WORK/prepare.out" >&2; exit 1; }

    declare -A tps qps
    for test in oltp_point_select oltp_read_write; do
        log "$test through pgbridge (pgsql driver)"
        read -r "tps[$test.pgbridge]" "qps[$test.pgbridge]" < <(run_sysbench "$test" "${via_pgbridge[@]}")
        log "$test straight to MariaDB (mysql driver)"
        read -r "tps[$test.direct]" "qps[$test.direct]" < <(run_sysbench "$test" "${direct[@]}")
    done
    local version
    version=$(mariadb -h "$MARIADB_HOST" -P "$MARIADB_PORT" -u root -N -e 'select version()')

    ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
    local point_ratio rw_ratio
    point_ratio=$(ratio "${tps[oltp_point_select.pgbridge]}" "${tps[oltp_point_select.direct]}")
    rw_ratio=$(ratio "${tps[oltp_read_write.pgbridge]}" "${tps[oltp_read_write.direct]}")
    printf '\noltp_point_select pgbridge/MariaDB: %s\noltp_read_write pgbridge/MariaDB: %s\n' "$point_ratio" "$rw_ratio"

    mkdir -p "$(dirname "$RESULTS")"
    cat >"$RESULTS" <<MD
## sysbench through pgbridge on MariaDB

\`THREADS=$THREADS DURATION=$DURATION TABLE_SIZE=$TABLE_SIZE bench/sysbench_mariadb.sh\`: sysbench's
\`pgsql\` driver through a release pgbridge (backend MariaDB $version), and its \`mysql\` driver
straight to the same MariaDB, on the same table ($TABLE_SIZE rows, made by \`prepare\` through
pgbridge), $THREADS threads, $DURATION s each, one after the other.

| test | pgbridge TPS | pgbridge QPS | MariaDB TPS | MariaDB QPS | pgbridge / MariaDB | target |
|---|---:|---:|---:|---:|---:|---:|
| oltp_point_select | ${tps[oltp_point_select.pgbridge]} | ${qps[oltp_point_select.pgbridge]} | ${tps[oltp_point_select.direct]} | ${qps[oltp_point_select.direct]} | **$point_ratio** | >= 0.85 |
| oltp_read_write | ${tps[oltp_read_write.pgbridge]} | ${qps[oltp_read_write.pgbridge]} | ${tps[oltp_read_write.direct]} | ${qps[oltp_read_write.direct]} | **$rw_ratio** | |

Run $(date -u '+%Y-%m-%d %H:%M UTC') (load average before: $LOAD_BEFORE), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src proxy dialects || echo ' (with uncommitted changes)'), $(nproc) cores, $(sysbench --version).
MD
    log "wrote $RESULTS"
    python3 bench/report.py
}

main "$@"
