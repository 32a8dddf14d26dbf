#!/usr/bin/env python3
"""Fill the expected results of sqllogictest files from the real PostgreSQL.

Each file runs in a fresh schema (created, put on search_path, dropped after).
Every `query` record gets its result block rewritten with PostgreSQL's text
output; the script stops with an error when a `statement ok` or a `query`
fails, when a `statement error` or `query error` succeeds, when a query's
column count differs from its type letters, or when a type letter does not
match the column's PostgreSQL type (I: integer types, R: numeric/float).

Values are PostgreSQL's text output (bool `t`/`f`, dates as PostgreSQL prints
them), except R columns: by default they are written with three decimals
(`9.990`), the convention of classic sqllogictest files that the differential
runner (pgbridge-differential) renders R columns in; `--reals pg` writes them
exactly as PostgreSQL prints them (`9.99`, `2.4000000000000000`).

Usage: fill_expected.py [--dsn DSN] [--reals sqllogictest|pg] FILE.slt...
"""

import argparse
import re
import sys
from dataclasses import dataclass, field

import psycopg
from psycopg.pq import ExecStatus

INTEGER_OIDS = {20, 21, 23}  # int8, int2, int4
REAL_OIDS = {700, 701, 1700}  # float4, float8, numeric
OK_STATUSES = {ExecStatus.COMMAND_OK, ExecStatus.TUPLES_OK, ExecStatus.EMPTY_QUERY}


class CaseFailure(Exception):
    """A record whose outcome on PostgreSQL contradicts what the file says."""


@dataclass
class Record:
    """One blank-line separated block of a sqllogictest file."""

    comments: list = field(default_factory=list)
    header: str = ""
    sql: list = field(default_factory=list)
    results: list = field(default_factory=list)
    line: int = 0


def parse_records(text):
    """Split a file into records; comment lines stick to the record below them."""
    records = []
    current = Record()
    in_results = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            if current.header or current.comments:
                records.append(current)
            current = Record()
            in_results = False
            continue
        if not current.header:
            if line.lstrip().startswith("#"):
                current.comments.append(line)
            else:
                current.header = line
                current.line = number
            continue
        if line == "----":
            in_results = True
            continue
        if in_results:
            current.results.append(line)
        else:
            current.sql.append(line)
    if current.header or current.comments:
        records.append(current)
    return records


def format_value(value, type_letter, reals):
    if value is None:
        return "NULL"
    text = value.decode("utf-8")
    if type_letter == "R" and reals == "sqllogictest":
        return f"{float(text):.3f}"
    if text == "":
        return "(empty)"
    if text != text.strip():
        raise CaseFailure(f"value with edge whitespace is ambiguous in slt: {text!r}")
    if "\n" in text:
        raise CaseFailure(f"value with a newline cannot be written in slt: {text!r}")
    return text


def check_types(record, result, type_letters):
    if result.nfields != len(type_letters):
        raise CaseFailure(
            f"{result.nfields} columns but type letters {type_letters!r}"
        )
    for index, letter in enumerate(type_letters):
        oid = result.ftype(index)
        if letter == "I" and oid not in INTEGER_OIDS:
            raise CaseFailure(f"column {index + 1} is type oid {oid}, not integer (I)")
        if letter == "R" and oid not in REAL_OIDS:
            raise CaseFailure(f"column {index + 1} is type oid {oid}, not float/numeric (R)")
        if letter == "T" and (oid in INTEGER_OIDS or oid in REAL_OIDS):
            raise CaseFailure(f"column {index + 1} is numeric type oid {oid}, not T")


def run_record(pgconn, record, reals):
    """Run one record, return the record with its results filled."""
    words = record.header.split()
    kind = words[0]
    if kind not in ("statement", "query"):
        return record
    sql = "\n".join(record.sql)
    result = pgconn.exec_(sql.encode("utf-8"))
    succeeded = result.status in OK_STATUSES
    error = result.error_message.decode("utf-8", "replace").strip()
    expects_error = len(words) > 1 and words[1] == "error"
    if expects_error:
        if succeeded:
            raise CaseFailure("expected an error but PostgreSQL succeeded")
        if len(words) > 2:
            pattern = " ".join(words[2:])
            if not re.search(pattern, error):
                raise CaseFailure(f"error {error!r} does not match {pattern!r}")
        return record
    if not succeeded:
        raise CaseFailure(f"PostgreSQL failed: {error}")
    if kind == "statement":
        return record
    type_letters = words[1]
    sort_mode = words[2] if len(words) > 2 else "nosort"
    check_types(record, result, type_letters)
    rows = [
        [
            format_value(result.get_value(row, column), type_letters[column], reals)
            for column in range(result.nfields)
        ]
        for row in range(result.ntuples)
    ]
    if sort_mode == "rowsort":
        rows.sort()
    elif sort_mode == "valuesort":
        rows = [[value] for value in sorted(value for row in rows for value in row)]
    record.results = [" ".join(row) for row in rows]
    return record


def render(records):
    blocks = []
    for record in records:
        lines = list(record.comments)
        if record.header:
            lines.append(record.header)
            lines.extend(record.sql)
            if record.header.startswith("query") and record.header.split()[1] != "error":
                lines.append("----")
                lines.extend(record.results)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def schema_name(path):
    stem = path.rsplit("/", 1)[-1].removesuffix(".slt")
    return "slt_cases_" + re.sub(r"[^a-z0-9_]", "_", stem.lower())


def fill_file(dsn, path, reals):
    with open(path, encoding="utf-8") as handle:
        records = parse_records(handle.read())
    schema = schema_name(path)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {schema}")
            conn.execute("SET TimeZone TO 'UTC'")
            for record in records:
                try:
                    run_record(conn.pgconn, record, reals)
                except CaseFailure as failure:
                    raise CaseFailure(f"{path}:{record.line}: {failure}") from None
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(render(records))
    return sum(1 for record in records if record.header.startswith("query"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", default="host=127.0.0.1 port=5432 user=postgres dbname=test")
    parser.add_argument("--reals", choices=["sqllogictest", "pg"], default="sqllogictest")
    parser.add_argument("files", nargs="+")
    arguments = parser.parse_args()
    total = 0
    for path in arguments.files:
        try:
            count = fill_file(arguments.dsn, path, arguments.reals)
        except CaseFailure as failure:
            print(f"FAIL {failure}", file=sys.stderr)
            return 1
        print(f"{path}: {count} query records", flush=True)
        total += count
    print(f"total: {total} query records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
