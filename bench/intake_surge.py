"""Benchmark: a surge of questionnaire submissions, as on the day a mobilisation is announced.

Run with ``.venv/bin/python bench/intake_surge.py [--seconds 60] [--concurrency 8] [--workers 2]
[--worker-class sync] [--threads 1] [--through-nginx]``. Creates a fresh PostgreSQL database on
127.0.0.1 (dropped at the end), migrates it, seeds the demo staff and the intake group, and serves
the app with gunicorn. A load generator of `--concurrency` processes, each with one connection at a
time, then posts complete questionnaires for `--seconds` seconds (each post first fetches the
questionnaire for its form token, as a seeker does: tokens are single-use, and only the post is
timed). The same load is then run against a baseline page on the same server.

Every submission derives the seeker's codename keys (Argon2id at libsodium's minimum since the
codename's 88 bits carry the security, docs/keys.md), seals the case to two holders, writes six
rows and an audit entry under the chain's lock, and renders the codename page.

Targets: 0 lost submissions (cases in the database == accepted submissions); submission rate at
least 0.25 x the baseline rate; p99 <= 500 ms. Prints the figures and whether each target is
met; it asserts nothing about time.

Through the production layout (``--through-nginx``): the same surge and baseline, in one run,
through nginx from Debian with deploy/nginx's site (TLS) in front of two app servers started from
deploy/systemd/sanctuary@.service's ExecStart (``--workers`` each), with production settings (no
demo mode) on a PostgreSQL cluster of our own, as tests/browser/test_production_stack.py brings
the stack up (tests/stack.py). Each load process keeps one HTTPS connection alive, as a browser
does. Every seeker reaches the app from nginx's address, so the per-address cap is lifted too.
DB_CONN_MAX_AGE is deploy/sanctuary.env.example's unless ``--conn-max-age`` says otherwise;
``--cache-url`` picks the cache (the database's table by default, as the production test).

Fault runs (``--runs``, all of them by default, as `make bench` runs it): each on a PostgreSQL
cluster of its own (initdb in a temporary directory, on a free port, so that restarting it
touches nothing shared), with `--fault-concurrency` genuine seekers posting for
`--fault-seconds`, each submission from an address of its own (X-Forwarded-For, read as behind
nginx through CLIENT_ADDRESS_HEADER):

- ``pg-restart``: PostgreSQL is restarted (`pg_ctl restart -m fast`) half-way through;
- ``worker-kill``: one gunicorn worker is killed with SIGKILL half-way through (the master
  starts another);
- ``flood``: one more client, from one address, posts questionnaires as fast as it can and
  replays each spent form token three times, for the whole run.

Each genuine submission ends as accepted (the codename page), refused with a retry page (the
questionnaire again, in Russian, with his story in it and a fresh token) or lost (anything
else). A connection reset is what the browser shows as its own error page; its Reload sends the
same form again, which the run does once and then classifies. Afterwards every accepted
codename is looked up in the database (its lookup id derived as the server does), so an accepted
case that is not there counts as lost too. Targets: 0 lost in every run, and at least 99 % of
the genuine submissions accepted during the flood.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import multiprocessing
import os
import platform
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import (
    HOST,
    QUESTIONNAIRE,
    ROOT,
    busy_worker,
    clean_up_on_sigterm,
    gunicorn,
    machine_load,
    manage,
    own_postgres,
    postgres_database,
    worker_pids,
)
from sanctuary.keyring.crypto import SEEKER_LIMITS, derive_seeker_keys
from tests.processes import free_port
from tests.stack import Stack, production_env, start_app_server, start_nginx, unverified_tls

# The baseline. We add no URL to the app for a benchmark, so the baseline is the cheapest
# existing page on the same stack: GET /ru/return/, the codename sign-in form. Without a cookie
# it runs the whole middleware stack, signs a form token and renders a small template, and makes
# no database query at all (counted with CaptureQueriesContext); it stands for "Django on this
# stack doing almost nothing". The ratio against it is therefore a strict one.
BASELINE_PATH = "/ru/return/"
NGINX_WORKERS = 2  # tests/stack.py's nginx.conf
START_PATH = "/ru/help/"
MAX_P99_MS = 500.0
MIN_RATIO = 0.25
STORIES = [
    "I received an electronic summons and want to leave before the borders close.",
    "My brother was mobilized last week; I am writing for him, he cannot write himself.",
    "I serve on contract and my contract was extended indefinitely. I want out.",
    "The military commissariat came to my workplace. I am in Russia with my two children.",
    "I left my unit and I am hiding at a friend's flat. I have no international passport.",
]


@dataclass(frozen=True)
class Job:
    port: int
    submit: bool  # True: POST questionnaires; False: GET the baseline page
    worker: int
    start_at: float  # time.time() at which every process starts, together
    seconds: float
    tls: bool = False  # through nginx: HTTPS on one kept-alive connection, as a browser does


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)  # accepted requests only
    accepted: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    first_started: float = 0.0
    last_finished: float = 0.0


def _request(
    port: int, method: str, path: str, body: str | None = None, address: str | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        if address:  # as nginx would name the client (CLIENT_ADDRESS_HEADER)
            headers["X-Forwarded-For"] = address
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Client:
    """One load process's HTTP client. Straight to gunicorn: a new connection per request.
    Through nginx (tls): HTTPS, one connection kept alive as a browser keeps it, opened again
    after any failure; every request carries the Origin a browser sends with a POST."""

    def __init__(self, port: int, tls: bool) -> None:
        self.port = port
        self.tls = tls
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        if not self.tls:
            return _request(self.port, method, path, body)
        if self.connection is None:
            self.connection = http.client.HTTPSConnection(
                "localhost", self.port, timeout=30, context=unverified_tls()
            )
        headers = {"Origin": f"https://localhost:{self.port}"}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            return response.status, response.read()
        except BaseException:
            self.connection.close()
            self.connection = None
            raise


def _quiet_worker() -> None:
    """Pool processes leave clean-up to the parent: Ctrl-C reaches the parent, which ends them
    with SIGTERM, so they take the default action on it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def load(job: Job) -> Tally:
    """One connection's loop: runs until job.start_at + job.seconds, then returns its tally."""
    tally = Tally()
    client = Client(job.port, job.tls)
    # Warms the worker up (the questionnaire's first rendering loads the routes).
    with contextlib.suppress(OSError, http.client.HTTPException):
        client.request("GET", START_PATH if job.submit else BASELINE_PATH)
    time.sleep(max(0.0, job.start_at - time.time()))
    tally.first_started = time.time()
    deadline = job.start_at + job.seconds
    sent = 0
    while time.time() < deadline:
        sent += 1
        try:
            if job.submit:
                status, page = client.request("GET", START_PATH)
                match = re.search(rb'name="form_token" value="([^"]+)"', page)
                if status != 200 or match is None:
                    tally.errors[f"no form token (HTTP {status})"] += 1
                    continue
                token = match[1].decode()
        except (OSError, http.client.HTTPException) as error:
            tally.errors[type(error).__name__] += 1
            continue
        started = time.perf_counter()
        try:
            if job.submit:
                story = f"Surge {job.worker}-{sent}: {STORIES[sent % len(STORIES)]}"
                body = urlencode([*QUESTIONNAIRE, ("story", story), ("form_token", token)])
                status, content = client.request("POST", START_PATH, body)
                ok = status == 200 and b'class="codename"' in content
            else:
                status, content = client.request("GET", BASELINE_PATH)
                ok = status == 200 and b'name="form_token"' in content
        except (OSError, http.client.HTTPException) as error:
            tally.errors[type(error).__name__] += 1
            continue
        if ok:
            tally.accepted += 1
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        else:
            tally.errors[
                f"HTTP {status}" if status != 200 else "200 without the expected page"
            ] += 1
    tally.last_finished = time.time()
    return tally


