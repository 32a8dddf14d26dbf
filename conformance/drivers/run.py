#!/usr/bin/env python3
"""The driver conformance matrix: every client's scenario against pgbridge on SQLite and against
a real PostgreSQL (the reference column), written to docs/compatibility.md.

Clients are the directories conformance/drivers/<client>/ that hold an executable run.sh (and
setup.sh). The contract between this runner and a client is in conformance/drivers/README.md.

This runner starts pgbridge itself (three instances per client run: trust, md5, and
scram-sha-256 with TLS from a CA and certificate it makes with openssl), stops them at exit, and
compares the run with baseline.json: it exits non-zero when a step listed there does not pass.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

CORE_STEPS = [
    "connect_trust",
    "connect_md5",
    "connect_scram",
    "connect_tls",
    "ddl",
    "insert_params",
    "types_text",
    "types_binary",
    "nulls",
    "stream_100k",
    "transaction_rollback",
    "failed_transaction_25P02",
    "savepoints",
    "prepared_reuse",
    "error_sqlstate",
    "copy_in",
    "copy_out",
    "cancel",
    "introspection",
]
STATUSES = ("pass", "fail", "n/a")
TARGETS = ("sqlite", "postgresql")
TARGET_TITLES = {"sqlite": "pgbridge on SQLite", "postgresql": "PostgreSQL (reference)"}

SETUP_TIMEOUT = 900
RUN_TIMEOUT = 300
DETAIL_LIMIT = 300
STDERR_TAIL = 1500

# Credentials of the password instances. They guard a throwaway pgbridge on loopback only.
MD5_USER, MD5_PASSWORD = "drivers_md5", "md5 secret"
SCRAM_USER, SCRAM_PASSWORD = "drivers_scram", "scram secret"


def note(message: str) -> None:
    print(f"drivers: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# pgbridge instances
# ---------------------------------------------------------------------------------------------


def md5_hash(user: str, password: str) -> str:
    """PostgreSQL's stored MD5 form: md5 + hex(md5(password || user))."""
    return "md5" + hashlib.md5((password + user).encode()).hexdigest()


