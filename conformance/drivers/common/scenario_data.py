"""What every Python client of the driver matrix shares: the environment the runner gives, the
step reporter (one JSON line per step on stdout), and the scenario's data.

The data is the scenario (conformance/drivers/README.md): the same values for every client, so
the matrix compares like with like. Expected values are what PostgreSQL returns.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import traceback
import uuid
from dataclasses import dataclass
from decimal import Decimal

UTC = dt.timezone.utc

CORE_STEPS = [
    "connect_trust", "connect_md5", "connect_scram", "connect_tls", "ddl", "insert_params",
    "types_text", "types_binary", "nulls", "stream_100k", "transaction_rollback",
    "failed_transaction_25P02", "savepoints", "prepared_reuse", "error_sqlstate", "copy_in",
    "copy_out", "cancel", "introspection",
]

STREAM_ROWS = 100_000
PREPARED_RUNS = 20  # past every driver's auto-prepare threshold (psycopg 5, pgjdbc 5, asyncpg 0)
# Long enough on both columns that only a cancel ends it in seconds.
CANCEL_SQL = (
    "with recursive r(i) as (select 1 union all select i + 1 from r where i < 200000000) "
    "select count(*) from r"
)
CANCEL_AFTER_SECONDS = 1.0
CANCEL_WITHIN_SECONDS = 15.0


class NotApplicable(Exception):
    """A step the client cannot run for a reason outside pgbridge (the reason is the message)."""


@dataclass
class Environment:
    target: str
    host: str
    port: int
    user: str
    database: str
    dsn: str
    md5_dsn: str
    scram_dsn: str
    tls_dsn: str
    ca: str
    prefix: str

    @staticmethod
    def from_os() -> "Environment":
        get = os.environ.get
        return Environment(
            target=get("PGBRIDGE_DRIVER_TARGET", ""),
            host=get("PGBRIDGE_DRIVER_HOST", "127.0.0.1"),
            port=int(get("PGBRIDGE_DRIVER_PORT", "5432")),
            user=get("PGBRIDGE_DRIVER_USER", "postgres"),
            database=get("PGBRIDGE_DRIVER_DATABASE", "test"),
            dsn=get("PGBRIDGE_DRIVER_DSN", ""),
            md5_dsn=get("PGBRIDGE_DRIVER_MD5_DSN", ""),
            scram_dsn=get("PGBRIDGE_DRIVER_SCRAM_DSN", ""),
            tls_dsn=get("PGBRIDGE_DRIVER_TLS_DSN", ""),
            ca=get("PGBRIDGE_DRIVER_CA", ""),
            prefix=get("PGBRIDGE_DRIVER_TABLE_PREFIX", "drivers_"),
        )

    def table(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def auth_dsn(self, method: str) -> str:
        """The md5/scram/tls DSN, or NotApplicable when this target gives none."""
        value = {"md5": self.md5_dsn, "scram": self.scram_dsn, "tls": self.tls_dsn}[method]
        if not value:
            what = "TLS" if method == "tls" else f"{method} user"
            raise NotApplicable(f"target has no {what} (the runner gave no DSN for it)")
        return value


def wrong_password(dsn: str) -> str:
    """The same URL with another password: the server must refuse it with 28P01."""
    scheme, rest = dsn.split("://", 1)
    credentials, location = rest.split("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:not-the-password@{location}"


def emit(item: dict) -> None:
    sys.stdout.write(json.dumps(item) + "\n")
    sys.stdout.flush()


def report_version(text: str) -> None:
    emit({"version": text})


def one_line(error: BaseException) -> str:
    text = str(error).strip() or repr(error)
    return f"{type(error).__name__}: {text}"


def report(step: str, error: BaseException | None) -> None:
    """One step's line: pass without an error, n/a for NotApplicable, fail for anything else."""
    if error is None:
        emit({"step": step, "status": "pass", "detail": ""})
    elif isinstance(error, NotApplicable):
        emit({"step": step, "status": "n/a", "detail": str(error)})
    else:
        traceback.print_exception(error, file=sys.stderr)
        emit({"step": step, "status": "fail", "detail": one_line(error)})


