"""The driver scenario with psycopg 3: text and binary cursors, auto-prepared statements past the
threshold, pipeline mode, server-side (named) cursors, COPY, cancel.

One JSON line per step on stdout (conformance/drivers/README.md); tracebacks go to stderr.
"""

from __future__ import annotations

import threading
import time

import psycopg
from psycopg import errors
from psycopg.pq import TransactionStatus
from psycopg.types import TypeInfo
from psycopg.types.json import Json, Jsonb

import scenario_data as data
from scenario_data import check, equal

env = data.Environment.from_os()
ITEMS, TYPES, NULLS, BIG, ACCOUNTS, COPY, PIPE = (
    env.table(name) for name in ("items", "types", "nulls", "big", "accounts", "copy", "pipeline")
)


def connect(dsn: str = env.dsn, **options) -> psycopg.Connection:
    return psycopg.connect(dsn, connect_timeout=10, **options)


def autocommit() -> psycopg.Connection:
    return connect(autocommit=True)


def drop_tables() -> None:
    with autocommit() as conn:
        for table in (ITEMS, TYPES, NULLS, BIG, ACCOUNTS, COPY, PIPE):
            conn.execute(f"drop table if exists {table}")


# ---------------------------------------------------------------------------------------------


def connect_trust() -> None:
    with autocommit() as conn:
        equal(conn.execute("select 1").fetchone(), (1,), "select 1")
        check(conn.info.server_version >= 90000, f"server_version {conn.info.server_version}")
        (version,) = conn.execute("select version()").fetchone()
        check(version.startswith("PostgreSQL "), f"version() is {version!r}")


def connect_with_password(method: str) -> None:
    dsn = env.auth_dsn(method)
    with connect(dsn, autocommit=True) as conn:
        equal(conn.execute("select 2 + 3").fetchone(), (5,), "select 2 + 3")
    try:
        connect(data.wrong_password(dsn)).close()
    except psycopg.OperationalError as error:
        check("password authentication failed" in str(error), f"wrong password refused with: {error}")
    else:
        raise AssertionError("a wrong password was accepted")


def connect_tls() -> None:
    dsn = env.auth_dsn("tls")
    with connect(dsn, autocommit=True) as conn:
        check(conn.pgconn.ssl_in_use, "the connection is not encrypted")
        equal(conn.execute("select 1").fetchone(), (1,), "select 1 over TLS")
    if env.ca:
        # The CA is given: the certificate must verify, host name included.
        with connect(dsn.replace("sslmode=require", "sslmode=verify-full"), sslrootcert=env.ca) as conn:
            check(conn.pgconn.ssl_in_use, "verify-full connection is not encrypted")


def ddl() -> None:
    with autocommit() as conn:
        conn.execute(f"create table {ITEMS} ({data.ITEMS_COLUMNS})")
        conn.execute(f"create index {ITEMS}_name_idx on {ITEMS} (name)")
        conn.execute(f"alter table {ITEMS} add column note varchar(40)")
        cur = conn.execute(f"select * from {ITEMS}")
        equal([column.name for column in cur.description],
              ["id", "name", "qty", "price", "created", "note"], "columns after alter table")
        equal(cur.fetchall(), [], "rows of a new table")
        conn.execute(f"drop index {ITEMS}_name_idx")
        conn.execute(f"create index {ITEMS}_name_idx on {ITEMS} (name)")


def insert_params() -> None:
    with autocommit() as conn:
        cur = conn.cursor()
        cur.execute(f"insert into {ITEMS} (id, name, qty, price, created) values (%s, %s, %s, %s, %s)",
                    (1, "apple", 3, 0.5, data.dt.date(2024, 1, 31)))
        equal(cur.rowcount, 1, "rowcount of one insert")
        cur.executemany(f"insert into {ITEMS} (id, name, qty, price) values (%s, %s, %s, %s)",
                        [(2, "pear", 5, 0.75), (3, "plum", None, None), (4, "fig's", 7, 1.25)])
        equal(cur.rowcount, 3, "rowcount of executemany")
        cur.execute(f"select id, name, qty, price, created from {ITEMS} where qty > %s order by id", (4,))
        equal(cur.fetchall(), [(2, "pear", 5, 0.75, None), (4, "fig's", 7, 1.25, None)], "select where qty > 4")
        cur.execute(f"update {ITEMS} set qty = qty + %s where name = %s", (10, "apple"))
        equal(cur.rowcount, 1, "rowcount of update")
        cur.execute(f"insert into {ITEMS} (id, name) values (%s, %s) returning id, name, qty", (5, "kiwi"))
        equal(cur.fetchone(), (5, "kiwi", 0), "insert returning (qty has default 0)")
        cur.execute(f"delete from {ITEMS} where id = %s returning name", (3,))
        equal(cur.fetchall(), [("plum",)], "delete returning")
        cur.execute(f"select id, qty from {ITEMS} order by id")
        equal(cur.fetchall(), [(1, 13), (2, 5), (4, 7), (5, 0)], "rows after update and delete")


