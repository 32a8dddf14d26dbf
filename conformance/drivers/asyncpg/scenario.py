"""The driver scenario with asyncpg: the extended protocol with server-inferred parameter types
and binary results, text codecs for the text round trip, cursors in transactions, prepared
statements and the statement cache, binary COPY, cancel by timeout.

One JSON line per step on stdout (conformance/drivers/README.md); tracebacks go to stderr.
"""

from __future__ import annotations

import asyncio
import io
import json
import ssl
import time
import uuid

import asyncpg

import scenario_data as data
from scenario_data import check, equal

env = data.Environment.from_os()
ITEMS, TYPES, NULLS, BIG, ACCOUNTS, COPY, BATCH = (
    env.table(name) for name in ("items", "types", "nulls", "big", "accounts", "copy", "batch")
)
TYPE_NAMES = {"numeric(10,2)": "numeric", "varchar(20)": "varchar", "char(5)": "bpchar"}


async def connect(dsn: str = env.dsn, **options) -> asyncpg.Connection:
    return await asyncpg.connect(dsn, timeout=10, **options)


class Session:
    def __init__(self, dsn: str = env.dsn, **options):
        self.dsn, self.options = dsn, options

    async def __aenter__(self) -> asyncpg.Connection:
        self.conn = await connect(self.dsn, **self.options)
        return self.conn

    async def __aexit__(self, *exc):
        await self.conn.close()


async def drop_tables() -> None:
    async with Session() as conn:
        for table in (ITEMS, TYPES, NULLS, BIG, ACCOUNTS, COPY, BATCH):
            await conn.execute(f"drop table if exists {table}")


# ---------------------------------------------------------------------------------------------


async def connect_trust() -> None:
    async with Session() as conn:
        equal(await conn.fetchval("select 1"), 1, "select 1")
        check(conn.get_server_version().major >= 9, f"server version {conn.get_server_version()}")
        version = await conn.fetchval("select version()")
        check(version.startswith("PostgreSQL "), f"version() is {version!r}")


async def connect_with_password(method: str) -> None:
    dsn = env.auth_dsn(method)
    async with Session(dsn) as conn:
        equal(await conn.fetchval("select 2 + 3"), 5, "select 2 + 3")
    try:
        await (await connect(data.wrong_password(dsn))).close()
    except asyncpg.PostgresError as error:
        equal(error.sqlstate, "28P01", f"SQLSTATE of a wrong password ({error})")
    else:
        raise AssertionError("a wrong password was accepted")


async def connect_tls() -> None:
    dsn = env.auth_dsn("tls")
    async with Session(dsn) as conn:
        check(conn._transport.get_extra_info("ssl_object") is not None, "the connection is not encrypted")
        equal(await conn.fetchval("select 1"), 1, "select 1 over TLS")
    if env.ca:
        context = ssl.create_default_context(cafile=env.ca)  # verifies the chain and the host name
        async with Session(dsn.split("?")[0], ssl=context) as conn:
            check(conn._transport.get_extra_info("ssl_object") is not None, "verified connection is not encrypted")


async def ddl() -> None:
    async with Session() as conn:
        await conn.execute(f"create table {ITEMS} ({data.ITEMS_COLUMNS})")
        await conn.execute(f"create index {ITEMS}_name_idx on {ITEMS} (name)")
        await conn.execute(f"alter table {ITEMS} add column note varchar(40)")
        statement = await conn.prepare(f"select * from {ITEMS}")
        equal([attribute.name for attribute in statement.get_attributes()],
              ["id", "name", "qty", "price", "created", "note"], "columns after alter table")
        equal(await statement.fetch(), [], "rows of a new table")
        await conn.execute(f"drop index {ITEMS}_name_idx")
        await conn.execute(f"create index {ITEMS}_name_idx on {ITEMS} (name)")


def rows(records) -> list[tuple]:
    return [tuple(record) for record in records]


