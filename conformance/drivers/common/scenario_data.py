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
from pathlib import Path
from decimal import Decimal

UTC = dt.timezone.utc

CORE_STEPS = [
    "connect_trust", "connect_md5", "connect_scram", "connect_tls", "ddl", "insert_params",
    "types_text", "types_binary", "nulls", "stream_100k", "transaction_rollback",
    "failed_transaction_25P02", "savepoints", "prepared_reuse", "error_sqlstate", "copy_in",
    "copy_out", "cancel", "introspection",
]

SCENARIO = json.loads((Path(__file__).resolve().parent / "scenario.json").read_text())

STREAM_ROWS = SCENARIO["stream_rows"]
PREPARED_RUNS = SCENARIO["prepared_runs"]  # past every driver's auto-prepare threshold
CANCEL_SQL = SCENARIO["cancel_sql"]  # long enough on both columns that only a cancel ends it
CANCEL_AFTER_SECONDS = SCENARIO["cancel_after_seconds"]
CANCEL_WITHIN_SECONDS = SCENARIO["cancel_within_seconds"]


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
    """Runs (step id, function) pairs in order, reporting each; a step never stops the rest.
    A pair with the id "" is preparation between steps, not reported."""
    for step, function in steps:
        if not step:
            function()
            continue
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


def before_steps(function) -> None:
    """Runs the client's preparation (dropping its tables); a failure is logged, and each step
    then fails, or not, on its own."""
    try:
        function()
    except Exception:  # noqa: BLE001 - the steps report what this breaks
        print("preparation failed (the steps go on):", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)


async def before_steps_async(function) -> None:
    """before_steps for a coroutine function."""
    try:
        await function()
    except Exception:  # noqa: BLE001 - the steps report what this breaks
        print("preparation failed (the steps go on):", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def equal(actual, expected, what: str) -> None:
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def failures_summary(failures: list[str]) -> None:
    if failures:
        raise AssertionError(f"{len(failures)} wrong: " + "; ".join(failures))


# (column, value sent, value expected back) in Python's types as psycopg 3 reads them.
_PYTHON_VALUES = [
    ("c_bool", True, True),
    ("c_int2", -32768, -32768),
    ("c_int4", 2147483647, 2147483647),
    ("c_int8", -9223372036854775808, -9223372036854775808),
    ("c_float4", 1.5, 1.5),
    ("c_float8", 3.141592653589793, 3.141592653589793),
    ("c_numeric", Decimal("12345678901234567890.123456789"),
     Decimal("12345678901234567890.123456789")),
    ("c_numeric_scaled", Decimal("1234.50"), Decimal("1234.50")),
    ("c_text", "héllo wörld ✓ 'quoted' \\ back\ttab", "héllo wörld ✓ 'quoted' \\ back\ttab"),
    ("c_varchar", "varying", "varying"),
    ("c_char", "ab", "ab   "),
    ("c_bytea", b"\x00\x01\xffbin\\", b"\x00\x01\xffbin\\"),
    ("c_date", dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
    ("c_time", dt.time(13, 45, 6, 789000), dt.time(13, 45, 6, 789000)),
    ("c_timestamp", dt.datetime(2024, 2, 29, 13, 45, 6, 123456),
     dt.datetime(2024, 2, 29, 13, 45, 6, 123456)),
    ("c_timestamptz",
     dt.datetime(2024, 2, 29, 13, 45, 6, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2))),
     dt.datetime(2024, 2, 29, 11, 45, 6, 123456, tzinfo=UTC)),
    ("c_interval", dt.timedelta(days=3, hours=4, minutes=5, seconds=6),
     dt.timedelta(days=3, seconds=14706)),
    ("c_uuid", uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
     uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
    ("c_json", {"a": [1, 2, {"b": None}], "c": "d"}, {"a": [1, 2, {"b": None}], "c": "d"}),
    ("c_jsonb", {"a": [1, 2, {"b": None}], "c": "d"}, {"a": [1, 2, {"b": None}], "c": "d"}),
]
_BY_COLUMN = {column: (sent, expected) for column, sent, expected in _PYTHON_VALUES}
# (column name, SQL type, OID, value sent, value expected back), in scenario.json's order.
TYPE_CASES = [
    (case["column"], case["sql_type"], case["oid"], *_BY_COLUMN[case["column"]]) for case in SCENARIO["types"]
]
TEXT_FORMS = {case["column"]: case["text_output"] for case in SCENARIO["types"]}
TEXT_INPUTS = {case["column"]: case["text_input"] for case in SCENARIO["types"]}


def types_table_columns() -> str:
    return ", ".join(["id int4 primary key"] + [f"{column} {sql_type}" for column, sql_type, *_ in TYPE_CASES])


def same_value(actual, expected) -> bool:
    """Equality that also requires the same Python type (1 == 1.0 == True would hide a wrong type)."""
    if isinstance(expected, Decimal):  # numeric keeps its scale: 1.50 is not 1.5 in PostgreSQL
        return isinstance(actual, Decimal) and str(actual) == str(expected)
    return actual == expected and type(actual) is type(expected)


def same_rows(actual, expected, what: str) -> None:
    """Rows equal value by value under same_value (so numeric scale and types count)."""
    actual = [tuple(row) for row in actual]
    if len(actual) != len(expected) or not all(
        len(a) == len(e) and all(same_value(x, y) or (x is None and y is None) for x, y in zip(a, e))
        for a, e in zip(actual, expected)
    ):
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


# (statement, SQLSTATE PostgreSQL gives); {items} is the client's items table.
ERROR_CASES = [(case["sql"], case["sqlstate"]) for case in SCENARIO["error_cases"]]

# The COPY rows as Python values: (id, name, amount); COPY_TEXT is their text format.
COPY_ROWS = [
    (1, "plain", Decimal("1.25")),
    (2, "tab\there", None),
    (3, "new\nline", Decimal("-7.50")),
    (4, "back\\slash ✓", Decimal("0.00")),
    (5, None, Decimal("100.00")),
]
COPY_TEXT = SCENARIO["copy_text"]
COPY_COLUMNS = SCENARIO["copy_columns"]

# The items table of ddl/insert/errors/introspection, and how the catalogs describe it.
ITEMS_COLUMNS = SCENARIO["items_columns"]
ITEMS_INFORMATION_SCHEMA = [tuple(row) for row in SCENARIO["items_information_schema"]]
ITEMS_FORMAT_TYPE = [tuple(row) for row in SCENARIO["items_format_type"]]
INFORMATION_SCHEMA_SQL = SCENARIO["information_schema_sql"]
PG_ATTRIBUTE_SQL = SCENARIO["pg_attribute_sql"]
PRIMARY_KEY_SQL = SCENARIO["primary_key_sql"]