@dataclass
class Result:
    name: str
    accepted: int
    seconds: float
    p50: float
    p99: float
    errors: Counter[str]

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(share * (len(sorted_values) - 1)))
    return sorted_values[index]


def run_load(
    name: str, port: int, submit: bool, concurrency: int, seconds: float, tls: bool = False
) -> Result:
    start_at = time.time() + 2.0  # time for every process to start (and fetch its token)
    jobs = [Job(port, submit, worker, start_at, seconds, tls) for worker in range(concurrency)]
    with multiprocessing.get_context("fork").Pool(concurrency, _quiet_worker) as pool:
        tallies = pool.map(load, jobs)
    latencies = sorted(ms for tally in tallies for ms in tally.latencies_ms)
    errors: Counter[str] = Counter()
    for tally in tallies:
        errors.update(tally.errors)
    began = min((t.first_started for t in tallies if t.first_started), default=0.0)
    ended = max((t.last_finished for t in tallies), default=0.0)
    return Result(
        name=name,
        accepted=sum(t.accepted for t in tallies),
        seconds=max(0.0, ended - began),
        p50=percentile(latencies, 0.50),
        p99=percentile(latencies, 0.99),
        errors=errors,
    )


def count_cases(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT count(*) FROM cases_case").fetchone()
    return int(row[0]) if row else 0


def print_result(result: Result) -> None:
    errors = sum(result.errors.values())
    detail = ", ".join(f"{kind}: {n}" for kind, n in result.errors.most_common())
    print(
        f"  {result.name:<34}{result.accepted:>9,}{result.rate:>10.1f}"
        f"{result.p50:>10.1f}{result.p99:>10.1f}{errors:>8}" + (f"  ({detail})" if detail else "")
    )


# ---- fault runs ----------------------------------------------------------------------------

FAULTS = ("pg-restart", "worker-kill", "flood")
RUNS = ("surge", *FAULTS)
FLOOD_ADDRESS = "203.0.113.66"
FLOOD_REPLAYS = 3
# The codename page shows the words as a numbered list (intake/templates/intake/codename.html).
CODENAME = re.compile(rb'<ol class="codename">(.*?)</ol>', re.S)
CODENAME_WORD = re.compile(rb"<code>([^<]+)</code>")


def codename_of(content: bytes) -> str | None:
    """The codename a page shows, its words joined by spaces; None when it shows none."""
    found = CODENAME.search(content)
    if found is None:
        return None
    return " ".join(html.unescape(word.decode()) for word in CODENAME_WORD.findall(found[1]))


TOKEN = re.compile(rb'name="form_token" value="([^"]+)"')


@dataclass(frozen=True)
class FaultJob:
    port: int
    role: str  # "genuine" or "flood"
    worker: int
    start_at: float
    seconds: float


@dataclass
class FaultTally:
    submissions: int = 0
    accepted: int = 0
    codenames: list[str] = field(default_factory=list)
    retry: Counter[str] = field(default_factory=Counter)  # by HTTP status
    lost: Counter[str] = field(default_factory=Counter)  # by what came back
    resets: int = 0  # connections reset under a POST (each sent again once, as Reload does)
    page_failures: int = 0  # the questionnaire did not load (he loads it again)
    latencies_ms: list[float] = field(default_factory=list)
    flood: Counter[str] = field(default_factory=Counter)  # the flooder's answers


def _fresh_token(job: FaultJob, address: str, tally: FaultTally, deadline: float) -> str | None:
    """The questionnaire's token, loading the page again until it comes (a failed page load
    loses nothing: he has typed nothing into it yet)."""
    while time.time() < deadline:
        try:
            status, page = _request(job.port, "GET", START_PATH, address=address)
            match = TOKEN.search(page)
            if status == 200 and match is not None:
                return match[1].decode()
        except (OSError, http.client.HTTPException):
            pass
        tally.page_failures += 1
        time.sleep(0.2)
    return None


def _classify(tally: FaultTally, status: int, content: bytes, story: str) -> None:
    codename = codename_of(content)
    if status == 200 and codename is not None:
        tally.accepted += 1
        tally.codenames.append(codename)
    elif (
        TOKEN.search(content) is not None
        and b'<html lang="ru"' in content
        and html.escape(story).encode() in content
    ):
        tally.retry[f"HTTP {status}"] += 1
    else:
        tally.lost[f"HTTP {status}"] += 1


def _genuine(job: FaultJob, tally: FaultTally) -> None:
    deadline = job.start_at + job.seconds
    sent = 0
    while time.time() < deadline:
        sent += 1
        address = f"10.{job.worker}.{sent // 250}.{sent % 250 + 1}"  # every seeker his own
        token = _fresh_token(job, address, tally, deadline + 30)
        if token is None:
            continue
        story = f"Surge {job.worker}-{sent}: {STORIES[sent % len(STORIES)]}"
        body = urlencode([*QUESTIONNAIRE, ("story", story), ("form_token", token)])
        tally.submissions += 1
        started = time.perf_counter()
        try:
            status, content = _request(job.port, "POST", START_PATH, body, address)
        except (OSError, http.client.HTTPException):
            tally.resets += 1
            time.sleep(0.5)  # he sees the browser's error page and presses Reload
            try:
                status, content = _request(job.port, "POST", START_PATH, body, address)
            except (OSError, http.client.HTTPException) as error:
                tally.lost[type(error).__name__] += 1
                continue
        if status == 200 and CODENAME.search(content):
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        _classify(tally, status, content, story)


def _flood(job: FaultJob, tally: FaultTally) -> None:
    """One client from one address: a fresh token, a complete questionnaire, then the spent
    token replayed, as fast as the server answers."""
    deadline = job.start_at + job.seconds
    sent = 0
    while time.time() < deadline:
        sent += 1
        try:
            status, page = _request(job.port, "GET", START_PATH, address=FLOOD_ADDRESS)
            match = TOKEN.search(page)
            if match is None:
                tally.flood[f"page HTTP {status}"] += 1
                continue
            story = f"Flood {sent}"
            body = urlencode([*QUESTIONNAIRE, ("story", story), ("form_token", match[1].decode())])
            for attempt in range(1 + FLOOD_REPLAYS):
                status, content = _request(job.port, "POST", START_PATH, body, FLOOD_ADDRESS)
                kind = "sent" if attempt == 0 else "replayed"
                codename = codename_of(content)
                if status == 200 and codename is not None:
                    tally.flood[f"{kind}: accepted"] += 1
                    tally.accepted += 1
                    tally.codenames.append(codename)
                else:
                    tally.flood[f"{kind}: HTTP {status}"] += 1
        except (OSError, http.client.HTTPException) as error:
            tally.flood[type(error).__name__] += 1


def fault_load(job: FaultJob) -> FaultTally:
    tally = FaultTally()
    with contextlib.suppress(OSError, http.client.HTTPException):
        _request(job.port, "GET", START_PATH)  # warms the worker up
    time.sleep(max(0.0, job.start_at - time.time()))
    (_genuine if job.role == "genuine" else _flood)(job, tally)
    return tally


@dataclass
class FaultResult:
    name: str
    what: str
    genuine: FaultTally
    flood: FaultTally
    cases: int
    missing: int  # accepted codenames whose case is not in the database
    server_errors: Counter[str]  # the server's logged 500s, by path

    @property
    def lost(self) -> int:
        return sum(self.genuine.lost.values()) + self.missing

    @property
    def accepted_share(self) -> float:
        return self.genuine.accepted / self.genuine.submissions if self.genuine.submissions else 0.0


def _lookup_ids(url: str) -> set[str]:
    import psycopg

    with psycopg.connect(url) as connection:
        return {row[0] for row in connection.execute("SELECT lookup_id FROM cases_case")}


def fault_run(fault: str, args: argparse.Namespace) -> FaultResult:
    pepper = secrets.token_hex(24)  # ours, so that the run can check each codename's case
    overrides = {
        "INTAKE_CASES_PER_HOUR": "100000000",
        "DB_CONN_MAX_AGE": str(args.conn_max_age),
        "CACHE_URL": "db://sanctuary_cache",
        "SEEKER_PEPPER": pepper,
        "CLIENT_ADDRESS_HEADER": "X-Forwarded-For",
    }
    what = "nothing"
    with (
        own_postgres() as cluster,
        postgres_database(cluster.url, **overrides) as (env, url),
        tempfile.TemporaryDirectory(prefix="sanctuary-bench-gunicorn-") as directory,
    ):
        before = _lookup_ids(url)
        pidfile = str(Path(directory) / "gunicorn.pid")
        log = str(Path(directory) / "gunicorn.log")
        with gunicorn(
            env, args.workers, args.worker_class, args.threads, pidfile=pidfile, log=log
        ) as port:
            start_at = time.time() + 5.0  # every process has started and loaded a page
            jobs = [
                FaultJob(port, "genuine", worker, start_at, args.fault_seconds)
                for worker in range(args.fault_concurrency)
            ]
            if fault == "flood":
                jobs += [
                    FaultJob(port, "flood", len(jobs) + n, start_at, args.fault_seconds)
                    for n in range(args.flood_connections)
                ]
                what = (
                    f"one client from {FLOOD_ADDRESS} on {args.flood_connections} connections at "
                    f"once: each a questionnaire with a fresh token, then that token replayed "
                    f"{FLOOD_REPLAYS} times, as fast as answered"
                )
            done: list[str] = []

            def inject() -> None:
                if fault == "pg-restart":
                    time.sleep(max(0.0, start_at + args.fault_seconds / 2 - time.time()))
                    began = time.perf_counter()
                    cluster.restart()
                    done.append(
                        f"PostgreSQL restarted (-m fast) at {args.fault_seconds / 2:g} s, "
                        f"answering again after {time.perf_counter() - began:.1f} s"
                    )
                elif fault == "worker-kill":
                    # Three times, a quarter of the run apart, so that a kill meets a POST too.
                    for share in (0.25, 0.5, 0.75):
                        time.sleep(max(0.0, start_at + args.fault_seconds * share - time.time()))
                        began = time.perf_counter()
                        victim = busy_worker(pidfile)
                        os.kill(victim, signal.SIGKILL)
                        while (
                            victim in worker_pids(pidfile)
                            or len(worker_pids(pidfile)) < args.workers
                        ):
                            time.sleep(0.05)
                        done.append(
                            f"worker {victim} killed (SIGKILL) at {args.fault_seconds * share:g} s,"
                            f" replaced after {time.perf_counter() - began:.1f} s"
                        )

            injector = threading.Thread(target=inject, daemon=True)
            injector.start()
            with multiprocessing.get_context("fork").Pool(len(jobs), _quiet_worker) as pool:
                tallies = pool.map(fault_load, jobs)
            injector.join(timeout=60)
            what = "; ".join(done) if done else what
            server_errors = Counter(
                line.split("Internal Server Error: ", 1)[1].strip()
                for line in Path(log).read_text(errors="replace").splitlines()
                if "Internal Server Error: " in line
            )
        after = _lookup_ids(url) - before
    genuine, flood = FaultTally(), FaultTally()
    for job, tally in zip(jobs, tallies, strict=True):
        into = genuine if job.role == "genuine" else flood
        into.submissions += tally.submissions
        into.accepted += tally.accepted
        into.codenames += tally.codenames
        into.retry.update(tally.retry)
        into.lost.update(tally.lost)
        into.resets += tally.resets
        into.page_failures += tally.page_failures
        into.latencies_ms += tally.latencies_ms
        into.flood.update(tally.flood)
    secret = pepper.encode()
    missing = sum(
        derive_seeker_keys(codename, secret).lookup_id.hex() not in after
        for codename in genuine.codenames + flood.codenames
    )
    return FaultResult(fault, what, genuine, flood, len(after), missing, server_errors)


def print_fault_results(results: list[FaultResult], args: argparse.Namespace) -> None:
    verdict = {True: "met", False: "MISSED"}
    print()
    print(
        f"fault runs: {args.fault_concurrency} genuine seekers (one process each), "
        f"{args.fault_seconds:g} s each, gunicorn {args.workers} workers, own PostgreSQL cluster"
    )
    print(
        f"  {'run':<12}{'sent':>6}{'accepted':>10}{'retry':>7}{'lost':>6}{'accepted %':>12}"
        f"{'resets':>8}{'page fail':>11}{'cases':>7}{'not found':>11}{'p99 ms':>8}"
    )
    for r in results:
        g = r.genuine
        p99 = percentile(sorted(g.latencies_ms), 0.99)
        print(
            f"  {r.name:<12}{g.submissions:>6}{g.accepted:>10}{sum(g.retry.values()):>7}"
            f"{r.lost:>6}{r.accepted_share:>11.1%}{g.resets:>8}{g.page_failures:>11}"
            f"{r.cases:>7}{r.missing:>11}{p99:>8.0f}"
        )
    print(
        "  sent: genuine submissions; retry: the questionnaire again with his story, in Russian;"
        " lost: anything else, or an accepted codename whose case is not in the database (not"
        " found); resets: connections reset under a POST, each sent again once as Reload does;"
        " page fail: questionnaire loads that failed (nothing typed yet; loaded again); cases:"
        " cases in the database after the run, the flood's included"
    )
    for r in results:
        g = r.genuine
        print(f"  {r.name}: {r.what}")
        if g.retry:
            print(f"    retry pages: {', '.join(f'{k}: {n}' for k, n in g.retry.most_common())}")
        if g.lost:
            print(f"    lost: {', '.join(f'{k}: {n}' for k, n in g.lost.most_common())}")
        extra = r.cases - g.accepted - r.flood.accepted + r.missing
        if extra:
            print(f"    cases in the database that no accepted page showed a codename for: {extra}")
        if r.server_errors:
            logged = ", ".join(f"{path}: {n}" for path, n in r.server_errors.most_common())
            print(f"    server errors logged (GET and POST): {logged}")
        if r.flood.flood:
            answers = ", ".join(f"{k}: {n}" for k, n in sorted(r.flood.flood.items()))
            print(f"    the flooder's answers: {answers}")
    for r in results:
        line = f"{r.name}: lost {r.lost} (target 0: {verdict[r.lost == 0]})"
        if r.name == "flood":
            share = r.accepted_share
            line += f"; genuine accepted {share:.1%} (target >= 99 %: {verdict[share >= 0.99]})"
        print(line)


def shipped_conn_max_age() -> int:
    """DB_CONN_MAX_AGE as deploy/sanctuary.env.example ships it."""
    example = ROOT / "deploy" / "sanctuary.env.example"
    for line in example.read_text().splitlines():
        if line.startswith("DB_CONN_MAX_AGE="):
            return int(line.split("=", 1)[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60, help="length of each load phase")
    parser.add_argument("--concurrency", type=int, default=8, help="connections at a time")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=shipped_conn_max_age(),
        help="DB_CONN_MAX_AGE (default: deploy/sanctuary.env.example's; 0 reconnects each time)",
    )
    parser.add_argument(
        "--cache-url",
        default="db://sanctuary_cache",
        help="CACHE_URL of the app servers (default: the database, as the production test; "
        "deploy/sanctuary.env.example ships Redis)",
    )
    parser.add_argument(
        "--runs",
        default=",".join(RUNS),
        help=f"comma-separated runs among {', '.join(RUNS)} (default: all)",
    )
    parser.add_argument("--fault-seconds", type=float, default=30, help="length of a fault run")
    parser.add_argument(
        "--fault-concurrency", type=int, default=6, help="genuine seekers in a fault run"
    )
    parser.add_argument(
        "--flood-connections", type=int, default=4, help="the flooding client's connections"
    )
    parser.add_argument(
        "--through-nginx",
        action="store_true",
        help="the surge and its baseline through nginx and two app servers (deploy/), alone",
    )
    args = parser.parse_args()
    if args.through_nginx:
        args.runs = "surge"
    runs = [run.strip() for run in args.runs.split(",") if run.strip()]
    unknown = sorted(set(runs) - set(RUNS))
    if unknown:
        parser.error(f"unknown runs {', '.join(unknown)}: choose among {', '.join(RUNS)}")
    clean_up_on_sigterm()

    limits = SEEKER_LIMITS
    print(
        f"intake surge: Python {platform.python_version()}, {os.cpu_count()} CPUs; codename "
        f"Argon2id opslimit={limits.opslimit}, memlimit={limits.memlimit // 1024} KiB"
    )
    print(f"machine before the run: {machine_load()}")
    if args.through_nginx:
        surge_through_nginx(args)
    elif "surge" in runs:
        surge(args)
    results = [fault_run(fault, args) for fault in FAULTS if fault in runs]
    if results:
        print_fault_results(results, args)
    print(f"machine after the runs: {machine_load()}")


def surge(args: argparse.Namespace) -> None:
    print(
        f"server: gunicorn, {args.workers} workers, class {args.worker_class}, "
        f"{args.threads} threads each, PostgreSQL on 127.0.0.1, DB_CONN_MAX_AGE={args.conn_max_age}"
    )
    print(
        f"load: {args.concurrency} connections (one process each, a new connection per "
        f"request), {args.seconds:g} s per phase"
    )
    overrides = {
        "INTAKE_CASES_PER_HOUR": "100000000",
        "DB_CONN_MAX_AGE": str(args.conn_max_age),
        # Spent form tokens shared by every worker, as in production (CACHE_URL).
        "CACHE_URL": "db://sanctuary_cache",
    }
    with postgres_database(**overrides) as (env, url):
        cases_before = count_cases(url)
        with gunicorn(env, args.workers, args.worker_class, args.threads) as port:
            submissions = run_load(
                "POST /ru/help/ (submission)", port, True, args.concurrency, args.seconds
            )
            baseline = run_load(
                f"GET {BASELINE_PATH} (baseline)", port, False, args.concurrency, args.seconds
            )
        cases = count_cases(url) - cases_before
    report(submissions, baseline, cases)


def report(submissions: Result, baseline: Result, cases: int) -> None:
    print(f"  {'':<34}{'accepted':>9}{'per s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    print_result(submissions)
    print_result(baseline)
    print(
        f"  baseline: GET {BASELINE_PATH}, the codename sign-in form: the cheapest existing page"
        " (full middleware, a signed token, a small template, no database query); no URL is"
        " added to the app for a benchmark"
    )
    ratio = submissions.rate / baseline.rate if baseline.rate else 0.0
    lost = submissions.accepted - cases
    verdict = {True: "met", False: "MISSED"}
    print(
        f"cases in the database: {cases:,}, accepted submissions: {submissions.accepted:,} -> "
        + ("equal" if lost == 0 else f"DIFFERENT by {lost:+,}")
        + f" (target 0 lost: {verdict[lost == 0]})"
    )
    print(
        f"ratio submission rate / baseline rate: {ratio:.3f} (target >= {MIN_RATIO}: "
        f"{verdict[ratio >= MIN_RATIO]})"
    )
    print(
        f"submission p99: {submissions.p99:.0f} ms (target <= {MAX_P99_MS:.0f} ms: "
        f"{verdict[submissions.p99 <= MAX_P99_MS]})"
    )
    errors = sum(submissions.errors.values())
    print(f"submission errors: {errors} ({verdict[errors == 0]} for 0 errors)")


def surge_through_nginx(args: argparse.Namespace) -> None:
    """The surge through the production layout, as tests/browser/test_production_stack.py
    brings it up: nginx from Debian with the shipped site (TLS) in front of two app servers
    started from the systemd unit's ExecStart, production settings (no demo mode), on one
    PostgreSQL cluster of our own. The baseline runs on the same stack, in the same run."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if nginx is None:
        sys.exit("nginx is missing (apt-get install nginx)")
    secrets_env = {
        name: secrets.token_hex(32)
        for name in ("SECRET_KEY", "AUDIT_KEY", "SEEKER_PEPPER", "SESSION_PEPPER")
    }
    overrides = {
        **secrets_env,
        # Every seeker reaches the app from nginx's address (X-Real-IP: 127.0.0.1 here), so the
        # per-address cap and the hourly budget are lifted, as in the direct surge.
        "INTAKE_CASES_PER_HOUR": "100000000",
        "INTAKE_CASES_PER_CLIENT": "100000000",
        "DB_CONN_MAX_AGE": str(args.conn_max_age),
        "CACHE_URL": args.cache_url,
    }
    print(
        f"server: nginx (deploy/nginx, TLS, {NGINX_WORKERS} worker processes) -> 2 app servers "
        f"(deploy/systemd/sanctuary@.service's gunicorn, {args.workers} workers each), "
        f"production settings, own PostgreSQL cluster, DB_CONN_MAX_AGE={args.conn_max_age}, "
        f"CACHE_URL={args.cache_url}"
    )
    print(
        f"load: {args.concurrency} clients (one process each, one HTTPS connection kept alive),"
        f" {args.seconds:g} s per phase"
    )
    with (
        own_postgres() as cluster,
        postgres_database(cluster.url, **overrides) as (env, url),
        tempfile.TemporaryDirectory(prefix="sanctuary-bench-stack-") as directory,
    ):
        logs = Path(directory) / "logs"
        logs.mkdir()
        stack = Stack(https=free_port(), http=free_port(), onion=free_port(), logs=logs)
        stack.env = production_env(stack, {"DATABASE_URL": url})
        stack.env.update(overrides, ERASURE_KEY_STORE=env["ERASURE_KEY_STORE"])
        manage(stack.env, "collectstatic", "--noinput", "-v", "0")
        stack.app_ports = [free_port(), free_port()]
        cases_before = count_cases(url)
        try:
            for index in range(len(stack.app_ports)):
                start_app_server(stack, index, args.workers)
            start_nginx(stack, nginx, Path(directory))
            submissions = run_load(
                "POST /ru/help/ (submission)",
                stack.https,
                True,
                args.concurrency,
                args.seconds,
                tls=True,
            )
            baseline = run_load(
                f"GET {BASELINE_PATH} (baseline)",
                stack.https,
                False,
                args.concurrency,
                args.seconds,
                tls=True,
            )
        finally:
            stack.stop()
        server_errors = [
            line for line in stack.log_text().splitlines() if "Error" in line or "Traceback" in line
        ]
        cases = count_cases(url) - cases_before
    report(submissions, baseline, cases)
    if server_errors:
        print(f"server log lines naming an error: {len(server_errors)}, the first:")
        print("  " + "\n  ".join(server_errors[:5]))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted: the server is stopped and the benchmark's data deleted")