async def insert_params() -> None:
    async with Session() as conn:
        status = await conn.execute(f"insert into {ITEMS} (id, name, qty, price, created) values ($1, $2, $3, $4, $5)",
                                    1, "apple", 3, 0.5, data.dt.date(2024, 1, 31))
        equal(status, "INSERT 0 1", "command tag of one insert")
        await conn.executemany(f"insert into {ITEMS} (id, name, qty, price) values ($1, $2, $3, $4)",
                               [(2, "pear", 5, 0.75), (3, "plum", None, None), (4, "fig's", 7, 1.25)])
        equal(rows(await conn.fetch(f"select id, name, qty, price, created from {ITEMS} where qty > $1 order by id", 4)),
              [(2, "pear", 5, 0.75, None), (4, "fig's", 7, 1.25, None)], "select where qty > 4")
        equal(await conn.execute(f"update {ITEMS} set qty = qty + $1 where name = $2", 10, "apple"), "UPDATE 1",
              "command tag of update")
        equal(tuple(await conn.fetchrow(f"insert into {ITEMS} (id, name) values ($1, $2) returning id, name, qty", 5, "kiwi")),
              (5, "kiwi", 0), "insert returning (qty has default 0)")
        equal(rows(await conn.fetch(f"delete from {ITEMS} where id = $1 returning name", 3)), [("plum",)], "delete returning")
        equal(rows(await conn.fetch(f"select id, qty from {ITEMS} order by id")), [(1, 13), (2, 5), (4, 7), (5, 0)],
              "rows after update and delete")


async def create_types_table(conn) -> None:
    await conn.execute("set time zone 'UTC'")
    await conn.execute(f"drop table if exists {TYPES}")
    await conn.execute(f"create table {TYPES} ({data.types_table_columns()})")
    await conn.execute(f"insert into {TYPES} (id) values (1)")


async def types_text() -> None:
    """Every type exchanged in its text form: asyncpg's codecs switched to format='text'."""
    failures = []
    async with Session() as conn:
        await create_types_table(conn)
        for column, sql_type, *_ in data.TYPE_CASES:
            name = TYPE_NAMES.get(sql_type, sql_type)
            try:
                await conn.set_type_codec(name, schema="pg_catalog", encoder=str, decoder=str, format="text")
                await conn.execute(f"update {TYPES} set {column} = $1 where id = 1", data.TEXT_INPUTS[column])
                got = await conn.fetchval(f"select {column} from {TYPES} where id = 1")
                if got != data.TEXT_FORMS[column]:
                    failures.append(f"{sql_type}: got {got!r}, expected {data.TEXT_FORMS[column]!r}")
                elif sql_type != "json":
                    count = await conn.fetchval(f"select count(*) from {TYPES} where {column} = $1", data.TEXT_FORMS[column])
                    if str(count) != "1":  # a string once int8 (count's type) has the text codec
                        failures.append(f"{sql_type}: where {column} = parameter matched {count} rows")
            except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                failures.append(f"{sql_type}: {data.one_line(error)}")
    data.failures_summary(failures)


def binary_value(sql_type: str, value):
    """asyncpg reads json as text and uuid as its own UUID class."""
    if sql_type in ("json", "jsonb") and isinstance(value, str):
        return json.loads(value)
    if sql_type == "uuid" and value is not None:
        return uuid.UUID(str(value))
    return value


async def types_binary() -> None:
    failures = []
    async with Session() as conn:
        await create_types_table(conn)
        for column, sql_type, oid, sent, expected in data.TYPE_CASES:
            if sql_type in ("json", "jsonb"):
                sent, probe = json.dumps(sent), json.dumps(expected)
            else:
                probe = expected
            try:
                await conn.execute(f"update {TYPES} set {column} = $1 where id = 1", sent)
                statement = await conn.prepare(f"select {column} from {TYPES} where id = 1")
                got_oid = statement.get_attributes()[0].type.oid
                got = binary_value(sql_type, await statement.fetchval())
                if got_oid != oid:
                    failures.append(f"{sql_type}: type oid {got_oid}, expected {oid}")
                elif not data.same_value(got, expected):
                    failures.append(f"{sql_type}: got {got!r}, expected {expected!r}")
                elif sql_type != "json":
                    count = await conn.fetchval(f"select count(*) from {TYPES} where {column} = $1", probe)
                    if count != 1:
                        failures.append(f"{sql_type}: where {column} = parameter matched {count} rows")
            except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                failures.append(f"{sql_type}: {data.one_line(error)}")
    data.failures_summary(failures)


