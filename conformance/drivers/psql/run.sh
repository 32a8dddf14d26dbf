#!/usr/bin/env bash
# The driver conformance scenario for psql, run by conformance/drivers/run.py once per target.
# Each step file in steps/ runs through `psql -X -a` (echoing its input, errors as bare SQLSTATEs)
# and its output is compared with a golden file:
#   expected/<step>.out            PostgreSQL's output, the same for every target;
#   expected/<target>/<step>.out   only for steps whose honest answer depends on the server
#                                  (PER_TARGET: \l and \dn show owners, locales, providers).
# Before comparing, the table prefix, work dir, database and user become @PREFIX@, @WORK@,
# @DATABASE@, @USER@ (and the database's owner in \l @OWNER@), and runs of spaces and of dashes
# become one, so that the length of those names does not change psql's column widths in the
# comparison.
#
#   run.sh            run once, print one JSON line per step
#   run.sh --update   also write the golden files for this target (PostgreSQL: the shared ones;
#                     any target: its PER_TARGET ones). Review them before committing.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
update=false
[[ ${1:-} == --update ]] && update=true
work=${PGBRIDGE_DRIVER_WORK:-$(mktemp -d)}
mkdir -p "$work"
prefix=${PGBRIDGE_DRIVER_TABLE_PREFIX:-psql_}
target=${PGBRIDGE_DRIVER_TARGET:-unknown}
dsn=$PGBRIDGE_DRIVER_DSN
database=${PGBRIDGE_DRIVER_DATABASE:-}
user=${PGBRIDGE_DRIVER_USER:-}
PER_TARGET=" list_databases list_schemas "
export PGCONNECT_TIMEOUT=20 PGOPTIONS= PGTZ=UTC

# report STEP STATUS DETAIL: one JSON line.
report() {
    python3 -c 'import json, sys; print(json.dumps({"step": sys.argv[1], "status": sys.argv[2], "detail": sys.argv[3]}))' "$@"
}

# sql_for STEP: the step file with its placeholders filled in.
sql_for() {
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@WORK@|$work|g" -e "s|@DATABASE@|$database|g" "$here/steps/$1.sql"
}

# normalize: names back to placeholders, runs of spaces and of dashes to one.
normalize() {
    local sed_args=(-e "s|$work|@WORK@|g" -e "s|$prefix|@PREFIX@|g")
    [[ -n $database ]] && sed_args+=(-e "s|\\b$database\\b|@DATABASE@|g")
    [[ -n $user ]] && sed_args+=(-e "s|\\b$user\\b|@USER@|g")
    # The owner of the database in \l is whoever created it on that machine.
    sed "${sed_args[@]}" -e 's/  */ /g' -e 's/--*/-/g' -e 's/^ @DATABASE@ | [^|]* |/ @DATABASE@ | @OWNER@ |/'
}

# golden STEP: run a step file and compare its output with the golden one.
golden() {
    local step=$1 expected
    local actual="$work/psql-$step.out"
    sql_for "$step" | psql -X -a -v ON_ERROR_STOP=0 -v VERBOSITY=sqlstate "$dsn" 2>&1 | normalize >"$actual"
    if [[ $PER_TARGET == *" $step "* ]]; then
        expected="$here/expected/$target/$step.out"
    else
        expected="$here/expected/$step.out"
    fi
    if $update && { [[ $target == postgresql ]] || [[ $PER_TARGET == *" $step "* ]]; }; then
        mkdir -p "$(dirname "$expected")"
        cp "$actual" "$expected"
    fi
    if [[ ! -f $expected ]]; then
        report "$step" fail "no golden file ${expected#"$here"/} (run.sh --update against this target, then review it)"
    elif diff -q "$expected" "$actual" >/dev/null; then
        report "$step" pass ""
    else
        report "$step" fail "output differs from ${expected#"$here"/}: $(diff -U1 "$expected" "$actual" | tail -n +3 | head -n 40)"
    fi
}

# query DSN SQL: one unaligned, tuples-only answer (stderr folded in).
query() {
    psql -X -At -v ON_ERROR_STOP=1 "$1" -c "$2" 2>&1
}

connect_trust() {
    local answer
    answer=$(query "$dsn" "select 1")
    if [[ $answer == 1 ]]; then report connect_trust pass ""; else report connect_trust fail "select 1 gave: $answer"; fi
}