def sent_value(sql_type: str, value):
    if sql_type == "json":
        return Json(value)
    if sql_type == "jsonb":
        return Jsonb(value)
    return value


def round_trip_types(binary: bool) -> None:
    """Each type sent as a parameter into its own column, read back, and compared on the server."""
    failures = []
    with autocommit() as conn:
        conn.execute("set time zone 'UTC'")
        conn.execute(f"drop table if exists {TYPES}")
        conn.execute(f"create table {TYPES} ({data.types_table_columns()})")
        conn.execute(f"insert into {TYPES} (id) values (1)")
        cur = conn.cursor(binary=binary)
        for column, sql_type, oid, sent, expected in data.TYPE_CASES:
            try:
                conn.execute(f"update {TYPES} set {column} = %s where id = 1", (sent_value(sql_type, sent),))
                cur.execute(f"select {column} from {TYPES} where id = 1")
                got = cur.fetchone()[0]
                if cur.description[0].type_code != oid:
                    failures.append(f"{sql_type}: type oid {cur.description[0].type_code}, expected {oid}")
                elif not data.same_value(got, expected):
                    failures.append(f"{sql_type}: got {got!r}, expected {expected!r}")
                elif sql_type != "json":
                    cur.execute(f"select count(*) from {TYPES} where {column} = %s", (sent_value(sql_type, expected),))
                    count = cur.fetchone()[0]
                    if count != 1:
                        failures.append(f"{sql_type}: where {column} = parameter matched {count} rows")
            except psycopg.Error as error:
                failures.append(f"{sql_type}: {data.one_line(error)}")
    data.failures_summary(failures)


def nulls() -> None:
    with autocommit() as conn:
        columns = ", ".join(f"{column} {sql_type}" for column, sql_type, *_ in data.TYPE_CASES)
        conn.execute(f"create table {NULLS} (id int4 primary key, {columns})")
        names = [column for column, *_ in data.TYPE_CASES]
        placeholders = ", ".join(["%s"] * (len(names) + 1))
        conn.execute(f"insert into {NULLS} (id, {', '.join(names)}) values ({placeholders})",
                     [1] + [None] * len(names))
        for binary in (False, True):
            cur = conn.cursor(binary=binary)
            cur.execute(f"select {', '.join(names)} from {NULLS} where id = %s", (1,))
            row = cur.fetchone()
            equal(list(row), [None] * len(names), f"NULL in every column (binary={binary})")
            equal([column.type_code for column in cur.description], [oid for _, _, oid, *_ in data.TYPE_CASES],
                  "type oids of NULL columns")
        cur = conn.cursor()
        cur.execute(f"select count(*) from {NULLS} where c_int4 is null and c_text is null")
        equal(cur.fetchone(), (1,), "is null filter")
        cur.execute(f"select count(*) from {NULLS} where c_int4 = %s", (None,))
        equal(cur.fetchone(), (0,), "= NULL parameter matches nothing")
        cur.execute("select null::int4, coalesce(null::text, %s), %s::text is null", ("fallback", None))
        equal(cur.fetchone(), (None, "fallback", True), "NULL expressions")