def scram_verifier(password: str) -> str:
    """PostgreSQL's stored SCRAM-SHA-256 form (pg_authid.rolpassword), as in docs/authentication.md."""
    salt, iterations = os.urandom(16), 4096
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    stored_key = hashlib.sha256(client_key).digest()
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1/localhost signed by it; returns (ca, cert, key)."""
    ca_key, ca_cert = directory / "ca.key", directory / "ca.crt"
    key, request, cert = directory / "server.key", directory / "server.csr", directory / "server.crt"
    extensions = directory / "server.ext"
    extensions.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["openssl", "req", "-x509", *ec, "-days", "2", "-subj", "/CN=pgbridge drivers test CA",
         "-keyout", ca_key, "-out", ca_cert],
        ["openssl", "req", *ec, "-subj", "/CN=localhost", "-keyout", key, "-out", request],
        ["openssl", "x509", "-req", "-in", request, "-CA", ca_cert, "-CAkey", ca_key,
         "-CAcreateserial", "-days", "2", "-sha256", "-extfile", extensions, "-out", cert],
    ]
    for command in commands:
        subprocess.run([str(part) for part in command], check=True, capture_output=True)
    return ca_cert, cert, key


@dataclass
class Pgbridge:
    """One pgbridge process on a kernel-chosen port with its own SQLite file and log."""

    binary: str
    name: str
    directory: Path
    config: str
    log_level: str
    process: subprocess.Popen | None = None
    port: int = 0

    @property
    def log(self) -> Path:
        return self.directory / f"{self.name}.log"

    def start(self) -> None:
        config_file = self.directory / f"{self.name}.toml"
        config_file.write_text(self.config)
        database = self.directory / f"{self.name}.db"
        command = [self.binary, "--config", str(config_file), "--listen", "127.0.0.1:0",
                   "--backend", f"sqlite://{database}", "--log-level", self.log_level]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            env={**os.environ, "NO_COLOR": "1"})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            match = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.log.read_text(errors="replace"))
            if match:
                self.port = int(match.group(1))
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"pgbridge {self.name} exited at startup: {self.log_tail()}")
            time.sleep(0.05)
        raise RuntimeError(f"pgbridge {self.name} did not log 'listening on' within 30 s")

    def log_tail(self, size: int = 2000) -> str:
        return self.log.read_text(errors="replace")[-size:]

    def died(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Target:
    """What a client's run.sh is given for one column of the matrix."""

    name: str
    host: str
    port: int
    user: str
    database: str
    md5_dsn: str = ""
    scram_dsn: str = ""
    tls_dsn: str = ""
    ca: str = ""
    instances: list[Pgbridge] = field(default_factory=list)

    def environment(self, client: str) -> dict[str, str]:
        return {
            "PGBRIDGE_DRIVER_TARGET": self.name,
            "PGBRIDGE_DRIVER_HOST": self.host,
            "PGBRIDGE_DRIVER_PORT": str(self.port),
            "PGBRIDGE_DRIVER_USER": self.user,
            "PGBRIDGE_DRIVER_DATABASE": self.database,
            "PGBRIDGE_DRIVER_DSN": f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}",
            "PGBRIDGE_DRIVER_MD5_DSN": self.md5_dsn,
            "PGBRIDGE_DRIVER_SCRAM_DSN": self.scram_dsn,
            "PGBRIDGE_DRIVER_TLS_DSN": self.tls_dsn,
            "PGBRIDGE_DRIVER_CA": self.ca,
            "PGBRIDGE_DRIVER_TABLE_PREFIX": re.sub(r"[^a-z0-9]", "_", client.lower()) + "_",
        }


def url(user: str, password: str, port: int, database: str, query: str = "") -> str:
    return f"postgresql://{quote(user)}:{quote(password)}@127.0.0.1:{port}/{database}{query}"


def start_pgbridge_target(binary: str, directory: Path, certificates: tuple[Path, Path, Path],
                          log_level: str) -> Target:
    """The sqlite column: a trust instance, an md5 instance, a scram-sha-256 instance with TLS."""
    ca, cert, key = certificates
    md5_config = f'auth = "md5"\n\n[[users]]\nname = "{MD5_USER}"\nmd5_hash = "{md5_hash(MD5_USER, MD5_PASSWORD)}"\n'
    scram_config = (
        f'auth = "scram-sha-256"\n\n[[users]]\nname = "{SCRAM_USER}"\n'
        f'scram_verifier = "{scram_verifier(SCRAM_PASSWORD)}"\n\n[tls]\ncert = "{cert}"\nkey = "{key}"\n'
    )
    instances = [
        Pgbridge(binary, "trust", directory, 'auth = "trust"\n', log_level),
        Pgbridge(binary, "md5", directory, md5_config, log_level),
        Pgbridge(binary, "scram", directory, scram_config, log_level),
    ]
    try:
        for instance in instances:
            instance.start()
    except Exception:
        for instance in instances:
            instance.stop()
        raise
    trust, md5, scram = instances
    return Target(
        name="sqlite",
        host="127.0.0.1",
        port=trust.port,
        user="postgres",
        database="test",
        md5_dsn=url(MD5_USER, MD5_PASSWORD, md5.port, "test"),
        scram_dsn=url(SCRAM_USER, SCRAM_PASSWORD, scram.port, "test"),
        tls_dsn=url(SCRAM_USER, SCRAM_PASSWORD, scram.port, "test", "?sslmode=require"),
        ca=str(ca),
        instances=instances,
    )


# ---------------------------------------------------------------------------------------------
# the reference PostgreSQL
# ---------------------------------------------------------------------------------------------