# password_auth STEP VARIABLE: log in with the DSN, then check a wrong password is refused.
password_auth() {
    local step=$1 variable=$2 answer wrong
    local password_dsn=${!variable:-}
    if [[ -z $password_dsn ]]; then
        report "$step" n/a "$variable not provided by the runner for this target"
        return
    fi
    answer=$(query "$password_dsn" "select 1")
    if [[ $answer != 1 ]]; then
        report "$step" fail "select 1 gave: $answer"
        return
    fi
    # The password is the part of user:password@ in the URL; append to it.
    wrong=$(PGPASSWORD= query "$(sed -E 's|^(postgres(ql)?://[^:@/]+:[^@]*)@|\1-wrong@|' <<<"$password_dsn")" "select 1")
    if [[ $wrong == *"password authentication failed"* ]]; then
        report "$step" pass ""
    else
        report "$step" fail "a wrong password was not refused with 'password authentication failed': $wrong"
    fi
}

connect_tls() {
    local tls_dsn=${PGBRIDGE_DRIVER_TLS_DSN:-} ca=${PGBRIDGE_DRIVER_CA:-} answer
    if [[ -z $tls_dsn ]]; then
        report connect_tls n/a "PGBRIDGE_DRIVER_TLS_DSN not provided by the runner for this target"
        return
    fi
    if [[ -n $ca ]]; then
        tls_dsn="${tls_dsn/sslmode=require/sslmode=verify-ca}&sslrootcert=$ca"
    fi
    answer=$(psql -X "$tls_dsn" -c '\conninfo' 2>&1)
    if [[ $answer == *"SSL connection (protocol: TLS"* ]]; then
        report connect_tls pass ""
    else
        report connect_tls fail "\\conninfo does not show an SSL connection: $answer"
    fi
}

# stream_100k: FETCH_COUNT makes psql read through a cursor, 1,000 rows per FETCH.
stream_rows() {
    local out="$work/psql-stream.out" summary
    echo "select g.i, 'row ' || g.i from generate_series(1, 100000) as g(i);" |
        psql -X -At -v ON_ERROR_STOP=1 -v FETCH_COUNT=1000 "$dsn" >"$out" 2>&1
    summary=$(awk -F'|' '$2 == "row " $1 { rows++; sum += $1 } END { printf "%d %d", rows, sum }' "$out")
    if [[ $summary == "100000 5000050000" && $(wc -l <"$out") == 100000 ]]; then
        report stream_100k pass ""
    else
        report stream_100k fail "rows and sum: $summary, lines $(wc -l <"$out"); first lines: $(head -n 3 "$out")"
    fi
}

# cancel: SIGINT makes psql send a cancel request for the running query.
cancel() {
    local out="$work/psql-cancel.out" pid started elapsed
    started=$(date +%s)
    psql -X -v VERBOSITY=sqlstate "$dsn" \
        -c "select count(*) from generate_series(1, 100000) as a(i), generate_series(1, 100000) as b(j) where a.i + b.j = 3" \
        >"$out" 2>&1 &
    pid=$!
    sleep 1.5
    kill -INT "$pid" 2>/dev/null
    for _ in $(seq 300); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        report cancel fail "psql still running 30 s after SIGINT: $(cat "$out")"
        return
    fi
    wait "$pid"
    elapsed=$(($(date +%s) - started))
    if grep -q "ERROR:  57014" "$out" && [[ $(query "$dsn" "select 1") == 1 ]]; then
        report cancel pass ""
    else
        report cancel fail "after SIGINT (${elapsed} s): $(cat "$out")"
    fi
}

printf '1\tone\t1.50\n2\ttab\\there\t-2.00\n3\t\\N\t1000.25\n' >"$work/psql-copy-in.txt"
psql -X -q "$dsn" >"$work/psql-cleanup.out" 2>&1 <<EOF
drop table if exists ${prefix}items;
drop table if exists ${prefix}types;
drop table if exists ${prefix}copy;
EOF

echo "{\"version\": \"$(psql --version)\"}"
connect_trust
password_auth connect_md5 PGBRIDGE_DRIVER_MD5_DSN
password_auth connect_scram PGBRIDGE_DRIVER_SCRAM_DSN
connect_tls
golden ddl
golden insert_params
golden types_text
report types_binary n/a "psql reads every result as text"
golden nulls
stream_rows
golden transaction_rollback
golden failed_transaction_25P02
golden savepoints
golden prepared_reuse
golden error_sqlstate
golden copy_in
golden copy_out
cancel
golden introspection
golden list_databases
golden list_schemas
