#!/usr/bin/env bash
# The test command of pgbridge.
#
#   scripts/test.sh                 cargo tests, then every conformance suite
#   scripts/test.sh psql            only the named conformance suites (after the cargo tests)
#   SKIP_CARGO_TEST=1 scripts/test.sh psycopg
#                                   conformance suites only (for quick iteration, never in CI)
#   scripts/test.sh differential    only the differential harness (after the cargo tests)
#
# Works on a fresh Debian 12 machine, as root or as a normal user, with the Rust toolchain on
# PATH. It installs what it needs when missing: Debian's postgresql-client (psql, pgbench; as
# root, or through passwordless sudo) and a Python venv at .venv with psycopg and pytest from
# PyPI. Then it runs `cargo test --workspace` (features observers, arrow and mssql), builds the debug binary, and runs each suite
# against its own pgbridge (a temporary SQLite file, a free port chosen by the kernel), which it
# stops afterwards. It exits non-zero if anything failed; every suite runs even after a failure.
#
# Suites are functions named suite_<name>, listed in SUITES: to add one (COPY, auth/TLS, psql \d),
# write the function and add its name. The `drivers` suite is the driver matrix
# (conformance/drivers): it regenerates docs/compatibility.md and needs node/npm for node-postgres.
# The `flight` suite (conformance/flight) starts pgbridge with --flight-listen too and installs
# ADBC's Flight SQL driver, pyarrow and pandas into .venv on first use.
#
# The cargo tests of the MySQL backend (tests/mysql.rs, tests/mysql_catalog.rs) need a real
# MariaDB too: the one found or started as for the harness below, exported as
# PGBRIDGE_MARIADB_URL. The SQL Server backend's (tests/mssql_emulator.rs) start the pysqlbridge
# T-SQL emulator from .venv (PGBRIDGE_PYSQLBRIDGE_PYTHON) and must run
# (PGBRIDGE_REQUIRE_MSSQL_EMULATOR=1); tests/mssql_server.rs runs only with PGBRIDGE_MSSQL_URL.
#
# The differential harness (conformance/differential) runs after the cargo tests and regenerates
# docs/dialect-report.md. It needs a real PostgreSQL (the oracle) and a real MariaDB: the ones at
# PGBRIDGE_ORACLE_URL / PGBRIDGE_MARIADB_URL (defaults: host=127.0.0.1 port=5432 user=postgres
# dbname=test, mysql://root@127.0.0.1:3306) when they answer; otherwise, or always with
# PGBRIDGE_START_OWN_SERVERS=1, it starts its own on free ports (installing Debian's postgresql /
# mariadb-server when missing) and stops them at exit.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SUITES=(psycopg psql flight drivers)
# Suites that start their own pgbridge processes (run_suite does not start one for them).
SELF_STARTING_SUITES=(drivers)
VENV="$ROOT/.venv"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
PGBRIDGE_BIN="$TARGET_DIR/debug/pgbridge"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgbridge-test.XXXXXX")
PGBRIDGE_PID=""
PGBRIDGE_LOG=""
PGBRIDGE_DSN=""
PGBRIDGE_FLIGHT_URI=""
FAILED=()

# Settings from the caller's environment that would change what libpq clients send.
unset PGOPTIONS PGSERVICE PGSERVICEFILE PGPASSWORD PGSSLMODE PGDATABASE PGUSER PGHOST PGPORT

log() { printf '\n==> %s\n' "$*"; }
warn() { printf '==> %s\n' "$*" >&2; }