def run_steps(steps) -> None:
    """Runs (step id, function) pairs in order, reporting each; a step never stops the rest."""
    for step, function in steps:
        try:
            function()
        except Exception as error:  # noqa: BLE001 - every failure is the step's result
            report(step, error)
        else:
            report(step, None)


async def run_async_step(step: str, function) -> None:
    """run_steps for one coroutine function."""
    try:
        await function()
    except Exception as error:  # noqa: BLE001 - every failure is the step's result
        report(step, error)
    else:
        report(step, None)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def equal(actual, expected, what: str) -> None:
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def failures_summary(failures: list[str]) -> None:
    if failures:
        raise AssertionError(f"{len(failures)} wrong: " + "; ".join(failures))


# (column name, SQL type, OID, value sent, value expected back) in Python's types as psycopg 3
# reads them; clients whose driver reads a type otherwise convert through `normalise` hooks.
TYPE_CASES = [
    ("c_bool", "bool", 16, True, True),
    ("c_int2", "int2", 21, -32768, -32768),
    ("c_int4", "int4", 23, 2147483647, 2147483647),
    ("c_int8", "int8", 20, -9223372036854775808, -9223372036854775808),
    ("c_float4", "float4", 700, 1.5, 1.5),
    ("c_float8", "float8", 701, 3.141592653589793, 3.141592653589793),
    ("c_numeric", "numeric", 1700, Decimal("12345678901234567890.123456789"),
     Decimal("12345678901234567890.123456789")),
    ("c_numeric_scaled", "numeric(10,2)", 1700, Decimal("1234.50"), Decimal("1234.50")),
    ("c_text", "text", 25, "héllo wörld ✓ 'quoted' \\ back\ttab", "héllo wörld ✓ 'quoted' \\ back\ttab"),
    ("c_varchar", "varchar(20)", 1043, "varying", "varying"),
    ("c_char", "char(5)", 1042, "ab", "ab   "),
    ("c_bytea", "bytea", 17, b"\x00\x01\xffbin\\", b"\x00\x01\xffbin\\"),
    ("c_date", "date", 1082, dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
    ("c_time", "time", 1083, dt.time(13, 45, 6, 789000), dt.time(13, 45, 6, 789000)),
    ("c_timestamp", "timestamp", 1114, dt.datetime(2024, 2, 29, 13, 45, 6, 123456),
     dt.datetime(2024, 2, 29, 13, 45, 6, 123456)),
    ("c_timestamptz", "timestamptz", 1184,
     dt.datetime(2024, 2, 29, 13, 45, 6, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2))),
     dt.datetime(2024, 2, 29, 11, 45, 6, 123456, tzinfo=UTC)),
    ("c_interval", "interval", 1186, dt.timedelta(days=3, hours=4, minutes=5, seconds=6),
     dt.timedelta(days=3, seconds=14706)),
    ("c_uuid", "uuid", 2950, uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
     uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
    ("c_json", "json", 114, {"a": [1, 2, {"b": None}], "c": "d"}, {"a": [1, 2, {"b": None}], "c": "d"}),
    ("c_jsonb", "jsonb", 3802, {"a": [1, 2, {"b": None}], "c": "d"}, {"a": [1, 2, {"b": None}], "c": "d"}),
]


def types_table_columns() -> str:
    return ", ".join(["id int4 primary key"] + [f"{column} {sql_type}" for column, sql_type, *_ in TYPE_CASES])


def same_value(actual, expected) -> bool:
    """Equality that also requires the same Python type (1 == 1.0 == True would hide a wrong type)."""
    return actual == expected and type(actual) is type(expected)


