#!/usr/bin/env bash
# pgbench select-only, prepared (`pgbench -S -M prepared`) through a RELEASE pgbridge on SQLite
# and against real PostgreSQL on the same machine, in one run. Prints both TPS and the ratio,
# writes bench/results/pgbench.md and regenerates docs/performance.md (bench/report.py).
#
#   bench/pgbench.sh                      4 clients, 2 threads, 20 s, scale 1, 3 rounds
#   CLIENTS=8 DURATION=60 ROUNDS=5 bench/pgbench.sh
#
# The two sides take turns (pgbridge, PostgreSQL, pgbridge, ...) for ROUNDS rounds, and the
# median TPS of each side is compared: on a shared 2-core machine one run moves by 10% and
# more, and taking turns spreads any drift over both sides.
#
# PostgreSQL: 127.0.0.1:5432 (user postgres, trust) when it answers, in a scratch database that
# is dropped afterwards; else a throwaway cluster made with initdb on a free port.
#
# Both sides are initialised the same way, with `pgbench -i -s $SCALE` (COPY FROM STDIN for the
# rows, then VACUUM and the primary keys), through pgbridge on one side.
#
# Not a test: scripts/test.sh does not run it. Needs psql, pgbench and python3; builds
# `cargo build --release --bin pgbridge` (uses CARGO_TARGET_DIR when set) unless PGBRIDGE_BIN names
# a pgbridge binary to run.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CLIENTS=${CLIENTS:-4}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-3}
SCALE=${SCALE:-1}
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
PGBRIDGE_BIN="${PGBRIDGE_BIN:-}"
RESULTS="$ROOT/bench/results/pgbench.md"
BENCH_DB=pgbridge_bench

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgbridge-pgbench.XXXXXX")
chmod 755 "$WORK"
PGBRIDGE_PID=""
PG_PID=""
PG_HOST=127.0.0.1
PG_PORT=5432
PG_OWN_CLUSTER=""

unset PGOPTIONS PGSERVICE PGPASSWORD PGDATABASE PGUSER PGHOST PGPORT

log() { printf '==> %s\n' "$*" >&2; }

