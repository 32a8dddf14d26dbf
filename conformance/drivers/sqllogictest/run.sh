#!/usr/bin/env bash
# The driver conformance scenario for sqllogictest-rs (`sqllogictest-bin`, installed by setup.sh),
# run by conformance/drivers/run.py once per target. Every file in slt/ (copies of SQLite's
# sqllogictest corpus) runs with `--engine postgres` (simple protocol) and `--engine
# postgres-extended` (extended protocol, typed parameters); each pair is one step
# `slt_<engine>_<file>`. The files run as they are, with four mechanical changes made on a copy in
# the work dir:
#   - table and index names get the table prefix (t1 -> <prefix>t1), and those tables are dropped
#     before each run;
#   - `control resultmode valuewise` and `hash-threshold 8` go on top, as SQLite's own runner
#     reads this corpus (one value per line, results over 8 values compared by their MD5);
#   - a comment after `onlyif`/`skipif` (`onlyif mysql # DIV ...`), which sqllogictest-rs cannot
#     parse, is dropped;
#   - `--label postgresql` makes the corpus's `skipif postgresql` / `onlyif postgresql` apply.
# The connect steps run `SELECT 1` through the same binary; it has no TLS, and the other core
# steps are n/a.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${PGBRIDGE_DRIVER_WORK:-$(mktemp -d)}
mkdir -p "$work/slt"
cache=${PGBRIDGE_DRIVER_CACHE:-$HOME/.cache/pgbridge-drivers}
slt=$cache/sqllogictest/bin/sqllogictest
prefix=${PGBRIDGE_DRIVER_TABLE_PREFIX:-sqllogictest_}
export RUST_BACKTRACE=0

report() {
    python3 -c 'import json, sys; print(json.dumps({"step": sys.argv[1], "status": sys.argv[2], "detail": sys.argv[3]}))' "$@"
}

if [[ ! -x $slt ]]; then
    report connect_trust fail "sqllogictest-bin is not installed at $slt (run setup.sh)"
    exit 1
fi

echo "{\"version\": \"$("$slt" --version)\"}"

# connection DSN: host port database user password of a postgresql:// URL, one per line.
connection() {
    python3 -c '
import sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
print(url.hostname or "localhost", url.port or 5432, url.path.lstrip("/") or "postgres",
      urllib.parse.unquote(url.username or "postgres"), urllib.parse.unquote(url.password or "postgres"), sep="\n")' "$1"
}

# run_slt ENGINE DSN FILE: sqllogictest-bin on one file; its output on stdout.
run_slt() {
    local engine=$1 dsn=$2 file=$3 host port database user password
    { read -r host; read -r port; read -r database; read -r user; read -r password; } < <(connection "$dsn")
    timeout 600 "$slt" --engine "$engine" --label postgresql --color never --host "$host" --port "$port" \
        --db "$database" --user "$user" --pass "$password" "$file" 2>&1
}

# failure_text OUTPUT: what comes after "Caused by:", the first failure, in 40 lines at most.
failure_text() {
    sed -n '/Caused by:/,$p' <<<"$1" | sed '1d; /^Error: some test case failed/,$d' | head -n 40
}

printf 'query I\nSELECT 1\n----\n1\n' >"$work/slt/select_one.slt"
connect_step() {
    local step=$1 variable=$2 out
    local dsn=${!variable:-}
    if [[ -z $dsn ]]; then
        report "$step" n/a "$variable not provided by the runner for this target"
        return
    fi
    if out=$(run_slt postgres "$dsn" "$work/slt/select_one.slt"); then
        report "$step" pass ""
    else
        report "$step" fail "SELECT 1 through sqllogictest-bin: $(failure_text "$out")"
    fi
}

connect_step connect_trust PGBRIDGE_DRIVER_DSN
connect_step connect_md5 PGBRIDGE_DRIVER_MD5_DSN
connect_step connect_scram PGBRIDGE_DRIVER_SCRAM_DSN
report connect_tls n/a "sqllogictest-bin's postgres engines connect without TLS (no option for it)"
for step in ddl insert_params types_text types_binary nulls stream_100k transaction_rollback \
    failed_transaction_25P02 savepoints prepared_reuse error_sqlstate copy_in copy_out cancel introspection; do
    report "$step" n/a "sqllogictest runs .slt files; its own steps are slt_<engine>_<file>"
done

for source in "$here"/slt/*.test; do
    name=$(basename "$source" .test)
    name=${name#sqlite_}
    copy="$work/slt/$name.test"
    tables=$(grep -oE '^CREATE (TABLE|INDEX) [A-Za-z0-9_]+' "$source" | awk '{print $3}' | sort -u)
    names=$(paste -sd'|' <<<"$tables")
    {
        grep -q '^control resultmode' "$source" || printf 'control resultmode valuewise\n\n'
        grep -q '^hash-threshold' "$source" || printf 'hash-threshold 8\n\n'
        sed -E -e "s/\\b($names)\\b/$prefix\\1/g" -e 's/^((onlyif|skipif) [A-Za-z]+) +#.*/\1/' "$source"
    } >"$copy"
    cleanup="$work/slt/$name.cleanup.slt"
    : >"$cleanup"
    for table in $(grep -oE '^CREATE TABLE [A-Za-z0-9_]+' "$source" | awk '{print $3}' | sort -u); do
        printf 'statement ok\nDROP TABLE IF EXISTS %s%s\n\n' "$prefix" "$table" >>"$cleanup"
    done
    for engine in postgres postgres-extended; do
        step="slt_${engine//-/_}_$name"
        if ! out=$(run_slt "$engine" "$PGBRIDGE_DRIVER_DSN" "$cleanup"); then
            report "$step" fail "dropping the file's tables first failed: $(failure_text "$out")"
            continue
        fi
        out=$(run_slt "$engine" "$PGBRIDGE_DRIVER_DSN" "$copy")
        status=$?
        echo "$out" >"$work/slt/$step.out"
        if [[ $status == 0 ]] && grep -q '\[OK\]' <<<"$out"; then
            report "$step" pass ""
        else
            report "$step" fail "$(failure_text "$out")"
        fi
    done
done