def stream_100k() -> None:
    with autocommit() as conn:
        conn.execute(f"create table {BIG} (id int4 primary key, label text)")
        conn.execute(f"insert into {BIG} (id, label) select g, 'row ' || g from generate_series(1, {data.STREAM_ROWS}) g")
        count, total, last = 0, 0, None
        # stream(): single-row mode, rows arrive one by one without buffering the result.
        for row_id, label in conn.cursor().stream(f"select id, label from {BIG} order by id"):
            count += 1
            total += row_id
            last = (row_id, label)
        equal(count, data.STREAM_ROWS, "rows streamed")
        equal(total, data.STREAM_ROWS * (data.STREAM_ROWS + 1) // 2, "sum of ids streamed")
        equal(last, (data.STREAM_ROWS, f"row {data.STREAM_ROWS}"), "last row")


def transaction_rollback() -> None:
    with autocommit() as setup:
        setup.execute(f"create table {ACCOUNTS} (id int4 primary key, balance int4 not null)")
    with connect() as conn, autocommit() as observer:
        conn.execute(f"insert into {ACCOUNTS} values (1, 100)")
        equal(conn.info.transaction_status, TransactionStatus.INTRANS, "status inside a transaction")
        conn.rollback()
        equal(conn.execute(f"select count(*) from {ACCOUNTS}").fetchone(), (0,), "rows after rollback")
        conn.rollback()
        conn.execute(f"insert into {ACCOUNTS} values (1, 100)")
        equal(observer.execute(f"select count(*) from {ACCOUNTS}").fetchone(), (0,), "uncommitted row seen by another connection")
        conn.commit()
        equal(observer.execute(f"select balance from {ACCOUNTS}").fetchall(), [(100,)], "committed row seen by another connection")
        with conn.transaction():
            conn.execute(f"update {ACCOUNTS} set balance = 0")
            raise psycopg.Rollback()
    with autocommit() as conn:
        equal(conn.execute(f"select balance from {ACCOUNTS}").fetchall(), [(100,)], "after Rollback()")


def failed_transaction_25p02() -> None:
    with connect() as conn:
        conn.execute(f"insert into {ACCOUNTS} values (2, 50)")
        try:
            conn.execute("select 1 / 0")
            raise AssertionError("1 / 0 did not fail")
        except errors.DivisionByZero:
            pass
        equal(conn.info.transaction_status, TransactionStatus.INERROR, "status after an error")
        try:
            conn.execute("select 1")
            raise AssertionError("a statement after an error in a transaction succeeded")
        except psycopg.Error as error:
            equal(error.sqlstate, "25P02", "SQLSTATE of a statement in a failed transaction")
        conn.rollback()
        equal(conn.info.transaction_status, TransactionStatus.IDLE, "status after rollback")
        equal(conn.execute(f"select count(*) from {ACCOUNTS} where id = 2").fetchone(), (0,), "row of the failed transaction")
        conn.rollback()


def savepoints() -> None:
    with autocommit() as conn:
        conn.execute(f"delete from {ACCOUNTS}")
        with conn.transaction():
            conn.execute(f"insert into {ACCOUNTS} values (10, 1)")
            conn.execute("savepoint s1")
            conn.execute(f"insert into {ACCOUNTS} values (11, 1)")
            conn.execute("rollback to savepoint s1")
            conn.execute(f"insert into {ACCOUNTS} values (12, 1)")
            conn.execute("savepoint s2")
            try:
                conn.execute(f"insert into {ACCOUNTS} values (10, 1)")
                raise AssertionError("a duplicate key was accepted")
            except errors.UniqueViolation:
                pass
            conn.execute("rollback to savepoint s2")
            conn.execute("release savepoint s2")
            # psycopg's nested transaction blocks are savepoints too.
            try:
                with conn.transaction():
                    conn.execute(f"insert into {ACCOUNTS} values (13, 1)")
                    conn.execute("select 1 / 0")
            except errors.DivisionByZero:
                pass
            conn.execute(f"insert into {ACCOUNTS} values (14, 1)")
        equal(conn.execute(f"select id from {ACCOUNTS} order by id").fetchall(), [(10,), (12,), (14,)],
              "rows kept after savepoints")


def prepared_reuse() -> None:
    with autocommit() as conn:
        check(conn.prepare_threshold is not None, "psycopg's auto-prepare is off")
        for binary in (False, True):
            cur = conn.cursor(binary=binary)
            for run in range(data.PREPARED_RUNS):
                cur.execute(f"select id, name from {ITEMS} where id = %s and qty >= %s", (1 + run % 2 * 1, run % 3))
                expected = [(1, "apple")] if run % 2 == 0 else [(2, "pear")]
                equal(cur.fetchall(), expected, f"run {run} (binary={binary})")
        # The statement crossed the threshold: psycopg now runs it by name.
        check(len(conn._prepared._names) >= 1, "psycopg prepared no statement")
        conn.execute(f"update {ITEMS} set qty = qty where id = %s", (1,), prepare=True)
        cur = conn.execute(f"select count(*) from {ITEMS} where id > %s", (0,), prepare=True)
        equal(cur.fetchone(), (4,), "explicitly prepared statement")


def error_sqlstate() -> None:
    failures = []
    with autocommit() as conn:
        for statement, sqlstate in data.ERROR_CASES:
            sql = statement.format(items=ITEMS, prefix=env.prefix)
            try:
                conn.execute(sql)
                failures.append(f"{sql!r} succeeded, expected {sqlstate}")
            except psycopg.Error as error:
                if error.sqlstate != sqlstate:
                    failures.append(f"{sql!r}: {error.sqlstate} ({error}), expected {sqlstate}")
        equal(conn.execute("select 1").fetchone(), (1,), "connection after the errors")
    data.failures_summary(failures)


def copy_in() -> None:
    with autocommit() as conn:
        conn.execute(f"create table {COPY} ({data.COPY_COLUMNS})")
        cur = conn.cursor()
        with cur.copy(f"copy {COPY} (id, name, amount) from stdin") as copy:
            for row in data.COPY_ROWS[:3]:
                copy.write_row(row)
        with cur.copy(f"copy {COPY} (id, name, amount) from stdin") as copy:
            copy.write("".join(data.COPY_TEXT.splitlines(keepends=True)[3:]))
        cur.execute(f"select id, name, amount from {COPY} order by id")
        data.same_rows(cur.fetchall(), data.COPY_ROWS, "rows copied in")


def copy_out() -> None:
    with autocommit() as conn:
        cur = conn.cursor()
        # The rows again, inserted without COPY: this step does not depend on copy_in.
        cur.execute(f"delete from {COPY}")
        cur.executemany(f"insert into {COPY} (id, name, amount) values (%s, %s, %s)", data.COPY_ROWS)
        with cur.copy(f"copy (select id, name, amount from {COPY} order by id) to stdout") as copy:
            text = b"".join(bytes(block) for block in copy).decode()
        equal(text, data.COPY_TEXT, "COPY TO STDOUT text")
        with cur.copy(f"copy {COPY} (id, name) to stdout") as copy:
            rows = sorted(copy.rows())
        equal(rows, [(str(i), name) for i, name, _ in data.COPY_ROWS], "COPY table TO STDOUT rows")


def cancel() -> None:
    with autocommit() as conn:
        timer = threading.Timer(data.CANCEL_AFTER_SECONDS, conn.cancel_safe)
        started = time.monotonic()
        timer.start()
        try:
            conn.execute(data.CANCEL_SQL)
            raise AssertionError("the long query finished instead of being cancelled")
        except errors.QueryCanceled as error:
            equal(error.sqlstate, "57014", "SQLSTATE of a cancelled query")
        finally:
            timer.cancel()
        elapsed = time.monotonic() - started
        check(elapsed < data.CANCEL_WITHIN_SECONDS, f"the cancel took {elapsed:.1f} s")
        equal(conn.execute("select 1").fetchone(), (1,), "connection after the cancel")


def introspection() -> None:
    with autocommit() as conn:
        # psycopg's own metadata API is TypeInfo (pg_type); tables are read as \d does.
        for name, oid in (("int4", 23), ("uuid", 2950), ("jsonb", 3802)):
            info = TypeInfo.fetch(conn, name)
            check(info is not None and info.oid == oid, f"TypeInfo.fetch({name!r}) = {info!r}")
        rows = conn.execute(data.INFORMATION_SCHEMA_SQL.format(table=ITEMS)).fetchall()
        equal(rows, data.ITEMS_INFORMATION_SCHEMA, "information_schema.columns")
        rows = conn.execute(data.PG_ATTRIBUTE_SQL.format(table=ITEMS)).fetchall()
        equal(rows, data.ITEMS_FORMAT_TYPE, "pg_attribute with format_type")
        rows = conn.execute(data.PRIMARY_KEY_SQL.format(table=ITEMS)).fetchall()
        equal(rows, [("id",)], "primary key from pg_index")


def pipeline() -> None:
    with autocommit() as conn:
        conn.execute(f"create table {PIPE} (id int4 primary key, name text)")
        with conn.pipeline():
            cur = conn.cursor()
            cur.executemany(f"insert into {PIPE} (id, name) values (%s, %s)", [(i, f"n{i}") for i in range(1, 51)])
            first = conn.execute(f"select count(*) from {PIPE}")
            second = conn.execute(f"select name from {PIPE} where id = %s", (42,))
            equal(first.fetchone(), (50,), "count inside the pipeline")
            equal(second.fetchone(), ("n42",), "select inside the pipeline")
        # An error inside a pipeline fails that statement, and the pipeline goes on after it.
        try:
            with conn.pipeline():
                conn.execute(f"insert into {PIPE} (id, name) values (%s, %s)", (1, "duplicate"))
                conn.execute("select 1")
            raise AssertionError("a duplicate key in a pipeline was accepted")
        except errors.UniqueViolation:
            pass
        equal(conn.execute(f"select count(*) from {PIPE}").fetchone(), (50,), "rows after the failed pipeline")


def server_cursor() -> None:
    with connect() as conn:
        with conn.cursor(name="drivers_named") as cur:
            cur.itersize = 1000
            cur.execute(f"select id from {BIG} where id <= %s order by id", (5000,))
            equal(cur.fetchone(), (1,), "first row of the named cursor")
            equal(len(cur.fetchmany(999)), 999, "fetchmany(999)")
            total = 1 + sum(range(2, 1001)) + sum(row[0] for row in cur)
            equal(total, 5000 * 5001 // 2, "sum over the named cursor")
        with conn.cursor(name="drivers_scroll", scrollable=True) as cur:
            cur.execute(f"select id from {BIG} where id <= 100 order by id")
            cur.scroll(50, mode="absolute")
            equal(cur.fetchone(), (51,), "row after scroll(50, absolute)")
            cur.scroll(-11)
            equal(cur.fetchone(), (41,), "row after scroll(-11)")
        conn.rollback()


def concurrent_transactions() -> None:
    """psycopg's default mode: every connection is inside a transaction. A reader's transaction
    must see the committed state while another connection holds uncommitted writes, and both
    must commit."""
    with connect() as writer, connect() as reader:
        writer.execute(f"insert into {ACCOUNTS} values (100, 7)")
        equal(reader.execute(f"select count(*) from {ACCOUNTS} where id = 100").fetchone(), (0,),
              "a reader's transaction during another's uncommitted insert")
        writer.commit()
        reader.commit()
        equal(reader.execute(f"select balance from {ACCOUNTS} where id = 100").fetchone(), (7,),
              "the reader's next transaction sees the commit")
        reader.commit()


def main() -> None:
    data.report_version(f"psycopg {psycopg.__version__} (libpq {psycopg.pq.version()})")
    data.before_steps(drop_tables)
    data.run_steps([
        ("connect_trust", connect_trust),
        ("connect_md5", lambda: connect_with_password("md5")),
        ("connect_scram", lambda: connect_with_password("scram")),
        ("connect_tls", connect_tls),
        ("ddl", ddl),
        ("insert_params", insert_params),
        ("types_text", lambda: round_trip_types(binary=False)),
        ("types_binary", lambda: round_trip_types(binary=True)),
        ("nulls", nulls),
        ("stream_100k", stream_100k),
        ("transaction_rollback", transaction_rollback),
        ("failed_transaction_25P02", failed_transaction_25p02),
        ("savepoints", savepoints),
        ("prepared_reuse", prepared_reuse),
        ("error_sqlstate", error_sqlstate),
        ("copy_in", copy_in),
        ("copy_out", copy_out),
        ("cancel", cancel),
        ("introspection", introspection),
        ("pipeline", pipeline),
        ("server_cursor", server_cursor),
        ("concurrent_transactions", concurrent_transactions),
    ])


if __name__ == "__main__":
    main()