async def nulls() -> None:
    async with Session() as conn:
        columns = ", ".join(f"{column} {sql_type}" for column, sql_type, *_ in data.TYPE_CASES)
        await conn.execute(f"create table {NULLS} (id int4 primary key, {columns})")
        names = [column for column, *_ in data.TYPE_CASES]
        placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 2))
        await conn.execute(f"insert into {NULLS} (id, {', '.join(names)}) values ({placeholders})",
                           1, *([None] * len(names)))
        statement = await conn.prepare(f"select {', '.join(names)} from {NULLS} where id = $1")
        equal(list(await statement.fetchrow(1)), [None] * len(names), "NULL in every column")
        equal([attribute.type.oid for attribute in statement.get_attributes()],
              [oid for _, _, oid, *_ in data.TYPE_CASES], "type oids of NULL columns")
        equal(await conn.fetchval(f"select count(*) from {NULLS} where c_int4 is null and c_text is null"), 1,
              "is null filter")
        equal(await conn.fetchval(f"select count(*) from {NULLS} where c_int4 = $1", None), 0, "= NULL parameter matches nothing")
        equal(tuple(await conn.fetchrow("select null::int4, coalesce(null::text, $1), $2::text is null", "fallback", None)),
              (None, "fallback", True), "NULL expressions")


