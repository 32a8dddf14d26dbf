"""Export of a 10-column table to pandas: Arrow Flight SQL from pgbridge against the other paths.

    cargo build --release --bin pgbridge --features arrow
    .venv/bin/python bench/flight_export.py [--rows 1000000] [--pgbridge target/release/pgbridge]
        [--postgres "host=127.0.0.1 port=5432 user=postgres dbname=test"]

Needs adbc-driver-flightsql, adbc-driver-manager, pyarrow, pandas and psycopg in the venv
(conformance/flight/requirements.txt). Starts pgbridge on a new SQLite file with both listeners,
creates `bench_export` (int8, int4, int8, float8, real, numeric(12,2), text, varchar(20),
timestamp, timestamptz) through the wire front end, loads N deterministic rows with ADBC ingest,
and copies the same rows into the real PostgreSQL named by --postgres. Then it times, one run
each, reading the whole table into a pandas DataFrame:

1. ADBC Flight SQL from pgbridge (`cursor.fetch_df()`),
2. psycopg 3 through pgbridge's wire front end, binary results (`fetchall` -> DataFrame),
3. psycopg 3 from the real PostgreSQL, binary results,
4. JSON: the rows as JSON objects from the same SQLite file (`json_object(..)` in sqlite3,
   `json.loads` per row -> DataFrame),
5. the backend alone: python's sqlite3 iterating the same rows (no DataFrame), a lower bound of
   what scanning SQLite costs from Python (the issue's rusqlite scan is not measured here).

Prints rows/s for each and the ratios. With the default 1,000,000 rows it writes
bench/results/flight_export.md and regenerates docs/performance.md; smaller runs only print.
Not a test: scripts/test.sh does not run it. Do not run it while other builds use the CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import adbc_driver_flightsql.dbapi as flight_sql
import pandas as pd
import psycopg
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "flight_export.md"
FULL_ROWS = 1_000_000

CREATE = """CREATE TABLE bench_export (
    id int8 PRIMARY KEY, qty int4, big int8, ratio float8, score real, price numeric(12,2),
    name text, code varchar(20), at timestamp, atz timestamptz)"""
COLUMNS = ["id", "qty", "big", "ratio", "score", "price", "name", "code", "at", "atz"]


def make_table(rows: int) -> pa.Table:
    """N deterministic rows of the benchmark table as Arrow."""
    base = dt.datetime(2024, 1, 1)
    ids = list(range(1, rows + 1))
    return pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "qty": pa.array([i % 1000 for i in ids], pa.int32()),
            "big": pa.array([i * 1_000_003 for i in ids], pa.int64()),
            "ratio": pa.array([i / 7 for i in ids], pa.float64()),
            "score": pa.array([(i % 100) / 4 for i in ids], pa.float32()),
            "price": pa.array([Decimal(i % 100000) / 100 for i in ids], pa.decimal128(12, 2)),
            "name": pa.array([f"name {i}" for i in ids], pa.string()),
            "code": pa.array([f"C{i % 9973:05d}" for i in ids], pa.string()),
            "at": pa.array([base + dt.timedelta(seconds=i) for i in ids], pa.timestamp("us")),
            "atz": pa.array(
                [base.replace(tzinfo=dt.timezone.utc) + dt.timedelta(seconds=i) for i in ids],
                pa.timestamp("us", tz="UTC"),
            ),
        }
    )


def start_pgbridge(binary: Path, database: Path, log_path: Path):
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(binary), "--listen", "127.0.0.1:0", "--flight-listen", "127.0.0.1:0",
         "--backend", f"sqlite://{database}", "--log-level", "warn,pgbridge=info"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        text = log_path.read_text()
        wire = re.search(r" listening on ([0-9.]+):(\d+)", text)
        flight = re.search(r"flight listening on ([0-9.]+:\d+)", text)
        if wire and flight:
            dsn = f"host={wire.group(1)} port={wire.group(2)} user=postgres dbname=bench"
            return process, dsn, f"grpc://{flight.group(1)}"
        if process.poll() is not None:
            sys.exit(f"pgbridge exited:\n{text}")
        time.sleep(0.1)
    process.kill()
    sys.exit("pgbridge did not start within 30 s")


def timed(label: str, rows: int, run) -> tuple[str, float]:
    started = time.perf_counter()
    got = run()
    seconds = time.perf_counter() - started
    if got != rows:
        sys.exit(f"{label}: read {got} rows, expected {rows}")
    rate = rows / seconds
    print(f"{label:<45} {seconds:8.2f} s {rate:14,.0f} rows/s", flush=True)
    return label, rate


def psycopg_frame(dsn: str) -> int:
    with psycopg.connect(dsn) as conn, conn.cursor(binary=True) as cur:
        cur.execute("SELECT * FROM bench_export")
        frame = pd.DataFrame(cur.fetchall(), columns=COLUMNS)
    return len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=FULL_ROWS)
    parser.add_argument("--pgbridge", type=Path, default=ROOT / "target" / "release" / "pgbridge")
    parser.add_argument("--postgres", default="host=127.0.0.1 port=5432 user=postgres dbname=test")
    args = parser.parse_args()
    rows = args.rows

    print(f"generating {rows:,} rows", flush=True)
    table = make_table(rows)
    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "bench.db"
        process, dsn, uri = start_pgbridge(args.pgbridge, database, Path(directory) / "pgbridge.log")
        try:
            with psycopg.connect(dsn, autocommit=True) as wire:
                wire.execute(CREATE)
            with flight_sql.connect(uri, autocommit=True) as conn, conn.cursor() as cur:
                # ADBC refuses to send a gRPC message over 16 MiB: ingest in batches of 50,000 rows.
                batches = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=50_000))
                loaded = cur.adbc_ingest("bench_export", batches, mode="append")
            print(f"loaded {loaded:,} rows into pgbridge (SQLite)", flush=True)
            with psycopg.connect(args.postgres, autocommit=True) as pg:
                pg.execute("DROP TABLE IF EXISTS bench_export")
                pg.execute(CREATE)
                with pg.cursor().copy(f"COPY bench_export ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in table.to_pylist():
                        copy.write_row([row[c] for c in COLUMNS])
            print("loaded the same rows into PostgreSQL", flush=True)

            def flight_frame() -> int:
                with flight_sql.connect(uri, autocommit=True) as conn, conn.cursor() as cur:
                    cur.execute("SELECT * FROM bench_export")
                    return len(cur.fetch_df())

            results = [
                timed("ADBC Flight SQL from pgbridge", rows, flight_frame),
                timed("psycopg (binary) through pgbridge", rows, lambda: psycopg_frame(dsn)),
                timed("psycopg (binary) from PostgreSQL", rows, lambda: psycopg_frame(args.postgres)),
            ]
        finally:
            process.terminate()
            process.wait(timeout=30)

        pairs = ", ".join(f"'{c}', {c}" for c in COLUMNS)

        def json_frame() -> int:
            with sqlite3.connect(database) as sqlite:
                objects = [json.loads(text) for (text,) in sqlite.execute(f"SELECT json_object({pairs}) FROM bench_export")]
            return len(pd.DataFrame(objects))

        def sqlite_scan() -> int:
            with sqlite3.connect(database) as sqlite:
                return sum(1 for _ in sqlite.execute("SELECT * FROM bench_export"))

        results.append(timed("JSON rows from the same SQLite file", rows, json_frame))
        results.append(timed("backend alone: sqlite3 scan (no DataFrame)", rows, sqlite_scan))
    with psycopg.connect(args.postgres, autocommit=True) as pg:
        pg.execute("DROP TABLE bench_export")

    rates = dict(results)
    flight = rates["ADBC Flight SQL from pgbridge"]
    ratios = [
        ("Flight / psycopg through pgbridge", flight / rates["psycopg (binary) through pgbridge"]),
        ("Flight / psycopg from PostgreSQL", flight / rates["psycopg (binary) from PostgreSQL"]),
        ("Flight / JSON", flight / rates["JSON rows from the same SQLite file"]),
        ("Flight / sqlite3 scan", flight / rates["backend alone: sqlite3 scan (no DataFrame)"]),
    ]
    for label, ratio in ratios:
        print(f"{label:<45} {ratio:8.2f}x")

    if rows == FULL_ROWS:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        lines = [
            "## Export to pandas: Arrow Flight SQL",
            "",
            f"`.venv/bin/python bench/flight_export.py` ({rows:,} rows, 10 columns; {stamp}).",
            "",
            "| path | rows/s |",
            "|---|---:|",
            *[f"| {label} | {rate:,.0f} |" for label, rate in results],
            "",
            "| ratio | |",
            "|---|---:|",
            *[f"| {label} | {ratio:.2f}x |" for label, ratio in ratios],
        ]
        RESULTS.write_text("\n".join(lines) + "\n")
        subprocess.run([sys.executable, str(ROOT / "bench" / "report.py")], check=True)


if __name__ == "__main__":
    main()