cleanup() {
    stop_pgbridge
    if [[ -n "$PG_PID" ]]; then
        kill -TERM "$PG_PID" 2>/dev/null || true
        wait "$PG_PID" 2>/dev/null || true
    elif [[ -z "$PG_OWN_CLUSTER" ]]; then
        psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres \
            -c "DROP DATABASE IF EXISTS $BENCH_DB" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_pgbridge() {
    local waited=0
    NO_COLOR=1 "$PGBRIDGE_BIN" --listen "127.0.0.1:$PGBRIDGE_PORT" --backend "sqlite://$WORK/pgbench.db" \
        --log-level warn,pgbridge=info >>"$WORK/pgbridge.log" 2>&1 &
    PGBRIDGE_PID=$!
    until grep -q "listening on 127.0.0.1:$PGBRIDGE_PORT" "$WORK/pgbridge.log"; do
        kill -0 "$PGBRIDGE_PID" 2>/dev/null || { cat "$WORK/pgbridge.log" >&2; exit 1; }
        ((waited++ < 300)) || { log "pgbridge did not start"; exit 1; }
        sleep 0.1
    done
}

stop_pgbridge() {
    [[ -n "$PGBRIDGE_PID" ]] || return 0
    kill -TERM "$PGBRIDGE_PID" 2>/dev/null || true
    wait "$PGBRIDGE_PID" 2>/dev/null || true
    PGBRIDGE_PID=""
}

init_pgbridge_side() {
    log "pgbridge: pgbench -i -s $SCALE through pgbridge"
    start_pgbridge
    pgbench -i -q -s "$SCALE" -h 127.0.0.1 -p "$PGBRIDGE_PORT" -U postgres test >"$WORK/init.out" 2>&1 ||
        { cat "$WORK/init.out" >&2; exit 1; }
}

pg_answers() {
    psql -X -q -h "$1" -p "$2" -U postgres -d postgres -c 'select 1' >/dev/null 2>&1
}

# A throwaway PostgreSQL cluster, as the postgres user when running as root.
start_own_postgresql() {
    local bin as_pg=()
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
        log "no PostgreSQL server installed; installing Debian's postgresql"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
    fi
    [[ $(id -u) -ne 0 ]] || as_pg=(runuser -u postgres --)
    PG_PORT=$(free_port)
    PG_OWN_CLUSTER=1
    log "PostgreSQL: initdb a throwaway cluster on port $PG_PORT"
    "${as_pg[@]}" "$bin/initdb" -D "$WORK/pgdata" -U postgres -A trust >/dev/null
    "${as_pg[@]}" "$bin/postgres" -D "$WORK/pgdata" -p "$PG_PORT" -k "$WORK" -c listen_addresses=127.0.0.1 \
        >"$WORK/postgres.log" 2>&1 &
    PG_PID=$!
    local waited=0
    until pg_answers "$PG_HOST" "$PG_PORT"; do
        ((waited++ < 300)) || { cat "$WORK/postgres.log" >&2; exit 1; }
        sleep 0.1
    done
}

init_postgresql_side() {
    if pg_answers "$PG_HOST" "$PG_PORT"; then
        log "PostgreSQL: using $PG_HOST:$PG_PORT, scratch database $BENCH_DB"
    else
        start_own_postgresql
    fi
    psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres \
        -c "DROP DATABASE IF EXISTS $BENCH_DB" -c "CREATE DATABASE $BENCH_DB"
    pgbench -i -q -s "$SCALE" -h "$PG_HOST" -p "$PG_PORT" -U postgres "$BENCH_DB" >/dev/null 2>&1
}

# Runs pgbench; prints "tps latency_ms".
run_pgbench() {
    local host=$1 port=$2 db=$3
    local out="$WORK/pgbench.$port.out"
    pgbench -n -S -M prepared -c "$CLIENTS" -j "$THREADS" -T "$DURATION" -h "$host" -p "$port" -U postgres "$db" \
        >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
    cat "$out" >&2
    local tps latency
    tps=$(grep -E '^tps = ' "$out" | head -n1 | awk '{print $3}')
    latency=$(grep -E '^latency average' "$out" | awk '{print $4}')
    echo "$tps $latency"
}

# The median of the numbers given.
median() {
    python3 -c 'import statistics, sys; print(statistics.median(float(a) for a in sys.argv[1:]))' "$@"
}

# The numbers given, rounded, comma-separated.
rounded() {
    python3 -c 'import sys; print(", ".join(f"{float(a):.0f}" for a in sys.argv[1:]))' "$@"
}

main() {
    command -v pgbench >/dev/null || { log "pgbench missing: apt-get install postgresql-client"; exit 1; }
    if [[ -z "$PGBRIDGE_BIN" ]]; then
        log "cargo build --release --bin pgbridge"
        cargo build --release --bin pgbridge
        PGBRIDGE_BIN="$TARGET_DIR/release/pgbridge"
    fi
    PGBRIDGE_PORT=$(free_port)
    LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)

    init_pgbridge_side
    init_postgresql_side
    local pg_version
    pg_version=$(psql -X -At -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -c 'show server_version')

    local bridge_runs=() pg_runs=() bridge_latencies=() pg_latencies=() round tps latency
    for ((round = 1; round <= ROUNDS; round++)); do
        log "round $round/$ROUNDS: pgbench through pgbridge (release, SQLite)"
        read -r tps latency < <(run_pgbench 127.0.0.1 "$PGBRIDGE_PORT" test)
        bridge_runs+=("$tps") bridge_latencies+=("$latency")
        log "round $round/$ROUNDS: pgbench against PostgreSQL $pg_version"
        read -r tps latency < <(run_pgbench "$PG_HOST" "$PG_PORT" "$BENCH_DB")
        pg_runs+=("$tps") pg_latencies+=("$latency")
    done

    local bridge_tps pg_tps bridge_latency pg_latency ratio
    bridge_tps=$(median "${bridge_runs[@]}")
    pg_tps=$(median "${pg_runs[@]}")
    bridge_latency=$(median "${bridge_latencies[@]}")
    pg_latency=$(median "${pg_latencies[@]}")
    ratio=$(python3 -c "print(f'{$bridge_tps / $pg_tps:.2f}')")
    printf '\npgbridge TPS (median of %s): %s   runs: %s\n' "$ROUNDS" "$bridge_tps" "${bridge_runs[*]}"
    printf 'PostgreSQL TPS (median of %s): %s   runs: %s\npgbridge/PostgreSQL: %s\n' \
        "$ROUNDS" "$pg_tps" "${pg_runs[*]}" "$ratio"

    mkdir -p "$(dirname "$RESULTS")"
    cat >"$RESULTS" <<EOF
## pgbench select-only, prepared

\`CLIENTS=$CLIENTS THREADS=$THREADS DURATION=$DURATION SCALE=$SCALE ROUNDS=$ROUNDS bench/pgbench.sh\`, which runs
\`pgbench -n -S -M prepared -c $CLIENTS -j $THREADS -T $DURATION\` on scale $SCALE ($((SCALE * 100000)) accounts),
through pgbridge and against PostgreSQL in turn, $ROUNDS rounds each, on the same machine.
Median of the rounds; every round's TPS in the last column.

| target | TPS (median) | average latency (ms, median) | TPS of each round |
|---|---:|---:|---|
| pgbridge (release) on SQLite | $(printf '%.0f' "$bridge_tps") | $bridge_latency | $(rounded "${bridge_runs[@]}") |
| PostgreSQL $pg_version | $(printf '%.0f' "$pg_tps") | $pg_latency | $(rounded "${pg_runs[@]}") |

pgbridge / PostgreSQL throughput: **$ratio**

Both sides were initialised with \`pgbench -i -s $SCALE\` (through pgbridge on its side).

Run $(date -u '+%Y-%m-%d %H:%M UTC') (load average before: $LOAD_BEFORE), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src proxy dialects || echo ' (with uncommitted changes)'), $(nproc) cores, pgbench $(pgbench --version | awk '{print $3}').
EOF
    log "wrote $RESULTS"
    python3 bench/report.py
}

main "$@"
