"""Shared helpers for the benchmarks that need a running Sanctuary: a throwaway database, a
server on a free 127.0.0.1 port, and clean-up that also runs on Ctrl-C or SIGTERM.

Nothing here contacts anything but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"


def _sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def clean_up_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so every `finally` and `with` below still runs."""
    signal.signal(signal.SIGTERM, _sigterm)


def _cpu_times() -> tuple[int, int]:
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def machine_load(seconds: float = 1.0) -> str:
    """How busy the machine is without us: CPU use over `seconds` and the load average. Other
    work on a shared machine skews every figure, so the benchmarks print this beside them."""
    try:
        busy_before, total_before = _cpu_times()
        time.sleep(seconds)
        busy_after, total_after = _cpu_times()
    except (OSError, ValueError, IndexError):
        return "unknown (no /proc/stat)"
    share = (busy_after - busy_before) / max(1, total_after - total_before)
    one, five, _ = os.getloadavg()
    warning = "  <- other work is running: figures are pessimistic" if share > 0.10 else ""
    return f"{share:.0%} CPU busy over {seconds:g} s, load average {one:.2f} / {five:.2f}{warning}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def app_env(**overrides: str) -> dict[str, str]:
    """The environment of a demo-mode app on 127.0.0.1; DATABASE_URL only when given."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(
        SANCTUARY_DEMO="1",
        DJANGO_SETTINGS_MODULE="sanctuary.settings",
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def manage(env: Mapping[str, str], *args: str) -> None:
    """Runs a `sanctuary` management command; its output is shown only when it fails."""
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(BIN / "sanctuary"), *args],
        env=dict(env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"sanctuary {' '.join(args)} failed with code {done.returncode}")


def prepare(env: Mapping[str, str]) -> None:
    """Migrates the database and seeds the demo staff (and the intake group)."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo")


@contextlib.contextmanager
def sqlite_env() -> Iterator[dict[str, str]]:
    """A demo environment on a fresh SQLite file in a temporary directory, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="sanctuary-bench-") as directory:
        env = app_env(
            SQLITE_PATH=str(Path(directory) / "bench.sqlite3"),
            ERASURE_KEY_STORE=str(Path(directory) / "erasure-keys.sqlite3"),
        )
        prepare(env)
        yield env


@contextlib.contextmanager
def postgres_database(**overrides: str) -> Iterator[tuple[dict[str, str], str]]:
    """A fresh PostgreSQL database, migrated and seeded, dropped afterwards: (env, its URL)."""
    import psycopg

    name = f"sanctuary_bench_{os.getpid()}"
    admin = f"{POSTGRES_URL}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES_URL}/{name}"
    keys = tempfile.TemporaryDirectory(prefix="sanctuary-bench-keys-")
    try:
        store = str(Path(keys.name) / "erasure-keys.sqlite3")
        env = app_env(DATABASE_URL=url, ERASURE_KEY_STORE=store, **overrides)
        prepare(env)
        yield env, url
    finally:
        keys.cleanup()
        # Server processes must be gone by now; FORCE ends any straggling connection.
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def answers(port: int, path: str = "/ru/") -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(
    env: Mapping[str, str],
    workers: int = 2,
    worker_class: str = "sync",
    threads: int = 1,
    access_log: Path | None = None,
) -> Iterator[int]:
    """Serves the app with gunicorn on a free 127.0.0.1 port; yields the port. With
    `access_log`, gunicorn writes its access log (default format) to that file."""
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "sanctuary.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        f"--worker-class={worker_class}",
        f"--threads={threads}",
        "--timeout=120",
        "--backlog=2048",
        "--log-level=warning",
    ]
    if access_log is not None:
        command.append(f"--access-logfile={access_log}")
    with _running(command, env, port):
        yield port


@contextlib.contextmanager
def _running(command: list[str], env: Mapping[str, str], port: int) -> Iterator[None]:
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        command, env=dict(env), cwd=ROOT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while not answers(port):
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with code {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer within 60 s")
            time.sleep(0.2)
        yield
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ends the server and its workers (its own process group, started above)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# A complete, valid questionnaire but for the story, which each benchmark writes itself.
QUESTIONNAIRE: list[tuple[str, str]] = [
    ("status", "mobilized"),
    ("location", "russia"),
    ("country", ""),
    ("internal_passport", "on"),
    ("passport_expires", "2030-05-01"),
    ("summons", "electronic"),
    ("summons_date", "2026-11-20"),
    ("left_unit", ""),
    ("criminal_case", "none"),
    ("children", "0"),
    ("children_certificates", "on"),
    ("on_behalf", "0"),
    ("languages", "ru"),
    ("languages", "en"),
    ("help_wanted", "legal"),
    ("help_wanted", "route"),
    ("contact_channel", "signal"),
    ("contact_handle", "bench-handle"),
    # Every answer at once, as the questionnaire's last step sends them with the earlier ones.
    ("step", "contact"),
    ("go", "send"),
]
