"""Arrow Flight SQL conformance for pgbridge with the clients analysts use: ADBC's Flight SQL
driver (adbc-driver-flightsql, through its DB-API) and pyarrow.flight.

Run against a pgbridge started with --flight-listen:

    PGBRIDGE_FLIGHT_URI=grpc://127.0.0.1:PORT PGBRIDGE_DSN="host=... port=..." pytest conformance/flight

`scripts/test.sh flight` starts pgbridge with both listeners and sets both variables.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from decimal import Decimal

import adbc_driver_flightsql.dbapi as flight_sql
import adbc_driver_manager
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.flight as flight
import pytest

UTC = dt.timezone.utc


@pytest.fixture(scope="session")
def uri() -> str:
    value = os.environ.get("PGBRIDGE_FLIGHT_URI")
    if not value:
        pytest.fail("PGBRIDGE_FLIGHT_URI is not set (grpc://HOST:PORT of pgbridge --flight-listen)")
    return value


@pytest.fixture
def conn(uri):
    with flight_sql.connect(uri, autocommit=True) as connection:
        yield connection


def test_query_types_arrive_as_arrow_types(conn):
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TABLE typed (id int4 PRIMARY KEY, big int8, f8 double precision,"
            " price numeric(10,2), name text, raw bytea, ok boolean, day date, at timestamp,"
            " atz timestamptz, u uuid, doc jsonb)"
        )
        cur.execute(
            "INSERT INTO typed VALUES (1, 9000000000, 0.5, 12.34, 'ann', '\\x00ff', true,"
            " '2024-02-29', '2024-01-02 03:04:05.5', '2024-01-02 03:04:05+02',"
            " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"k\": [1, 2]}'),"
            " (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
        )
        assert cur.rowcount == 2
        cur.execute("SELECT * FROM typed ORDER BY id")
        table = cur.fetch_arrow_table()
    assert table.schema.types == [
        pa.int32(),
        pa.int64(),
        pa.float64(),
        pa.decimal128(10, 2),
        pa.string(),
        pa.binary(),
        pa.bool_(),
        pa.date32(),
        pa.timestamp("us"),
        pa.timestamp("us", tz="UTC"),
        pa.uuid(),
        pa.json_(pa.string()),
    ]
    first = table.slice(0, 1).to_pylist()[0]
    assert first["big"] == 9000000000
    assert first["price"] == Decimal("12.34")
    assert first["raw"] == b"\x00\xff"
    assert first["day"] == dt.date(2024, 2, 29)
    assert first["at"] == dt.datetime(2024, 1, 2, 3, 4, 5, 500000)
    assert first["atz"] == dt.datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert first["u"] == uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
    assert first["doc"] == '{"k": [1, 2]}'
    assert table.slice(1, 1).to_pylist()[0]["name"] is None


def test_parameters_go_through_prepared_statements(conn):
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE people (id int4 PRIMARY KEY, name text, born date)")
        cur.executemany(
            "INSERT INTO people VALUES (?, ?, ?)",
            [(1, "ann", dt.date(1990, 1, 2)), (2, "bob", None), (3, "it's ?", dt.date(2000, 3, 4))],
        )
        cur.execute("SELECT name FROM people WHERE id >= ? AND name <> ? ORDER BY id", (2, "nobody"))
        assert cur.fetchall() == [("bob",), ("it's ?",)]
        cur.execute("SELECT id FROM people WHERE born = $1", (dt.date(1990, 1, 2),))
        assert cur.fetchall() == [(1,)]
        cur.execute("SELECT id, name FROM people WHERE id < 0")
        empty = cur.fetch_arrow_table()
        assert empty.num_rows == 0
        assert empty.schema.names == ["id", "name"]


def test_metadata_calls(conn):
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE meta_orders (id int8, line int4, total numeric(8,2), PRIMARY KEY (id, line))")
    schema = conn.adbc_get_table_schema("meta_orders")
    assert schema.names == ["id", "line", "total"]
    assert schema.types == [pa.int64(), pa.int32(), pa.decimal128(8, 2)]
    assert set(conn.adbc_get_table_types()) >= {"TABLE", "VIEW"}
    objects = conn.adbc_get_objects(depth="tables", table_name_filter="meta_%").read_all().to_pylist()
    tables = [
        table["table_name"]
        for catalog in objects
        for schema_entry in catalog["catalog_db_schemas"] or []
        for table in schema_entry["db_schema_tables"] or []
    ]
    assert tables == ["meta_orders"]
    info = conn.adbc_get_info()
    assert info["vendor_name"] == "pgbridge"


def test_ingest_of_a_pandas_frame(conn, uri):
    frame = pd.DataFrame(
        {
            "id": range(1, 1001),
            "score": [i / 4 for i in range(1, 1001)],
            "label": [f"row {i}" for i in range(1, 1001)],
            "at": pd.date_range("2024-01-01", periods=1000, freq="min", tz="UTC"),
        }
    )
    with conn.cursor() as cur:
        assert cur.adbc_ingest("scores", frame, mode="create") == 1000
        assert cur.adbc_ingest("scores", frame.head(10), mode="append") == 10
        # sum(int8) is numeric without a precision, which Flight sends as its exact text.
        cur.execute("SELECT count(*), sum(id), sum(id)::int8 FROM scores")
        assert cur.fetchall() == [(1010, "500555", 500555)]
        with pytest.raises(adbc_driver_manager.Error) as error:
            cur.adbc_ingest("scores", frame.head(1), mode="create")
        assert "SQLSTATE 42P07" in str(error.value)
        cur.adbc_ingest("scores", frame.head(3), mode="replace")
        cur.execute("SELECT label, at FROM scores ORDER BY id")
        back = cur.fetch_df()
    assert list(back["label"]) == ["row 1", "row 2", "row 3"]
    assert back["at"][2] == pd.Timestamp("2024-01-01 00:02", tz="UTC")


def test_errors_carry_their_sqlstate(conn):
    with conn.cursor() as cur:
        with pytest.raises(adbc_driver_manager.ProgrammingError) as missing:
            cur.execute("SELECT * FROM no_such_table")
        assert "SQLSTATE 42P01" in str(missing.value)
        with pytest.raises(adbc_driver_manager.Error) as syntax:
            cur.execute("SELEC 1")
        assert "SQLSTATE 42601" in str(syntax.value)


def test_writes_through_flight_are_seen_by_the_wire_front_end(conn):
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE shared_counter (n int4)")
        cur.execute("INSERT INTO shared_counter VALUES (41), (1)")
    with psycopg.connect(os.environ["PGBRIDGE_DSN"]) as wire:
        assert wire.execute("SELECT sum(n) FROM shared_counter").fetchone() == (42,)


def test_pyarrow_flight_do_get_with_sql_ticket(uri):
    client = flight.connect(uri)
    table = client.do_get(flight.Ticket(b"SELECT 40 + 2 AS answer, 'x' AS letter")).read_all()
    assert table.to_pylist() == [{"answer": 42, "letter": "x"}]
    info = client.get_flight_info(flight.FlightDescriptor.for_command(b"SELECT 1 AS one"))
    assert info.schema.names == ["one"]
    assert client.do_get(info.endpoints[0].ticket).read_all().to_pylist() == [{"one": 1}]