# (statement, SQLSTATE PostgreSQL gives); {items} is the client's items table.
ERROR_CASES = [
    ("select * from {prefix}no_such_table", "42P01"),
    ("select no_such_column from {items}", "42703"),
    ("selec 1", "42601"),
    ("select 1 / 0", "22012"),
    ("insert into {items} (id, name) values (1, 'duplicate')", "23505"),
    ("insert into {items} (id, name) values (99, null)", "23502"),
    ("select 'abc'::int4", "22P02"),
    ("create table {items} (id int4)", "42P07"),
    ("select no_such_function(1)", "42883"),
]


# The COPY rows: (id, name, amount); text format has \N for NULL and escapes tab/newline/backslash.
COPY_ROWS = [
    (1, "plain", Decimal("1.25")),
    (2, "tab\there", None),
    (3, "new\nline", Decimal("-7.50")),
    (4, "back\\slash ✓", Decimal("0.00")),
    (5, None, Decimal("100.00")),
]
COPY_TEXT = (
    "1\tplain\t1.25\n"
    "2\ttab\\there\t\\N\n"
    "3\tnew\\nline\t-7.50\n"
    "4\tback\\\\slash ✓\t0.00\n"
    "5\t\\N\t100.00\n"
)
COPY_COLUMNS = "id int4 primary key, name text, amount numeric(10,2)"

# The items table of ddl/insert/errors/introspection, as information_schema describes it.
ITEMS_COLUMNS = "id int4 primary key, name text not null, qty int4 default 0, price float8, created date"
ITEMS_INFORMATION_SCHEMA = [
    ("id", "integer", "NO"),
    ("name", "text", "NO"),
    ("qty", "integer", "YES"),
    ("price", "double precision", "YES"),
    ("created", "date", "YES"),
    ("note", "character varying", "YES"),
]
ITEMS_FORMAT_TYPE = [
    ("id", "integer", True),
    ("name", "text", True),
    ("qty", "integer", False),
    ("price", "double precision", False),
    ("created", "date", False),
    ("note", "character varying(40)", False),
]
INFORMATION_SCHEMA_SQL = (
    "select column_name, data_type, is_nullable from information_schema.columns "
    "where table_name = '{table}' order by ordinal_position"
)
PG_ATTRIBUTE_SQL = (
    "select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull "
    "from pg_catalog.pg_attribute a join pg_catalog.pg_class c on a.attrelid = c.oid "
    "where c.relname = '{table}' and a.attnum > 0 and not a.attisdropped order by a.attnum"
)
PRIMARY_KEY_SQL = (
    "select a.attname from pg_catalog.pg_index i "
    "join pg_catalog.pg_class c on c.oid = i.indrelid "
    "join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey) "
    "where c.relname = '{table}' and i.indisprimary"
)

# The text form PostgreSQL prints for each TYPE_CASES value (session time zone UTC), used by
# clients that exchange a type's text form themselves (asyncpg with text codecs, node-postgres).
TEXT_FORMS = {
    "c_bool": "t",
    "c_int2": "-32768",
    "c_int4": "2147483647",
    "c_int8": "-9223372036854775808",
    "c_float4": "1.5",
    "c_float8": "3.141592653589793",
    "c_numeric": "12345678901234567890.123456789",
    "c_numeric_scaled": "1234.50",
    "c_text": "héllo wörld ✓ 'quoted' \\ back\ttab",
    "c_varchar": "varying",
    "c_char": "ab   ",
    "c_bytea": "\\x0001ff62696e5c",
    "c_date": "2024-02-29",
    "c_time": "13:45:06.789",
    "c_timestamp": "2024-02-29 13:45:06.123456",
    "c_timestamptz": "2024-02-29 11:45:06.123456+00",
    "c_interval": "3 days 04:05:06",
    "c_uuid": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    "c_json": '{"a": [1, 2, {"b": null}], "c": "d"}',
    "c_jsonb": '{"a": [1, 2, {"b": null}], "c": "d"}',
}
# What a client sends as text where the printed form is not what it sends (an offset, a char(n)).
TEXT_INPUTS = {
    **TEXT_FORMS,
    "c_char": "ab",
    "c_timestamptz": "2024-02-29 13:45:06.123456+02",
}
