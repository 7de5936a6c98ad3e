"""Shared helpers for the benchmarks that need a running Sanctuary: a throwaway database, a
server on a free 127.0.0.1 port, and clean-up that also runs on Ctrl-C or SIGTERM.

Nothing here contacts anything but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import os
import shutil
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
def postgres_database(
    server: str = POSTGRES_URL, **overrides: str
) -> Iterator[tuple[dict[str, str], str]]:
    """A fresh PostgreSQL database on `server` (postgres://user@host:port), migrated and seeded,
    dropped afterwards: (env, its URL)."""
    import psycopg

    name = f"sanctuary_bench_{os.getpid()}"
    admin = f"{server}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
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


class OwnPostgres:
    """A PostgreSQL cluster of our own in a temporary directory, on a free 127.0.0.1 port: the
    fault runs restart it, which must touch nothing shared (the suite's and others' server)."""

    def __init__(self, directory: str) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            raise RuntimeError("no /usr/lib/postgresql/*/bin/pg_ctl: PostgreSQL is not installed")
        self.bin = Path(found[-1]).parent
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@{HOST}:{self.port}"
        # initdb and the server refuse to run as root: as the postgres user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, fixed arguments
            [*self.as_user, *args], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise RuntimeError(f"{Path(args[0]).name} failed with code {done.returncode}")

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -c listen_addresses={HOST} -k {self.directory}"
        log = str(self.directory / "server.log")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, *args)

    def start(self) -> None:
        if self.as_user:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        self._pg_ctl("-w", "start")

    def restart(self) -> None:
        """Stops the server as an operator's restart does (`-m fast`: every session is ended,
        open transactions rolled back), then starts it again and waits until it answers."""
        self._pg_ctl("-w", "-m", "fast", "restart")

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._pg_ctl("-w", "-m", "immediate", "stop")


@contextlib.contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    """A throwaway PostgreSQL cluster of our own, stopped and deleted afterwards."""
    directory = tempfile.mkdtemp(prefix="sanctuary-bench-pg-")
    cluster = OwnPostgres(directory)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


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
    pidfile: str | None = None,
    log: str | None = None,
) -> Iterator[int]:
    """Serves the app with gunicorn on a free 127.0.0.1 port; yields the port. With
    `access_log`, gunicorn writes its access log (default format) to that file; with `pidfile`,
    its master's pid (see worker_pids); with `log`, the server's output goes to that file
    instead of ours."""
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
        *([f"--pid={pidfile}"] if pidfile else []),
    ]
    if access_log is not None:
        command.append(f"--access-logfile={access_log}")
    with _running(command, env, port, log):
        yield port


@contextlib.contextmanager
def _running(
    command: list[str], env: Mapping[str, str], port: int, log: str | None = None
) -> Iterator[None]:
    output = open(log, "ab") if log else None  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        command,
        env=dict(env),
        cwd=ROOT,
        start_new_session=True,
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
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
        if output:
            output.close()


def worker_pids(pidfile: str) -> list[int]:
    """The pids of the gunicorn workers whose master wrote `pidfile`."""
    master = int(Path(pidfile).read_text().strip())
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def busy_worker(pidfile: str) -> int:
    """A gunicorn worker that is running (handling a request) now, or the first one."""
    pids = worker_pids(pidfile)
    for pid in pids:
        with contextlib.suppress(OSError, IndexError):
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "R":
                return pid
    return pids[0]


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
