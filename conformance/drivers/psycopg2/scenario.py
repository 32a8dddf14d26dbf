"""The driver scenario with psycopg2: the simple query protocol with parameters interpolated by
the client, named (server-side) cursors, SQL-level PREPARE/EXECUTE, copy_expert, cancel.

One JSON line per step on stdout (conformance/drivers/README.md); tracebacks go to stderr.
"""

from __future__ import annotations

import io
import threading
import time

import psycopg2
import psycopg2.errorcodes
import psycopg2.extensions as extensions
import psycopg2.extras

import scenario_data as data
from scenario_data import NotApplicable, check, equal

env = data.Environment.from_os()
ITEMS, TYPES, NULLS, BIG, ACCOUNTS, COPY, BATCH = (
    env.table(name) for name in ("items", "types", "nulls", "big", "accounts", "copy", "batch")
)
psycopg2.extras.register_uuid()


def connect(dsn: str = env.dsn, autocommit: bool = False, **options):
    conn = psycopg2.connect(dsn, connect_timeout=10, **options)
    conn.autocommit = autocommit
    return conn


class Session:
    """An autocommit connection and a cursor on it, closed on exit (psycopg2's `with` commits
    instead of closing)."""

    def __init__(self, dsn: str = env.dsn, autocommit: bool = True):
        self.conn = connect(dsn, autocommit)
        self.cur = self.conn.cursor()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.conn.close()

    def one(self, sql: str, parameters=None):
        self.cur.execute(sql, parameters)
        return self.cur.fetchone()

    def all(self, sql: str, parameters=None):
        self.cur.execute(sql, parameters)
        return self.cur.fetchall()


def drop_tables() -> None:
    with Session() as session:
        for table in (ITEMS, TYPES, NULLS, BIG, ACCOUNTS, COPY, BATCH):
            session.cur.execute(f"drop table if exists {table}")


# ---------------------------------------------------------------------------------------------


def connect_trust() -> None:
    with Session() as session:
        equal(session.one("select 1"), (1,), "select 1")
        check(session.conn.server_version >= 90000, f"server_version {session.conn.server_version}")
        (version,) = session.one("select version()")
        check(version.startswith("PostgreSQL "), f"version() is {version!r}")


def connect_with_password(method: str) -> None:
    dsn = env.auth_dsn(method)
    with Session(dsn) as session:
        equal(session.one("select 2 + 3"), (5,), "select 2 + 3")
    try:
        connect(data.wrong_password(dsn)).close()
    except psycopg2.OperationalError as error:
        check("password authentication failed" in str(error), f"wrong password refused with: {error}")
    else:
        raise AssertionError("a wrong password was accepted")


def connect_tls() -> None:
    dsn = env.auth_dsn("tls")
    with Session(dsn) as session:
        check(session.conn.info.ssl_in_use, "the connection is not encrypted")
        equal(session.one("select 1"), (1,), "select 1 over TLS")
    if env.ca:
        verified = connect(dsn.replace("sslmode=require", "sslmode=verify-full"), sslrootcert=env.ca)
        check(verified.info.ssl_in_use, "verify-full connection is not encrypted")
        verified.close()


def ddl() -> None:
    with Session() as session:
        cur = session.cur
        cur.execute(f"create table {ITEMS} ({data.ITEMS_COLUMNS})")
        cur.execute(f"create index {ITEMS}_name_idx on {ITEMS} (name)")
        cur.execute(f"alter table {ITEMS} add column note varchar(40)")
        cur.execute(f"select * from {ITEMS}")
        equal([column.name for column in cur.description],
              ["id", "name", "qty", "price", "created", "note"], "columns after alter table")
        equal(cur.fetchall(), [], "rows of a new table")
        cur.execute(f"drop index {ITEMS}_name_idx")
        cur.execute(f"create index {ITEMS}_name_idx on {ITEMS} (name)")


