"""Per-statement latency that pgbridge adds, seen from psycopg.

    cargo build --release --bin pgbridge
    .venv/bin/python bench/psycopg_latency.py [--count 10000] [--pgbridge target/release/pgbridge]

Starts a release pgbridge on a new SQLite file and a free port, creates one table through it,
then, one statement at a time on one connection (autocommit, psycopg's default auto-prepare):

1. N INSERTs   `insert into bench_kv (id, v) values (%s, %s)` through pgbridge,
2. N point SELECTs `select v from bench_kv where id = %s` (random ids) through pgbridge,

stops pgbridge and runs the same statements (`?` placeholders, ids shifted past the first set) on
the same table in the same file with python's sqlite3, with pgbridge's connection settings
(WAL, synchronous=NORMAL, foreign_keys=ON), autocommit. Prints p50/p99 of each and the p50
microseconds pgbridge adds; writes bench/results/psycopg_latency.md and regenerates
docs/performance.md. Not a test: scripts/test.sh does not run it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "psycopg_latency.md"


def percentile(samples: list[int], fraction: float) -> float:
    """Nearest-rank percentile of nanosecond samples, in microseconds."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[rank] / 1000


def timed(run, arguments) -> list[int]:
    samples = []
    for argument in arguments:
        started = time.perf_counter_ns()
        run(argument)
        samples.append(time.perf_counter_ns() - started)
    return samples


def start_pgbridge(binary: Path, database: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(binary), "--listen", "127.0.0.1:0", "--backend", f"sqlite://{database}", "--log-level", "warn,pgbridge=info"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"listening on ([0-9.]+):([0-9]+)", log_path.read_text())
        if match:
            return process, f"host={match[1]} port={match[2]} user=postgres dbname=test"
        if process.poll() is not None:
            sys.exit(f"pgbridge exited: {log_path.read_text()}")
        time.sleep(0.05)
    process.kill()
    sys.exit("pgbridge did not start within 30 s")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)


def postgres_run(payload: str, ids: list[int], lookups: list[int]):
    """The same statements from psycopg against PostgreSQL, or None when it cannot be reached."""
    dsn = os.environ.get("PGBRIDGE_BENCH_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=test")
    table = f"bench_kv_{os.getpid()}"
    try:
        conn = psycopg.connect(dsn, autocommit=True)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL not reachable at {dsn!r}: {error}", file=sys.stderr)
        return None
    with conn:
        conn.execute(f"create table {table} (id int4 primary key, v text not null)")
        try:
            cur = conn.cursor()
            inserts = timed(lambda i: cur.execute(f"insert into {table} (id, v) values (%s, %s)", (i, payload)), ids)

            def select_one(i):
                cur.execute(f"select v from {table} where id = %s", (i,))
                assert cur.fetchone() == (payload,)

            selects = timed(select_one, lookups)
        finally:
            conn.execute(f"drop table {table}")
    return selects, inserts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    parser.add_argument("--pgbridge", type=Path, default=target / "release" / "pgbridge")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not args.pgbridge.is_file():
        sys.exit(f"{args.pgbridge} not found: run cargo build --release --bin pgbridge")

    count = args.count
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    rng = random.Random(args.seed)
    payload = "x" * 40
    bridge_ids = list(range(1, count + 1))
    direct_ids = list(range(count + 1, 2 * count + 1))
    bridge_lookups = [rng.choice(bridge_ids) for _ in range(count)]
    direct_lookups = [rng.choice(direct_ids) for _ in range(count)]

    with tempfile.TemporaryDirectory(prefix="pgbridge-latency.") as work:
        database = Path(work) / "latency.db"
        process, dsn = start_pgbridge(args.pgbridge, database, Path(work) / "pgbridge.log")
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("create table bench_kv (id int4 primary key, v text not null)")
                cur = conn.cursor()
                bridge_insert = timed(
                    lambda i: cur.execute("insert into bench_kv (id, v) values (%s, %s)", (i, payload)), bridge_ids
                )

                def bridge_select_one(i):
                    cur.execute("select v from bench_kv where id = %s", (i,))
                    assert cur.fetchone() == (payload,)

                bridge_select = timed(bridge_select_one, bridge_lookups)
        finally:
            stop(process)

        postgres = postgres_run(payload, bridge_ids, bridge_lookups)

        db = sqlite3.connect(database, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        direct_insert = timed(lambda i: db.execute("insert into bench_kv (id, v) values (?, ?)", (i, payload)), direct_ids)

        def direct_select_one(i):
            assert db.execute("select v from bench_kv where id = ?", (i,)).fetchone() == (payload,)

        direct_select = timed(direct_select_one, direct_lookups)
        db.close()

    rows = []
    pg_select, pg_insert = postgres if postgres else ([], [])
    for name, bridge, direct, pg in (
        ("point SELECT", bridge_select, direct_select, pg_select),
        ("INSERT (autocommit)", bridge_insert, direct_insert, pg_insert),
    ):
        b50, b99, d50, d99 = (
            percentile(bridge, 0.50),
            percentile(bridge, 0.99),
            percentile(direct, 0.50),
            percentile(direct, 0.99),
        )
        p50 = f"{percentile(pg, 0.50):.1f}" if pg else "n/a"
        p99 = f"{percentile(pg, 0.99):.1f}" if pg else "n/a"
        # The same client and the same loopback round trip on both sides: what pgbridge costs
        # beyond what a PostgreSQL server costs.
        versus = f"{b50 - percentile(pg, 0.50):+.1f}" if pg else "n/a"
        rows.append((name, b50, b99, d50, d99, b50 - d50, p50, p99, versus))
        print(
            f"{name}: pgbridge p50 {b50:.1f} us p99 {b99:.1f} us | sqlite3 p50 {d50:.1f} us p99 {d99:.1f} us"
            f" | added p50 {b50 - d50:.1f} us | PostgreSQL via psycopg p50 {p50} us p99 {p99} us"
            f" | pgbridge - PostgreSQL p50 {versus} us"
        )

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = [
        "## psycopg latency, one statement at a time",
        "",
        f"`.venv/bin/python bench/psycopg_latency.py --count {count}`: {count} sequential statements of each kind on one",
        "autocommit connection (psycopg "
        f"{psycopg.__version__}, default auto-prepare) through a release pgbridge, then the same statements on the",
        "same SQLite file with python's sqlite3 (same pragmas), and for scale the same statements from psycopg",
        "against the machine's PostgreSQL. Microseconds per statement, client side. *added* is pgbridge's",
        "p50 minus sqlite3's in-process p50, so it includes psycopg's own work and the loopback round trip",
        "that any server behind psycopg costs; *vs PostgreSQL* is pgbridge's p50 minus PostgreSQL's, with",
        "the same client and the same round trip on both sides.",
        "",
        "| statement | pgbridge p50 | pgbridge p99 | sqlite3 p50 | sqlite3 p99 | added p50 | PostgreSQL p50 | PostgreSQL p99 | vs PostgreSQL p50 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {n} | {b50:.1f} | {b99:.1f} | {d50:.1f} | {d99:.1f} | {a:.1f} | {p50} | {p99} | {v} |"
        for n, b50, b99, d50, d99, a, p50, p99, v in rows
    ]
    lines += [
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC} (load average before: {load_before}), commit {commit}, {os.cpu_count()} cores, "
        f"python sqlite3 on SQLite {sqlite3.sqlite_version} (pgbridge uses its own bundled SQLite).",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print(f"wrote {RESULTS}", file=sys.stderr)
    subprocess.run([sys.executable, str(ROOT / "bench" / "report.py")], check=True)


if __name__ == "__main__":
    main()