def parse_keyword_dsn(dsn: str) -> dict[str, str]:
    """host=.. port=.. user=.. dbname=.. (libpq's keyword form, values without spaces)."""
    return dict(part.split("=", 1) for part in dsn.split())


def psql(dsn: str, sql: str) -> str | None:
    """One value from the reference through psql, or None when it does not answer."""
    if not shutil.which("psql"):
        return None
    try:
        result = subprocess.run(["psql", "-X", "-Atq", f"{dsn} connect_timeout=5", "-c", sql],
                                capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


@dataclass
class Reference:
    target: Target | None
    version: str
    notes: list[str]


def reference_target(dsn: str) -> Reference:
    """The postgresql column, from the --reference DSN; its password and TLS abilities probed."""
    keywords = parse_keyword_dsn(dsn)
    host, port = keywords.get("host", "127.0.0.1"), int(keywords.get("port", "5432"))
    version = psql(dsn, "select version()")
    if version is None:
        try:
            socket.create_connection((host, port), timeout=5).close()
            why = "psql is missing or could not log in"
        except OSError as error:
            why = f"nothing answers at {host}:{port} ({error})"
        return Reference(None, "", [f"The reference column was skipped: {why} (`--reference {dsn}`)."])
    target = Target("postgresql", host, port, keywords.get("user", "postgres"), keywords.get("dbname", "test"))
    notes = []
    if psql(dsn, "show ssl") == "on":
        target.tls_dsn = f"postgresql://{target.user}@{host}:{port}/{target.database}?sslmode=require"
    else:
        notes.append("The reference PostgreSQL has ssl off: its TLS step is n/a.")
    # The reference's pg_hba decides the method; the runner cannot add users to it with a
    # password method, so the password steps are n/a there unless it already asks for one.
    notes.append(
        "The reference PostgreSQL is used as found (its pg_hba.conf, usually trust on loopback): "
        "no md5 or scram user is given to the clients there, so those steps are n/a in its column."
    )
    return Reference(target, version, notes)


# ---------------------------------------------------------------------------------------------
# running the clients
# ---------------------------------------------------------------------------------------------


@dataclass
class StepResult:
    status: str
    detail: str = ""


@dataclass
class ClientRun:
    steps: dict[str, StepResult] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    seconds: float = 0.0
    problem: str = ""


def tail(text: str, size: int = STDERR_TAIL) -> str:
    text = text.strip()
    return text if len(text) <= size else "..." + text[-size:]


def last_lines(text: str, count: int = 3) -> str:
    """The end of a crash's stderr: the exception, not the middle of its traceback."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return tail(" / ".join(lines[-count:]), 600) or "(empty)"


def parse_report(stdout: str, run: ClientRun) -> None:
    """Step lines and optional {"version": ".."} lines; everything else is ignored."""
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("version"), str) and item["version"] not in run.versions:
            run.versions.append(item["version"])
        step = item.get("step")
        if not isinstance(step, str) or step in run.steps:
            continue
        status = item.get("status")
        detail = str(item.get("detail") or "")
        if status not in STATUSES:
            status, detail = "fail", f"unknown status {status!r}: {detail}"
        run.steps[step] = StepResult(status, detail)
        run.order.append(step)


def run_client(client: Path, target: Target, logs: Path) -> ClientRun:
    run = ClientRun()
    environment = {**os.environ, **target.environment(client.name)}
    started = time.monotonic()
    exit_text = ""
    # Its own process group, so that a timeout ends everything run.sh started.
    process = subprocess.Popen([str(client / "run.sh")], cwd=client, env=environment, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
        if process.returncode != 0:
            exit_text = f"run.sh exited with {process.returncode}"
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        exit_text = f"run.sh timed out after {RUN_TIMEOUT} s"
    except BaseException:  # interrupted: the client goes too
        os.killpg(process.pid, signal.SIGKILL)
        raise
    run.seconds = time.monotonic() - started
    (logs / f"{client.name}.{target.name}.stdout").write_text(stdout)
    (logs / f"{client.name}.{target.name}.stderr").write_text(stderr)
    parse_report(stdout, run)
    died = [instance.name for instance in target.instances if instance.died()]
    if died:
        run.problem = f"pgbridge instance(s) {', '.join(died)} died during the run"
        for instance in target.instances:
            if instance.died():
                note(f"{client.name}: pgbridge {instance.name} died; log tail:\n{instance.log_tail()}")
    missing = "not reported"
    if exit_text:
        missing = f"not reported ({exit_text})"
        run.problem = "; ".join(filter(None, [run.problem, f"{exit_text}; its stderr ends: {last_lines(stderr)}"]))
    for step in CORE_STEPS:
        if step not in run.steps:
            run.steps[step] = StepResult("fail", missing)
    return run


def run_setup(client: Path, logs: Path) -> tuple[bool, str]:
    setup = client / "setup.sh"
    if not setup.exists():
        return True, ""
    note(f"{client.name}: setup.sh")
    try:
        result = subprocess.run([str(setup)], cwd=client, capture_output=True, text=True,
                                timeout=SETUP_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return False, f"setup.sh timed out after {SETUP_TIMEOUT} s"
    (logs / f"{client.name}.setup.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        return False, f"setup.sh exited with {result.returncode}: {tail(result.stdout + result.stderr)}"
    return True, ""


def failed_run(reason: str) -> ClientRun:
    run = ClientRun(problem=reason)
    for step in CORE_STEPS:
        run.steps[step] = StepResult("fail", reason)
    return run


# ---------------------------------------------------------------------------------------------
# the document
# ---------------------------------------------------------------------------------------------


def cell_text(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > DETAIL_LIMIT:
        text = text[: DETAIL_LIMIT - 3] + "..."
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def cell(result: StepResult | None) -> str:
    if result is None:
        return ""
    mark = {"pass": "pass", "fail": "**fail**", "n/a": "n/a"}[result.status]
    return f"{mark}: {cell_text(result.detail)}" if result.detail else mark


def counts(run: ClientRun) -> tuple[int, int, int]:
    passed = sum(1 for result in run.steps.values() if result.status == "pass")
    not_applicable = sum(1 for result in run.steps.values() if result.status == "n/a")
    return passed, len(run.steps), not_applicable


def git(*arguments: str) -> str:
    try:
        return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def render(results: dict[str, dict[str, ClientRun]], targets: list[str], notes: list[str],
           command: str, pgbridge_version: str, reference_version: str) -> str:
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    # The matrix and the baseline are this runner's own output: they do not make the tree dirty.
    if git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/compatibility.md",
           ":!conformance/drivers/baseline.json"):
        commit += " (with uncommitted changes)"
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Driver compatibility",
        "",
        "<!-- Generated by conformance/drivers/run.py: do not edit by hand. -->",
        "",
        f"Generated by `{command}` on {now}, pgbridge commit {commit} ({pgbridge_version}); "
        "the test command (`scripts/test.sh`, suite `drivers`) regenerates it.",
        "Every client runs the same scenario (conformance/drivers/README.md) once per column:",
        "",
    ]
    for target in targets:
        title = TARGET_TITLES[target]
        if target == "postgresql" and reference_version:
            title += f": {reference_version.split(' on ')[0]}"
        lines.append(f"- `{target}`: {title}")
    lines += ["", "Nothing in the tables below is written by hand: `n/a` is what a client reported "
              "for a step it cannot run for a reason outside pgbridge, with that reason.", ""]
    for text in notes:
        lines.append(f"> {text}")
        lines.append("")
    lines += ["## Summary", "", "| client | versions | " + " | ".join(targets) + " |",
              "|---|---|" + "---|" * len(targets)]
    for client, runs in results.items():
        versions = sorted({version for run in runs.values() for version in run.versions})
        row = [client, cell_text(", ".join(versions)) or "not reported"]
        for target in targets:
            run = runs.get(target)
            if run is None:
                row.append("not run")
                continue
            passed, total, not_applicable = counts(run)
            text = f"{passed}/{total} passed" + (f", {not_applicable} n/a" if not_applicable else "")
            row.append(text)
        lines.append("| " + " | ".join(row) + " |")
    for client, runs in results.items():
        lines += ["", f"## {client}", ""]
        for target in targets:
            run = runs.get(target)
            if run and run.problem:
                lines.append(f"- `{target}`: {cell_text(run.problem)}")
        seconds = ", ".join(f"{target} {runs[target].seconds:.0f} s" for target in targets if target in runs)
        if seconds:
            lines += [f"- run time: {seconds}", ""]
        lines += ["| step | " + " | ".join(targets) + " |", "|---|" + "---|" * len(targets)]
        order = list(CORE_STEPS)
        for run in runs.values():
            order += [step for step in run.order if step not in order]
        for step in order:
            lines.append(f"| {step} | " + " | ".join(cell(runs[t].steps.get(step)) if t in runs else "not run"
                                                      for t in targets) + " |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# the baseline gate
# ---------------------------------------------------------------------------------------------


def passed_steps(results: dict[str, dict[str, ClientRun]]) -> dict[str, dict[str, list[str]]]:
    return {
        client: {target: sorted(step for step, result in run.steps.items() if result.status == "pass")
                 for target, run in runs.items()}
        for client, runs in results.items()
    }


def compare_with_baseline(baseline: dict, results: dict[str, dict[str, ClientRun]]) -> tuple[list[str], list[str]]:
    regressions, improvements = [], []
    for client, runs in results.items():
        for target, run in runs.items():
            expected = set(baseline.get(client, {}).get(target, []))
            for step in sorted(expected):
                result = run.steps.get(step)
                if result is None or result.status != "pass":
                    detail = f" ({result.status}: {result.detail[:200]})" if result else " (not reported)"
                    regressions.append(f"{client} / {target} / {step}{detail}")
            for step, result in run.steps.items():
                if result.status == "pass" and step not in expected:
                    improvements.append(f"{client} / {target} / {step}")
    return regressions, improvements


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pgbridge", required=True, help="the pgbridge binary")
    parser.add_argument("--reference", default="host=127.0.0.1 port=5432 user=postgres dbname=test",
                        help="keyword DSN of the reference PostgreSQL (skipped if it does not answer)")
    parser.add_argument("--out", default=str(ROOT / "docs/compatibility.md"))
    parser.add_argument("--baseline", default=str(HERE / "baseline.json"))
    parser.add_argument("--update-baseline", action="store_true",
                        help="write the steps that passed now as the new baseline")
    parser.add_argument("--clients", default="", help="comma-separated client names (default: all)")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated: sqlite,postgresql")
    parser.add_argument("--log-level", default="info", help="pgbridge's --log-level (debug shows the SQL)")
    parser.add_argument("--logs", default="", help="keep the logs here (default: a temp dir, removed)")
    arguments = parser.parse_args()
    # SIGTERM (scripts/test.sh's timeout) unwinds like an exception: the pgbridge processes stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    binary = str(Path(arguments.pgbridge).resolve())
    if not os.access(binary, os.X_OK):
        note(f"pgbridge binary not found or not executable: {binary}")
        return 2
    clients = sorted(path.parent for path in HERE.glob("*/run.sh"))
    if arguments.clients:
        wanted = set(arguments.clients.split(","))
        unknown = wanted - {client.name for client in clients}
        if unknown:
            note(f"unknown client(s): {', '.join(sorted(unknown))}")
            return 2
        clients = [client for client in clients if client.name in wanted]
    wanted_targets = [target for target in TARGETS if target in arguments.targets.split(",")]

    work = Path(tempfile.mkdtemp(prefix="pgbridge-drivers."))
    logs = Path(arguments.logs).resolve() if arguments.logs else work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    try:
        return run_matrix(arguments, binary, clients, wanted_targets, work, logs)
    finally:
        if not arguments.logs:
            shutil.rmtree(work, ignore_errors=True)


def run_matrix(arguments, binary: str, clients: list[Path], wanted_targets: list[str],
               work: Path, logs: Path) -> int:
    notes: list[str] = []
    targets: list[str] = []
    reference = Reference(None, "", [])
    if "sqlite" in wanted_targets:
        targets.append("sqlite")
    if "postgresql" in wanted_targets:
        reference = reference_target(arguments.reference)
        notes += reference.notes
        if reference.target:
            targets.append("postgresql")
        else:
            note(reference.notes[0])
    certificates = make_certificates(work) if "sqlite" in targets else None
    pgbridge_version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()

    results: dict[str, dict[str, ClientRun]] = {}
    for client in clients:
        results[client.name] = {}
        ready, why = run_setup(client, logs)
        for target_name in targets:
            if not ready:
                results[client.name][target_name] = failed_run(why)
                continue
            note(f"{client.name}: run on {target_name}")
            if target_name == "sqlite":
                directory = work / f"{client.name}.sqlite"
                directory.mkdir()
                try:
                    target = start_pgbridge_target(binary, directory, certificates, arguments.log_level)
                except Exception as error:  # noqa: BLE001 - the start failure is the result
                    results[client.name][target_name] = failed_run(f"pgbridge did not start: {error}")
                    continue
                try:
                    run = run_client(client, target, logs)
                finally:
                    for instance in target.instances:
                        instance.stop()
                        shutil.copy(instance.log, logs / f"{client.name}.pgbridge-{instance.name}.log")
            else:
                run = run_client(client, reference.target, logs)
            passed, total, not_applicable = counts(run)
            note(f"{client.name} on {target_name}: {passed}/{total} passed, {not_applicable} n/a "
                 f"({run.seconds:.0f} s)")
            results[client.name][target_name] = run

    command = shlex.join(["python3", "conformance/drivers/run.py", *sys.argv[1:]])
    document = render(results, targets, notes, command, pgbridge_version, reference.version)
    if arguments.clients:
        note(f"--clients given: not writing {arguments.out} (a partial matrix); printing it instead")
        print(document)
    else:
        Path(arguments.out).write_text(document)
        note(f"wrote {arguments.out}")
    note(f"logs: {logs}" + ("" if arguments.logs else " (removed at exit; keep them with --logs DIR)"))

    baseline_path = Path(arguments.baseline)
    baseline = json.loads(baseline_path.read_text()) if baseline_path.exists() else {}
    if arguments.update_baseline:
        updated = dict(baseline)
        for client, per_target in passed_steps(results).items():
            updated.setdefault(client, {}).update(per_target)
        baseline_path.write_text(json.dumps(updated, indent=2, sort_keys=True) + "\n")
        note(f"wrote {baseline_path}")
        return 0
    regressions, improvements = compare_with_baseline(baseline, results)
    for client, runs in results.items():
        for target, run in runs.items():
            passed, total, _ = counts(run)
            print(f"{client} on {target}: {passed}/{total} steps passed")
    if improvements:
        print(f"{len(improvements)} step(s) pass that are not in the baseline (run with --update-baseline):")
        for line in improvements:
            print(f"  + {line}")
    if regressions:
        print(f"{len(regressions)} step(s) in the baseline do not pass now:")
        for line in regressions:
            print(f"  - {line}")
    checked = sum(len(baseline.get(client, {}).get(target, [])) for client, runs in results.items() for target in runs)
    print(f"drivers: {checked - len(regressions)} passed, {len(regressions)} failed")
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