def insert_params() -> None:
    with Session() as session:
        cur = session.cur
        cur.execute(f"insert into {ITEMS} (id, name, qty, price, created) values (%s, %s, %s, %s, %s)",
                    (1, "apple", 3, 0.5, data.dt.date(2024, 1, 31)))
        equal(cur.rowcount, 1, "rowcount of one insert")
        cur.executemany(f"insert into {ITEMS} (id, name, qty, price) values (%(id)s, %(name)s, %(qty)s, %(price)s)",
                        [{"id": 2, "name": "pear", "qty": 5, "price": 0.75},
                         {"id": 3, "name": "plum", "qty": None, "price": None},
                         {"id": 4, "name": "fig's", "qty": 7, "price": 1.25}])
        equal(cur.rowcount, 3, "rowcount of executemany")
        rows = session.all(f"select id, name, qty, price, created from {ITEMS} where qty > %s order by id", (4,))
        equal(rows, [(2, "pear", 5, 0.75, None), (4, "fig's", 7, 1.25, None)], "select where qty > 4")
        cur.execute(f"update {ITEMS} set qty = qty + %s where name = %s", (10, "apple"))
        equal(cur.rowcount, 1, "rowcount of update")
        equal(session.one(f"insert into {ITEMS} (id, name) values (%s, %s) returning id, name, qty", (5, "kiwi")),
              (5, "kiwi", 0), "insert returning (qty has default 0)")
        equal(session.all(f"delete from {ITEMS} where id = %s returning name", (3,)), [("plum",)], "delete returning")
        equal(session.all(f"select id, qty from {ITEMS} order by id"), [(1, 13), (2, 5), (4, 7), (5, 0)],
              "rows after update and delete")


def adapted(sql_type: str, value):
    return psycopg2.extras.Json(value) if sql_type in ("json", "jsonb") else value


def read_back(value):
    """psycopg2 reads bytea as memoryview; the scenario compares bytes."""
    return bytes(value) if isinstance(value, memoryview) else value


def types_text() -> None:
    failures = []
    with Session() as session:
        cur = session.cur
        cur.execute("set time zone 'UTC'")
        cur.execute(f"drop table if exists {TYPES}")
        cur.execute(f"create table {TYPES} ({data.types_table_columns()})")
        cur.execute(f"insert into {TYPES} (id) values (1)")
        for column, sql_type, oid, sent, expected in data.TYPE_CASES:
            try:
                cur.execute(f"update {TYPES} set {column} = %s where id = 1", (adapted(sql_type, sent),))
                cur.execute(f"select {column} from {TYPES} where id = 1")
                got = read_back(cur.fetchone()[0])
                if cur.description[0].type_code != oid:
                    failures.append(f"{sql_type}: type oid {cur.description[0].type_code}, expected {oid}")
                elif not data.same_value(got, expected):
                    failures.append(f"{sql_type}: got {got!r}, expected {expected!r}")
                elif sql_type != "json":
                    cast = f"::{sql_type}"  # psycopg2 sends literals: the cast gives the type
                    cur.execute(f"select count(*) from {TYPES} where {column} = (%s){cast}", (adapted(sql_type, expected),))
                    count = cur.fetchone()[0]
                    if count != 1:
                        failures.append(f"{sql_type}: where {column} = literal matched {count} rows")
            except psycopg2.Error as error:
                failures.append(f"{sql_type}: {data.one_line(error)}")
    data.failures_summary(failures)


def types_binary() -> None:
    raise NotApplicable("psycopg2 has no binary result format: it uses the text protocol only")


def nulls() -> None:
    with Session() as session:
        columns = ", ".join(f"{column} {sql_type}" for column, sql_type, *_ in data.TYPE_CASES)
        session.cur.execute(f"create table {NULLS} (id int4 primary key, {columns})")
        names = [column for column, *_ in data.TYPE_CASES]
        placeholders = ", ".join(["%s"] * (len(names) + 1))
        session.cur.execute(f"insert into {NULLS} (id, {', '.join(names)}) values ({placeholders})",
                            [1] + [None] * len(names))
        row = session.one(f"select {', '.join(names)} from {NULLS} where id = %s", (1,))
        equal(list(row), [None] * len(names), "NULL in every column")
        equal([column.type_code for column in session.cur.description],
              [oid for _, _, oid, *_ in data.TYPE_CASES], "type oids of NULL columns")
        equal(session.one(f"select count(*) from {NULLS} where c_int4 is null and c_text is null"), (1,),
              "is null filter")
        equal(session.one(f"select count(*) from {NULLS} where c_int4 = %s", (None,)), (0,),
              "= NULL matches nothing")
        equal(session.one("select null::int4, coalesce(null::text, %s), %s::text is null", ("fallback", None)),
              (None, "fallback", True), "NULL expressions")