async def stream_100k() -> None:
    async with Session() as conn:
        await conn.execute(f"create table {BIG} (id int4 primary key, label text)")
        await conn.execute(f"insert into {BIG} (id, label) select g, 'row ' || g "
                           f"from generate_series(1, {data.STREAM_ROWS}) g")
        count, total, last = 0, 0, None
        async with conn.transaction():
            # A cursor fetches `prefetch` rows per Execute: the result is never held whole.
            async for record in conn.cursor(f"select id, label from {BIG} order by id", prefetch=2000):
                count += 1
                total += record["id"]
                last = tuple(record)
        equal(count, data.STREAM_ROWS, "rows streamed")
        equal(total, data.STREAM_ROWS * (data.STREAM_ROWS + 1) // 2, "sum of ids streamed")
        equal(last, (data.STREAM_ROWS, f"row {data.STREAM_ROWS}"), "last row")


async def transaction_rollback() -> None:
    async with Session() as conn, Session() as observer:
        await conn.execute(f"create table {ACCOUNTS} (id int4 primary key, balance int4 not null)")
        transaction = conn.transaction()
        await transaction.start()
        await conn.execute(f"insert into {ACCOUNTS} values (1, 100)")
        check(conn.is_in_transaction(), "not in a transaction after start()")
        await transaction.rollback()
        equal(await conn.fetchval(f"select count(*) from {ACCOUNTS}"), 0, "rows after rollback")
        async with conn.transaction():
            await conn.execute(f"insert into {ACCOUNTS} values (1, 100)")
            equal(await observer.fetchval(f"select count(*) from {ACCOUNTS}"), 0, "uncommitted row seen by another connection")
        equal(rows(await observer.fetch(f"select balance from {ACCOUNTS}")), [(100,)], "committed row seen by another connection")


async def failed_transaction_25p02() -> None:
    async with Session() as conn:
        transaction = conn.transaction()
        await transaction.start()
        await conn.execute(f"insert into {ACCOUNTS} values (2, 50)")
        try:
            await conn.fetchval("select 1 / 0")
            raise AssertionError("1 / 0 did not fail")
        except asyncpg.DivisionByZeroError:
            pass
        try:
            await conn.fetchval("select 1")
            raise AssertionError("a statement after an error in a transaction succeeded")
        except asyncpg.PostgresError as error:
            equal(error.sqlstate, "25P02", "SQLSTATE of a statement in a failed transaction")
        await transaction.rollback()
        check(not conn.is_in_transaction(), "still in a transaction after rollback")
        equal(await conn.fetchval(f"select count(*) from {ACCOUNTS} where id = 2"), 0, "row of the failed transaction")


async def savepoints() -> None:
    async with Session() as conn:
        await conn.execute(f"delete from {ACCOUNTS}")
        async with conn.transaction():
            await conn.execute(f"insert into {ACCOUNTS} values (10, 1)")
            await conn.execute("savepoint s1")
            await conn.execute(f"insert into {ACCOUNTS} values (11, 1)")
            await conn.execute("rollback to savepoint s1")
            await conn.execute(f"insert into {ACCOUNTS} values (12, 1)")
            # asyncpg's nested transactions are savepoints.
            try:
                async with conn.transaction():
                    await conn.execute(f"insert into {ACCOUNTS} values (13, 1)")
                    await conn.execute(f"insert into {ACCOUNTS} values (10, 1)")
            except asyncpg.UniqueViolationError:
                pass
            await conn.execute(f"insert into {ACCOUNTS} values (14, 1)")
        equal(rows(await conn.fetch(f"select id from {ACCOUNTS} order by id")), [(10,), (12,), (14,)],
              "rows kept after savepoints")


async def prepared_reuse() -> None:
    async with Session() as conn:
        query = f"select id, name from {ITEMS} where id = $1 and qty >= $2"
        statement = await conn.prepare(query)
        equal([parameter.name for parameter in statement.get_parameters()], ["int4", "int4"], "parameter types")
        for run in range(data.PREPARED_RUNS):
            expected = [(1, "apple")] if run % 2 == 0 else [(2, "pear")]
            equal(rows(await statement.fetch(1 + run % 2, run % 3)), expected, f"prepared run {run}")
            # conn.fetch goes through asyncpg's statement cache: one Parse, then reuse.
            equal(rows(await conn.fetch(query, 1 + run % 2, run % 3)), expected, f"cached run {run}")


async def error_sqlstate() -> None:
    failures = []
    async with Session() as conn:
        for statement, sqlstate in data.ERROR_CASES:
            sql = statement.format(items=ITEMS, prefix=env.prefix)
            try:
                await conn.execute(sql)
                failures.append(f"{sql!r} succeeded, expected {sqlstate}")
            except asyncpg.PostgresError as error:
                if error.sqlstate != sqlstate:
                    failures.append(f"{sql!r}: {error.sqlstate} ({error}), expected {sqlstate}")
        equal(await conn.fetchval("select 1"), 1, "connection after the errors")
    data.failures_summary(failures)


async def copy_in() -> None:
    async with Session() as conn:
        await conn.execute(f"create table {COPY} ({data.COPY_COLUMNS})")
        # copy_records_to_table sends COPY ... FROM STDIN (FORMAT binary).
        await conn.copy_records_to_table(COPY, records=data.COPY_ROWS[:3], columns=["id", "name", "amount"])
        lines = data.COPY_TEXT.splitlines(keepends=True)
        await conn.copy_to_table(COPY, source=io.BytesIO("".join(lines[3:]).encode()), columns=["id", "name", "amount"])
        data.same_rows(await conn.fetch(f"select id, name, amount from {COPY} order by id"), data.COPY_ROWS, "rows copied in")


async def copy_out() -> None:
    async with Session() as conn:
        # The rows again, inserted without COPY: this step does not depend on copy_in.
        await conn.execute(f"delete from {COPY}")
        await conn.executemany(f"insert into {COPY} (id, name, amount) values ($1, $2, $3)", data.COPY_ROWS)
        buffer = io.BytesIO()
        await conn.copy_from_query(f"select id, name, amount from {COPY} order by id", output=buffer)
        equal(buffer.getvalue().decode(), data.COPY_TEXT, "COPY TO STDOUT text")
        buffer = io.BytesIO()
        await conn.copy_from_table(COPY, columns=["id", "amount"], output=buffer, format="csv")
        expected = sorted(f"{i},{amount if amount is not None else ''}" for i, _, amount in data.COPY_ROWS)
        equal(sorted(buffer.getvalue().decode().splitlines()), expected, "COPY table TO STDOUT csv")


async def cancel() -> None:
    # asyncpg's cancel is its timeout: on expiry it sends a CancelRequest and waits for the
    # server to end the query; the connection is usable only once the server has cancelled it.
    async with Session() as conn:
        started = time.monotonic()
        try:
            await conn.fetchval(data.CANCEL_SQL, timeout=data.CANCEL_AFTER_SECONDS)
            raise AssertionError("the long query finished instead of being cancelled")
        except asyncio.TimeoutError:
            pass
        value = await asyncio.wait_for(conn.fetchval("select 1"), data.CANCEL_WITHIN_SECONDS)
        elapsed = time.monotonic() - started
        equal(value, 1, "select 1 after the cancel")
        check(elapsed < data.CANCEL_WITHIN_SECONDS, f"the cancel took {elapsed:.1f} s")


async def introspection() -> None:
    async with Session() as conn:
        # asyncpg's metadata API: a prepared statement's attributes and parameters, with type
        # names introspected from pg_type.
        statement = await conn.prepare(f"select * from {ITEMS} where id = $1")
        equal([(attribute.name, attribute.type.name) for attribute in statement.get_attributes()],
              [("id", "int4"), ("name", "text"), ("qty", "int4"), ("price", "float8"), ("created", "date"),
               ("note", "varchar")], "statement attributes")
        equal([parameter.name for parameter in statement.get_parameters()], ["int4"], "statement parameters")
        equal(rows(await conn.fetch(data.INFORMATION_SCHEMA_SQL.format(table=ITEMS))), data.ITEMS_INFORMATION_SCHEMA,
              "information_schema.columns")
        equal(rows(await conn.fetch(data.PG_ATTRIBUTE_SQL.format(table=ITEMS))), data.ITEMS_FORMAT_TYPE,
              "pg_attribute with format_type")
        equal(rows(await conn.fetch(data.PRIMARY_KEY_SQL.format(table=ITEMS))), [("id",)], "primary key from pg_index")


async def executemany() -> None:
    async with Session() as conn:
        await conn.execute(f"create table {BATCH} (id int4 primary key, name text, score float8)")
        await conn.executemany(f"insert into {BATCH} (id, name, score) values ($1, $2, $3)",
                               [(i, f"name {i}", i / 4) for i in range(1, 1001)])
        equal(tuple(await conn.fetchrow(f"select count(*), sum(score) from {BATCH}")),
              (1000, sum(i / 4 for i in range(1, 1001))), "count and sum after executemany")
        try:
            await conn.executemany(f"insert into {BATCH} (id, name, score) values ($1, $2, $3)",
                                   [(2001, "new", 0.0), (5, "duplicate", 0.0)])
            raise AssertionError("a duplicate key in executemany was accepted")
        except asyncpg.UniqueViolationError:
            pass
        # executemany runs in one implicit transaction: the whole batch is gone.
        equal(await conn.fetchval(f"select count(*) from {BATCH} where id = 2001"), 0, "row of the failed batch")


async def main() -> None:
    data.report_version(f"asyncpg {asyncpg.__version__}")
    await data.before_steps_async(drop_tables)
    steps = [
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
        ("executemany", executemany),
    ]
    for step, function in steps:
        await data.run_async_step(step, function)


if __name__ == "__main__":
    asyncio.run(main())
