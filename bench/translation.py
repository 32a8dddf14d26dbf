"""Translation speed: pgbridge-dialects (cold and cached) against sqlglot, on the same corpus.

    python3 -m venv .venv && .venv/bin/pip install sqlglot
    .venv/bin/python bench/translation.py

Builds the corpus (every statement of conformance/differential/cases/*.slt and the PostgreSQL
side of sqlglot's asserted pairs in conformance/differential/corpus/sqlglot_pairs.jsonl, one per
line, keeping those sqlparser parses), runs the criterion bench
`cargo bench -p pgbridge-dialects --bench translation` over it, times `sqlglot.transpile`
(read postgres, write the same target) over the same statements in this process, and prints
microseconds per statement for each and the ratio. Writes bench/results/translation.md and
regenerates docs/performance.md. Not a test: scripts/test.sh does not run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import logging

import sqlglot

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "translation.md"
CASES = ROOT / "conformance" / "differential" / "cases"
PAIRS = ROOT / "conformance" / "differential" / "corpus" / "sqlglot_pairs.jsonl"
# pgbridge target name -> sqlglot dialect name
TARGETS = {"sqlite": "sqlite", "mysql": "mysql", "mssql": "tsql"}
SQLGLOT_ROUNDS = 5


def slt_statements(path: Path) -> list[str]:
    """The SQL of each `statement` / `query` record of a sqllogictest file."""
    statements, lines, in_sql = [], [], False
    for line in path.read_text().splitlines() + [""]:
        if in_sql:
            if line.strip() == "" or line.strip() == "----":
                statements.append(" ".join(part.strip() for part in lines))
                lines, in_sql = [], False
            else:
                lines.append(line)
        elif line.startswith(("statement ", "query ")):
            in_sql = True
    return statements


def build_corpus() -> list[str]:
    corpus: list[str] = []
    for path in sorted(CASES.glob("*.slt")):
        corpus.extend(slt_statements(path))
    for line in PAIRS.read_text().splitlines():
        corpus.append(" ".join(json.loads(line)["pg"].split()))
    seen: set[str] = set()
    return [sql for sql in corpus if sql and not (sql in seen or seen.add(sql))]


def target_directory() -> Path:
    metadata = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return Path(json.loads(metadata.stdout)["target_directory"])


def kept_path(corpus_path: Path) -> Path:
    """Where the bench writes the statements it kept (those sqlparser parses)."""
    return corpus_path.with_suffix(".kept.txt")


def criterion_estimates(corpus_path: Path) -> tuple[dict[str, float], int]:
    """Runs the criterion bench; returns mean microseconds per statement by bench name."""
    environment = dict(
        os.environ,
        PGBRIDGE_TRANSLATION_CORPUS=str(corpus_path),
        PGBRIDGE_TRANSLATION_KEPT=str(kept_path(corpus_path)),
    )
    run = subprocess.run(
        ["cargo", "bench", "-p", "pgbridge-dialects", "--bench", "translation"],
        cwd=ROOT, env=environment, check=True, capture_output=True, text=True,
    )
    sys.stderr.write(run.stdout[-2000:])
    counted = [line for line in run.stdout.splitlines() if line.startswith("corpus: ")]
    statements = int(counted[-1].split()[1])
    estimates = {}
    group = target_directory() / "criterion" / "translation"
    for bench in sorted(group.iterdir()):
        estimate = bench / "new" / "estimates.json"
        if estimate.exists():
            nanoseconds = json.loads(estimate.read_text())["mean"]["point_estimate"]
            estimates[bench.name] = nanoseconds / statements / 1000
    return estimates, statements


def sqlglot_microseconds(corpus: list[str], dialect: str) -> float:
    """Best-of-rounds mean microseconds per statement of sqlglot.transpile."""
    best = float("inf")
    for _ in range(SQLGLOT_ROUNDS):
        started = time.perf_counter_ns()
        for sql in corpus:
            try:
                sqlglot.transpile(sql, read="postgres", write=dialect)
            except Exception:  # noqa: BLE001 - sqlglot raises more than SqlglotError on some input
                pass
        best = min(best, (time.perf_counter_ns() - started) / len(corpus) / 1000)
    return best


def main() -> None:
    # sqlglot logs a warning per construct it cannot express; the timing should not include it.
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    corpus = build_corpus()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(corpus) + "\n")
        corpus_path = Path(handle.name)
    estimates, parsed = criterion_estimates(corpus_path)
    # Time sqlglot on exactly the statements the Rust bench kept (those sqlparser parses).
    kept = kept_path(corpus_path).read_text().splitlines()
    assert len(kept) == parsed, f"{len(kept)} kept statements, {parsed} benchmarked"
    rows = []
    for target, dialect in TARGETS.items():
        cold = estimates.get(f"cold_{target}")
        cached = estimates.get(f"cached_{target}")
        if cold is None:
            continue
        glot = sqlglot_microseconds(kept, dialect)
        rows.append((target, cold, cached, glot))
    command = ".venv/bin/python bench/translation.py"
    lines = [
        "## Translation: pgbridge-dialects against sqlglot",
        "",
        f"`{command}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC: "
        f"{parsed} statements (the differential cases and sqlglot's asserted pairs; "
        f"{len(corpus)} collected, {parsed} parsed by sqlparser), sqlglot {sqlglot.__version__}. "
        "Cold = parse + translate; cached = a `TranslationCache` hit (criterion mean); "
        f"sqlglot = `transpile(read='postgres')`, best of {SQLGLOT_ROUNDS} rounds. "
        "Targets: cold at least 50x faster than sqlglot, cached under 1 us.",
        "",
        "| target | pgbridge cold (us/stmt) | pgbridge cached (us/stmt) | sqlglot (us/stmt) | sqlglot / pgbridge cold |",
        "|---|---|---|---|---|",
    ]
    for target, cold, cached, glot in rows:
        lines.append(f"| {target} | {cold:.2f} | {cached:.3f} | {glot:.1f} | {glot / cold:.1f}x |")
        print(f"{target}: pgbridge cold {cold:.2f} us, cached {cached:.3f} us, "
              f"sqlglot {glot:.1f} us, ratio {glot / cold:.1f}x")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    subprocess.run([sys.executable, str(ROOT / "bench" / "report.py")], check=True)


if __name__ == "__main__":
    main()
