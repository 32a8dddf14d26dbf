#!/usr/bin/env bash
# The driver conformance scenario for pgbench, run by conformance/drivers/run.py once per target.
# pgbench has its own steps: init (`pgbench -i -s 10`: DDL, client-side COPY of 1,000,000
# accounts, VACUUM, primary keys), select_only (-S), prepared (-M prepared -S) and tpcb (the
# default TPC-B-like script), each for 5 s with no failed transaction allowed; after init the row
# counts and after tpcb the balances are checked (accounts, tellers, branches and history must all
# sum to the same total). The connect steps use pgbench's own libpq connection; the other core
# steps have no pgbench equivalent and are n/a.
# pgbench's tables have fixed names (pgbench_accounts, _branches, _history, _tellers): they carry
# the prefix only when the runner's prefix is `pgbench_` (pgbench has no option to rename them).
set -uo pipefail
work=${PGBRIDGE_DRIVER_WORK:-$(mktemp -d)}
mkdir -p "$work"
dsn=$PGBRIDGE_DRIVER_DSN
scale=${PGBRIDGE_PGBENCH_SCALE:-10}
seconds=${PGBRIDGE_PGBENCH_SECONDS:-5}
export PGCONNECT_TIMEOUT=20

report() {
    python3 -c 'import json, sys; print(json.dumps({"step": sys.argv[1], "status": sys.argv[2], "detail": sys.argv[3]}))' "$@"
}

prefix=${PGBRIDGE_DRIVER_TABLE_PREFIX:-pgbench_}
if [[ pgbench_accounts != "$prefix"* ]]; then
    echo "pgbench: its tables are named pgbench_*, which do not start with the prefix $prefix" >&2
fi

# select_one STEP DSN: one pgbench transaction of `SELECT 1` over that connection string.
printf 'SELECT 1;\n' >"$work/pgbench-select1.sql"
connect_step() {
    local step=$1 variable=$2 out
    local step_dsn=${!variable:-}
    if [[ -z $step_dsn ]]; then
        report "$step" n/a "$variable not provided by the runner for this target"
        return
    fi
    if [[ $step == connect_tls && -n ${PGBRIDGE_DRIVER_CA:-} ]]; then
        step_dsn="${step_dsn/sslmode=require/sslmode=verify-ca}&sslrootcert=$PGBRIDGE_DRIVER_CA"
    fi
    if out=$(pgbench -n -t 1 -f "$work/pgbench-select1.sql" "$step_dsn" 2>&1) &&
        grep -q "number of transactions actually processed: 1/1" <<<"$out"; then
        report "$step" pass ""
    else
        report "$step" fail "pgbench -t 1 with SELECT 1: $(tail -n 5 <<<"$out")"
    fi
}

# sql QUERY: one unaligned answer through psql.
sql() {
    psql -X -At -v ON_ERROR_STOP=1 "$dsn" -c "$1" 2>&1
}

# bench STEP ARGS...: a timed pgbench run that must process transactions and fail none.
bench() {
    local step=$1 out processed failed
    shift
    out=$(pgbench -T "$seconds" "$@" "$dsn" 2>&1)
    local status=$?
    echo "$out" >"$work/pgbench-$step.out"
    processed=$(grep -oE 'number of transactions actually processed: [0-9]+' <<<"$out" | grep -oE '[0-9]+$')
    failed=$(grep -oE 'number of failed transactions: [0-9]+' <<<"$out" | grep -oE '[0-9]+$')
    if [[ $status == 0 && ${processed:-0} -gt 0 && $failed == 0 ]]; then
        echo "pgbench $step: $(grep -E '^tps' <<<"$out")" >&2
        report "$step" pass ""
    else
        report "$step" fail "pgbench $* exited $status, processed ${processed:-?}, failed ${failed:-?}: $(grep -vE '^(transaction type|scaling factor|query mode|number of (clients|threads)|maximum number|duration|latency|initial connection|tps)' <<<"$out" | head -n 12)"
    fi
}

echo "{\"version\": \"$(pgbench --version)\"}"
connect_step connect_trust PGBRIDGE_DRIVER_DSN
connect_step connect_md5 PGBRIDGE_DRIVER_MD5_DSN
connect_step connect_scram PGBRIDGE_DRIVER_SCRAM_DSN
connect_step connect_tls PGBRIDGE_DRIVER_TLS_DSN
for step in ddl insert_params types_text types_binary nulls stream_100k transaction_rollback \
    failed_transaction_25P02 savepoints prepared_reuse error_sqlstate copy_in copy_out cancel introspection; do
    report "$step" n/a "pgbench runs fixed benchmark scripts; its own steps are init, select_only, prepared, tpcb"
done

started=$(date +%s)
init_out=$(pgbench -i -s "$scale" "$dsn" 2>&1)
init_status=$?
echo "$init_out" >"$work/pgbench-init.out"
elapsed=$(($(date +%s) - started))
echo "pgbench init -s $scale: ${elapsed} s" >&2
accounts=$(sql "select count(*) from pgbench_accounts")
branches=$(sql "select count(*) from pgbench_branches")
if [[ $init_status == 0 && $accounts == $((scale * 100000)) && $branches == "$scale" ]]; then
    report init pass ""
else
    report init fail "pgbench -i -s $scale exited $init_status after ${elapsed} s; accounts: $accounts, branches: $branches; $(grep -iE 'error|fatal|detail|hint' <<<"$init_out" | head -n 8)"
fi

bench select_only -S
bench prepared -M prepared -S
bench tpcb
balances=$(sql "select (select sum(abalance) from pgbench_accounts) || ' ' || (select sum(tbalance) from pgbench_tellers) || ' ' || (select sum(bbalance) from pgbench_branches) || ' ' || (select coalesce(sum(delta), 0) from pgbench_history)")
read -r account teller branch history <<<"$balances"
if [[ -n $history && $account == "$teller" && $teller == "$branch" && $branch == "$history" ]]; then
    report tpcb_balances pass ""
else
    report tpcb_balances fail "after tpcb, sums of accounts/tellers/branches/history: $balances"
fi