def stream_100k() -> None:
    with Session() as session:
        session.cur.execute(f"create table {BIG} (id int4 primary key, label text)")
        session.cur.execute(f"insert into {BIG} (id, label) select g, 'row ' || g "
                            f"from generate_series(1, {data.STREAM_ROWS}) g")
    conn = connect()
    try:
        # A named cursor is server-side: psycopg2 fetches itersize rows per round trip.
        cur = conn.cursor(name="drivers_stream")
        cur.itersize = 2000
        cur.execute(f"select id, label from {BIG} order by id")
        count, total, last = 0, 0, None
        for row_id, label in cur:
            count += 1
            total += row_id
            last = (row_id, label)
        cur.close()
        equal(count, data.STREAM_ROWS, "rows streamed")
        equal(total, data.STREAM_ROWS * (data.STREAM_ROWS + 1) // 2, "sum of ids streamed")
        equal(last, (data.STREAM_ROWS, f"row {data.STREAM_ROWS}"), "last row")
        conn.rollback()
    finally:
        conn.close()


def status(conn) -> int:
    return conn.info.transaction_status


def transaction_rollback() -> None:
    with Session() as setup:
        setup.cur.execute(f"create table {ACCOUNTS} (id int4 primary key, balance int4 not null)")
    with Session(autocommit=False) as session, Session() as observer:
        session.cur.execute(f"insert into {ACCOUNTS} values (1, 100)")
        equal(status(session.conn), extensions.TRANSACTION_STATUS_INTRANS, "status inside a transaction")
        session.conn.rollback()
        equal(session.one(f"select count(*) from {ACCOUNTS}"), (0,), "rows after rollback")
        session.conn.rollback()
        session.cur.execute(f"insert into {ACCOUNTS} values (1, 100)")
        equal(observer.one(f"select count(*) from {ACCOUNTS}"), (0,), "uncommitted row seen by another connection")
        session.conn.commit()
        equal(observer.all(f"select balance from {ACCOUNTS}"), [(100,)], "committed row seen by another connection")


def failed_transaction_25p02() -> None:
    with Session(autocommit=False) as session:
        session.cur.execute(f"insert into {ACCOUNTS} values (2, 50)")
        try:
            session.cur.execute("select 1 / 0")
            raise AssertionError("1 / 0 did not fail")
        except psycopg2.errors.DivisionByZero:
            pass
        equal(status(session.conn), extensions.TRANSACTION_STATUS_INERROR, "status after an error")
        try:
            session.cur.execute("select 1")
            raise AssertionError("a statement after an error in a transaction succeeded")
        except psycopg2.Error as error:
            equal(error.pgcode, "25P02", "SQLSTATE of a statement in a failed transaction")
        session.conn.rollback()
        equal(status(session.conn), extensions.TRANSACTION_STATUS_IDLE, "status after rollback")
        equal(session.one(f"select count(*) from {ACCOUNTS} where id = 2"), (0,), "row of the failed transaction")


def savepoints() -> None:
    with Session(autocommit=False) as session:
        cur = session.cur
        cur.execute(f"delete from {ACCOUNTS}")
        cur.execute(f"insert into {ACCOUNTS} values (10, 1)")
        cur.execute("savepoint s1")
        cur.execute(f"insert into {ACCOUNTS} values (11, 1)")
        cur.execute("rollback to savepoint s1")
        cur.execute(f"insert into {ACCOUNTS} values (12, 1)")
        cur.execute("savepoint s2")
        try:
            cur.execute(f"insert into {ACCOUNTS} values (10, 1)")
            raise AssertionError("a duplicate key was accepted")
        except psycopg2.errors.UniqueViolation:
            pass
        cur.execute("rollback to savepoint s2")
        cur.execute("release savepoint s2")
        cur.execute(f"insert into {ACCOUNTS} values (14, 1)")
        session.conn.commit()
        equal(session.all(f"select id from {ACCOUNTS} order by id"), [(10,), (12,), (14,)], "rows kept after savepoints")


def prepared_reuse() -> None:
    # psycopg2 has no protocol-level prepared statements: SQL PREPARE/EXECUTE is its way.
    with Session() as session:
        session.cur.execute(f"prepare drivers_by_id (int4, int4) as "
                            f"select id, name from {ITEMS} where id = $1 and qty >= $2")
        for run in range(data.PREPARED_RUNS):
            expected = [(1, "apple")] if run % 2 == 0 else [(2, "pear")]
            equal(session.all("execute drivers_by_id (%s, %s)", (1 + run % 2, run % 3)), expected, f"run {run}")
        session.cur.execute("deallocate drivers_by_id")
        try:
            session.cur.execute("execute drivers_by_id (1, 1)")
            raise AssertionError("a deallocated statement ran")
        except psycopg2.Error as error:
            equal(error.pgcode, "26000", "SQLSTATE of a deallocated statement")


def error_sqlstate() -> None:
    failures = []
    with Session() as session:
        for statement, sqlstate in data.ERROR_CASES:
            sql = statement.format(items=ITEMS, prefix=env.prefix)
            try:
                session.cur.execute(sql)
                failures.append(f"{sql!r} succeeded, expected {sqlstate}")
            except psycopg2.Error as error:
                if error.pgcode != sqlstate:
                    failures.append(f"{sql!r}: {error.pgcode} ({str(error).strip()}), expected {sqlstate}")
        equal(session.one("select 1"), (1,), "connection after the errors")
    data.failures_summary(failures)


def copy_in() -> None:
    with Session() as session:
        session.cur.execute(f"create table {COPY} ({data.COPY_COLUMNS})")
        lines = data.COPY_TEXT.splitlines(keepends=True)
        session.cur.copy_from(io.StringIO("".join(lines[:3])), COPY, columns=("id", "name", "amount"))
        session.cur.copy_expert(f"copy {COPY} (id, name, amount) from stdin", io.StringIO("".join(lines[3:])))
        data.same_rows(session.all(f"select id, name, amount from {COPY} order by id"), data.COPY_ROWS, "rows copied in")


def copy_out() -> None:
    with Session() as session:
        # The rows again, inserted without COPY: this step does not depend on copy_in.
        session.cur.execute(f"delete from {COPY}")
        session.cur.executemany(f"insert into {COPY} (id, name, amount) values (%s, %s, %s)", data.COPY_ROWS)
        buffer = io.StringIO()
        session.cur.copy_expert(f"copy (select id, name, amount from {COPY} order by id) to stdout", buffer)
        equal(buffer.getvalue(), data.COPY_TEXT, "COPY TO STDOUT text")
        buffer = io.StringIO()
        session.cur.copy_to(buffer, COPY, columns=("id", "amount"))
        equal(sorted(buffer.getvalue().splitlines()), sorted(
            f"{i}\t{amount if amount is not None else chr(92) + 'N'}" for i, _, amount in data.COPY_ROWS),
            "copy_to rows")


def cancel() -> None:
    with Session() as session:
        timer = threading.Timer(data.CANCEL_AFTER_SECONDS, session.conn.cancel)
        started = time.monotonic()
        timer.start()
        try:
            session.cur.execute(data.CANCEL_SQL)
            raise AssertionError("the long query finished instead of being cancelled")
        except psycopg2.errors.QueryCanceled as error:
            equal(error.pgcode, "57014", "SQLSTATE of a cancelled query")
        finally:
            timer.cancel()
        elapsed = time.monotonic() - started
        check(elapsed < data.CANCEL_WITHIN_SECONDS, f"the cancel took {elapsed:.1f} s")
        equal(session.one("select 1"), (1,), "connection after the cancel")


def introspection() -> None:
    # psycopg2 has no metadata API: it is read from the catalogs as \d does.
    with Session() as session:
        equal(session.all(data.INFORMATION_SCHEMA_SQL.format(table=ITEMS)), data.ITEMS_INFORMATION_SCHEMA,
              "information_schema.columns")
        equal(session.all(data.PG_ATTRIBUTE_SQL.format(table=ITEMS)), data.ITEMS_FORMAT_TYPE,
              "pg_attribute with format_type")
        equal(session.all(data.PRIMARY_KEY_SQL.format(table=ITEMS)), [("id",)], "primary key from pg_index")


def execute_values() -> None:
    with Session() as session:
        session.cur.execute(f"create table {BATCH} (id int4 primary key, name text, score float8)")
        rows = [(i, f"name {i}", i / 4) for i in range(1, 1001)]
        psycopg2.extras.execute_values(session.cur, f"insert into {BATCH} (id, name, score) values %s", rows,
                                       page_size=250)
        psycopg2.extras.execute_batch(session.cur, f"update {BATCH} set score = score * 2 where id = %s",
                                      [(i,) for i in range(1, 101)], page_size=50)
        equal(session.one(f"select count(*), sum(score) from {BATCH}"),
              (1000, sum(i / 4 for i in range(1, 1001)) + sum(i / 4 for i in range(1, 101))),
              "count and sum after execute_values and execute_batch")
        cur = session.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
        cur.execute(f"select id, name from {BATCH} where id = %(id)s", {"id": 7})
        equal(cur.fetchall(), [{"id": 7, "name": "name 7"}], "RealDictCursor row")


def main() -> None:
    data.report_version(f"psycopg2 {psycopg2.__version__.split()[0]} (libpq {psycopg2.extensions.libpq_version()})")
    data.before_steps(drop_tables)
    data.run_steps([
        ("connect_trust", connect_trust),
        ("connect_md5", lambda: connect_with_password("md5")),
        ("connect_scram", lambda: connect_with_password("scram")),
        ("connect_tls", connect_tls),
        ("ddl", ddl),
        ("insert_params", insert_params),
        ("types_text", types_text),
        ("types_binary", types_binary),
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
        ("execute_values", execute_values),
    ])


if __name__ == "__main__":
    main()