cleanup() {
    stop_pgbridge
    stop_own_servers
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

apt_install() {
    log "installing Debian packages: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# psql and pgbench from Debian's postgresql-client.
ensure_postgresql_client() {
    if command -v psql >/dev/null && command -v pgbench >/dev/null; then
        return 0
    fi
    if ! apt_install postgresql-client; then
        warn "psql/pgbench missing and cannot install postgresql-client (not root, no passwordless sudo)."
        warn "Install it with: sudo apt-get install postgresql-client"
        return 1
    fi
}

# .venv with psycopg 3 and pytest, aiosmtpd (the SMTP sink of tests/observer_targets.rs) and
# pysqlbridge (the T-SQL emulator of tests/mssql_emulator.rs).
ensure_python_venv() {
    if [[ ! -x "$VENV/bin/python" ]]; then
        log "creating Python venv at $VENV"
        if ! python3 -m venv "$VENV"; then
            # Debian's python3 ships venv without ensurepip.
            rm -rf "$VENV"
            apt_install python3-venv || {
                warn "python3 -m venv failed; install python3-venv"
                return 1
            }
            python3 -m venv "$VENV" || return 1
        fi
    fi
    if ! "$VENV/bin/python" -c 'import psycopg, pytest, aiosmtpd, pysqlbridge' 2>/dev/null; then
        log "installing psycopg, pytest, aiosmtpd and pysqlbridge into $VENV"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            -r conformance/psycopg/requirements.txt -r tests/smtp/requirements.txt \
            -r tests/mssql/requirements.txt || return 1
    fi
}

# The MySQL backend's cargo tests (tests/mysql.rs) run against the MariaDB found or started
# here: with PGBRIDGE_MARIADB_URL exported they fail, rather than skip, when it does not answer.
run_cargo_tests() {
    if [[ "${PGBRIDGE_START_OWN_SERVERS:-}" != 1 ]] && mariadb_answers; then
        echo "MariaDB for the cargo tests: $MARIADB_URL"
    else
        log "starting an own MariaDB for the cargo tests"
        start_own_mariadb || warn "no MariaDB: tests/mysql.rs will fail"
    fi
    export PGBRIDGE_MARIADB_URL="$MARIADB_URL"
    export PGBRIDGE_PYSQLBRIDGE_PYTHON="$VENV/bin/python" PGBRIDGE_REQUIRE_MSSQL_EMULATOR=1
    log "cargo test --workspace --features pgbridge/observers,pgbridge/arrow,pgbridge/mssql --no-fail-fast (PGBRIDGE_MARIADB_URL=$PGBRIDGE_MARIADB_URL)"
    cargo test --workspace --features pgbridge/observers,pgbridge/arrow,pgbridge/mssql --no-fail-fast
}

build_pgbridge() {
    log "cargo build --bin pgbridge --features observers,arrow (debug)"
    cargo build --bin pgbridge --features observers,arrow && [[ -x "$PGBRIDGE_BIN" ]]
}

# Starts pgbridge on a free port (port 0: the kernel picks it, no race) with a new SQLite file,
# and sets PGBRIDGE_DSN once it logs `listening on HOST:PORT`.
start_pgbridge() {
    local name=$1 address="" waited=0 extra=()
    # The flight suite also needs the Arrow Flight SQL listener (PGBRIDGE_FLIGHT_URI).
    [[ "$name" == flight ]] && extra=(--flight-listen 127.0.0.1:0)
    PGBRIDGE_LOG="$WORK/$name.pgbridge.log"
    NO_COLOR=1 "$PGBRIDGE_BIN" --listen 127.0.0.1:0 --backend "sqlite://$WORK/$name.db" \
        "${extra[@]}" >"$PGBRIDGE_LOG" 2>&1 &
    PGBRIDGE_PID=$!
    while [[ -z "$address" ]]; do
        if ! kill -0 "$PGBRIDGE_PID" 2>/dev/null; then
            warn "pgbridge exited during startup:"
            cat "$PGBRIDGE_LOG" >&2
            PGBRIDGE_PID=""
            return 1
        fi
        if ((waited >= 300)); then
            warn "pgbridge did not log 'listening on' within 30 s"
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
        address=$(grep -oE 'listening on [0-9.]+:[0-9]+' "$PGBRIDGE_LOG" | head -n1 | cut -d' ' -f3 || true)
    done
    PGBRIDGE_DSN="host=${address%:*} port=${address##*:} user=postgres dbname=test connect_timeout=10"
    if ((${#extra[@]})); then
        local flight_address=""
        while [[ -z "$flight_address" ]]; do
            if ((waited >= 300)); then
                warn "pgbridge did not log 'flight listening on' within 30 s"
                return 1
            fi
            flight_address=$(grep -oE 'flight listening on [0-9.]+:[0-9]+' "$PGBRIDGE_LOG" | head -n1 | cut -d' ' -f4 || true)
            [[ -n "$flight_address" ]] || sleep 0.1
            waited=$((waited + 1))
        done
        PGBRIDGE_FLIGHT_URI="grpc://$flight_address"
        echo "Arrow Flight SQL on $PGBRIDGE_FLIGHT_URI"
    fi
    echo "pgbridge pid $PGBRIDGE_PID listening on $address (log $PGBRIDGE_LOG)"
}

# Stops pgbridge with SIGTERM (SIGKILL after 15 s). Fails if it had already died.
stop_pgbridge() {
    [[ -n "$PGBRIDGE_PID" ]] || return 0
    local pid=$PGBRIDGE_PID status=0 waited=0
    PGBRIDGE_PID=""
    if ! kill -0 "$pid" 2>/dev/null; then
        warn "pgbridge (pid $pid) died while the suite ran; last log lines:"
        tail -n 30 "$PGBRIDGE_LOG" >&2
        return 1
    fi
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null && ((waited < 150)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        warn "pgbridge did not stop on SIGTERM within 15 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        status=1
    fi
    wait "$pid" 2>/dev/null || true
    return "$status"
}

# ---------------------------------------------------------------------------------------------
# differential harness: real PostgreSQL and MariaDB, found or started here
# ---------------------------------------------------------------------------------------------

ORACLE_URL="${PGBRIDGE_ORACLE_URL:-host=127.0.0.1 port=5432 user=postgres dbname=test}"
MARIADB_URL="${PGBRIDGE_MARIADB_URL:-mysql://root@127.0.0.1:3306}"
OWN_POSTGRES_PID=""
OWN_POSTGRES_DIR=""
OWN_MARIADB_PID=""

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

oracle_answers() {
    psql -X -Atq "$ORACLE_URL connect_timeout=5" -c 'SELECT 1' >/dev/null 2>&1
}

# True when something accepts TCP connections at the host and port of MARIADB_URL.
mariadb_answers() {
    local rest=${MARIADB_URL#*://} host port
    rest=${rest#*@}
    rest=${rest%%/*}
    host=${rest%%:*}
    port=3306
    [[ "$rest" == *:* ]] && port=${rest##*:}
    timeout 5 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

# PostgreSQL from initdb on a free port, as user postgres when running as root.
start_own_postgres() {
    local bin port waited=0
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    if [[ ! -x "$bin/initdb" ]]; then
        apt_install postgresql || return 1
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
    fi
    port=$(free_port)
    OWN_POSTGRES_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pgbridge-oracle.XXXXXX")
    local run=()
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres "$OWN_POSTGRES_DIR"
        run=(runuser -u postgres --)
    fi
    "${run[@]}" "$bin/initdb" -D "$OWN_POSTGRES_DIR/data" -U postgres -A trust >"$OWN_POSTGRES_DIR/initdb.log" 2>&1 || {
        cat "$OWN_POSTGRES_DIR/initdb.log" >&2
        return 1
    }
    "${run[@]}" "$bin/postgres" -D "$OWN_POSTGRES_DIR/data" -p "$port" -k "$OWN_POSTGRES_DIR" \
        -c listen_addresses=127.0.0.1 >"$OWN_POSTGRES_DIR/postgres.log" 2>&1 &
    OWN_POSTGRES_PID=$!
    until psql -X -Atq "host=127.0.0.1 port=$port user=postgres dbname=postgres" -c 'SELECT 1' >/dev/null 2>&1; do
        if ! kill -0 "$OWN_POSTGRES_PID" 2>/dev/null || ((waited >= 300)); then
            warn "PostgreSQL did not start:"
            cat "$OWN_POSTGRES_DIR/postgres.log" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    psql -X -q "host=127.0.0.1 port=$port user=postgres dbname=postgres" -c 'CREATE DATABASE test' || return 1
    ORACLE_URL="host=127.0.0.1 port=$port user=postgres dbname=test"
    echo "own PostgreSQL pid $OWN_POSTGRES_PID on port $port"
}

# MariaDB from mariadb-install-db on a free port; root without a password, as the default URL.
start_own_mariadb() {
    local port data waited=0
    if ! command -v mariadb-install-db >/dev/null || [[ ! -x /usr/sbin/mariadbd ]]; then
        apt_install mariadb-server || return 1
    fi
    port=$(free_port)
    data="$WORK/mariadb"
    mkdir -p "$data"
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$data/data" \
        --auth-root-authentication-method=normal \
        >"$data/install.log" 2>&1 || {
        cat "$data/install.log" >&2
        return 1
    }
    /usr/sbin/mariadbd --no-defaults --user="$(id -un)" --datadir="$data/data" --socket="$data/mariadb.sock" \
        --port="$port" --bind-address=127.0.0.1 --pid-file="$data/mariadb.pid" >"$data/mariadbd.log" 2>&1 &
    OWN_MARIADB_PID=$!
    MARIADB_URL="mysql://root@127.0.0.1:$port"
    until mariadb_answers; do
        if ! kill -0 "$OWN_MARIADB_PID" 2>/dev/null || ((waited >= 300)); then
            warn "MariaDB did not start:"
            cat "$data/mariadbd.log" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    echo "own MariaDB pid $OWN_MARIADB_PID on port $port"
}

stop_own_servers() {
    local pid
    for pid in $OWN_POSTGRES_PID $OWN_MARIADB_PID; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    OWN_POSTGRES_PID=""
    OWN_MARIADB_PID=""
    [[ -z "$OWN_POSTGRES_DIR" ]] || rm -rf "$OWN_POSTGRES_DIR"
    OWN_POSTGRES_DIR=""
}

ensure_oracle_servers() {
    if [[ "${PGBRIDGE_START_OWN_SERVERS:-}" != 1 ]] && oracle_answers; then
        echo "PostgreSQL (oracle): $ORACLE_URL"
    else
        log "starting an own PostgreSQL"
        start_own_postgres || return 1
    fi
    if [[ -n "$OWN_MARIADB_PID" ]] || { [[ "${PGBRIDGE_START_OWN_SERVERS:-}" != 1 ]] && mariadb_answers; }; then
        echo "MariaDB: $MARIADB_URL"
    else
        log "starting an own MariaDB"
        start_own_mariadb || return 1
    fi
}

# Runs every case file on PostgreSQL, pgbridge over SQLite and MariaDB; writes the report.
run_differential() {
    log "differential harness (conformance/differential) -> docs/dialect-report.md"
    cargo build -p pgbridge-differential || return 1
    PGBRIDGE_ORACLE_URL="$ORACLE_URL" PGBRIDGE_MARIADB_URL="$MARIADB_URL" timeout 1800 \
        "$TARGET_DIR/debug/pgbridge-differential" --report docs/dialect-report.md
}

# ---------------------------------------------------------------------------------------------
# conformance suites: each runs with PGBRIDGE_DSN pointing at a fresh pgbridge
# ---------------------------------------------------------------------------------------------

suite_psycopg() {
    local status=0
    PGBRIDGE_DSN="$PGBRIDGE_DSN" timeout 1200 "$VENV/bin/python" -m pytest -p no:cacheprovider \
        -o console_output_style=classic -rfEX conformance/psycopg || status=$?
    # 5 means pytest collected no test: this suite always has tests, so that is a failure too.
    if ((status == 5)); then
        warn "pytest collected no test from conformance/psycopg"
    fi
    return "$status"
}

# Arrow Flight SQL with ADBC's Flight SQL driver and pyarrow.flight (conformance/flight); their
# wheels from PyPI go into the venv on first use.
suite_flight() {
    local status=0
    if ! "$VENV/bin/python" -c 'import adbc_driver_flightsql, adbc_driver_manager, pyarrow, pandas' 2>/dev/null; then
        log "installing ADBC Flight SQL, pyarrow and pandas into $VENV"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            -r conformance/flight/requirements.txt || return 1
    fi
    PGBRIDGE_DSN="$PGBRIDGE_DSN" PGBRIDGE_FLIGHT_URI="$PGBRIDGE_FLIGHT_URI" timeout 600 \
        "$VENV/bin/python" -m pytest -p no:cacheprovider -o console_output_style=classic -rfEX \
        conformance/flight || status=$?
    if ((status == 5)); then
        warn "pytest collected no test from conformance/flight"
    fi
    return "$status"
}

# psql's output of scenario.sql must equal scenario.expected (real PostgreSQL's output). Known
# pgbridge differences are kept, strictly, in scenario.known.diff: the suite is an expected failure
# while the diff is exactly that file, and fails when it changes (a fix: shrink the file with
# `diff -u --label scenario.expected --label pgbridge ...`, or delete it once the diff is empty).
suite_psql() {
    local dir=conformance/psql actual="$WORK/psql.actual" status=0
    timeout 300 psql -X -v ON_ERROR_STOP=0 -a "$PGBRIDGE_DSN" <"$dir/scenario.sql" >"$actual" 2>&1 || status=$?
    if ((status != 0)); then
        warn "psql exited with $status"
        echo "psql: 0 passed, 1 failed"
        return 1
    fi
    diff -u --label scenario.expected --label pgbridge "$dir/scenario.expected" "$actual" >"$WORK/psql.diff" || true
    if [[ ! -s "$WORK/psql.diff" && ! -e "$dir/scenario.known.diff" ]]; then
        echo "psql: 1 passed, 0 failed"
        return 0
    elif [[ ! -s "$WORK/psql.diff" ]]; then
        echo "psql scenario now matches PostgreSQL: delete $dir/scenario.known.diff"
    elif [[ -e "$dir/scenario.known.diff" ]] && cmp -s "$dir/scenario.known.diff" "$WORK/psql.diff"; then
        echo "psql scenario differs from PostgreSQL only as known ($dir/scenario.known.diff):"
        cat "$WORK/psql.diff"
        # Not in the "N passed, N failed" form: an expected failure is not a passed test.
        echo "psql scenario: expected failure (xfail), differences as known"
        return 0
    else
        echo "psql scenario differs from PostgreSQL (known differences: $dir/scenario.known.diff):"
        cat "$WORK/psql.diff"
    fi
    echo "psql: 0 passed, 1 failed"
    return 1
}

# The driver matrix (conformance/drivers/README.md): psycopg, psycopg2, asyncpg, SQLAlchemy,
# node-postgres (and the clients of other languages there) against pgbridge on SQLite, which the
# runner starts itself (trust, md5, SCRAM + TLS), and against the reference PostgreSQL (found, or
# started here). Regenerates docs/compatibility.md; fails when a step in
# conformance/drivers/baseline.json no longer passes.
suite_drivers() {
    if ! oracle_answers; then
        log "starting an own PostgreSQL for the reference column"
        start_own_postgres || warn "no reference PostgreSQL: the matrix will have the sqlite column only"
    fi
    timeout 1800 python3 conformance/drivers/run.py --pgbridge "$PGBRIDGE_BIN" --reference "$ORACLE_URL"
}

run_suite() {
    local name=$1 status=0
    log "conformance suite: $name"
    if [[ " ${SELF_STARTING_SUITES[*]} " == *" $name "* ]]; then
        "suite_$name"
        return
    fi
    start_pgbridge "$name" || return 1
    "suite_$name" || status=$?
    stop_pgbridge || status=1
    return "$status"
}

main() {
    local suites=() differential=""
    for name in "$@"; do
        if [[ "$name" == differential ]]; then
            differential=1
        else
            suites+=("$name")
        fi
    done
    if ((!$#)); then
        suites=("${SUITES[@]}")
        differential=1
    fi
    for name in "${suites[@]}"; do
        declare -F "suite_$name" >/dev/null || {
            warn "unknown suite '$name' (known: ${SUITES[*]})"
            exit 2
        }
    done

    scripts/ensure-build-deps.sh || FAILED+=("install libclang")
    ensure_postgresql_client || FAILED+=("install postgresql-client")
    ensure_python_venv || FAILED+=("python venv")

    # The real PostgreSQL (the oracle) and MariaDB, for the cargo tests that compare with them
    # and for the differential harness.
    if ensure_oracle_servers; then
        export PGBRIDGE_ORACLE_URL="$ORACLE_URL" PGBRIDGE_MARIADB_URL="$MARIADB_URL"
    else
        FAILED+=("oracle servers")
    fi

    if [[ -z "${SKIP_CARGO_TEST:-}" ]]; then
        run_cargo_tests || FAILED+=("cargo test")
    fi

    if [[ -n "$differential" ]]; then
        run_differential || FAILED+=("differential harness")
    fi

    if ((${#suites[@]} == 0)); then
        :
    elif build_pgbridge; then
        for name in "${suites[@]}"; do
            run_suite "$name" || FAILED+=("suite $name")
        done
    else
        FAILED+=("cargo build")
    fi

    if ((${#FAILED[@]})); then
        log "FAILED: ${FAILED[*]}"
        exit 1
    fi
    log "all passed${SKIP_CARGO_TEST:+ (cargo test skipped)}: suites ${suites[*]:-none}${differential:+, differential harness}"
}

main "$@"
