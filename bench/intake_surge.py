"""Benchmark: a surge of questionnaire submissions, as on the day a mobilisation is announced.

Run with ``.venv/bin/python bench/intake_surge.py [--seconds 60] [--concurrency 8]
[--workers 2] [--worker-class sync] [--threads 1]``. Creates a fresh PostgreSQL database on
127.0.0.1 (dropped at the end), migrates it, seeds the demo staff and the intake group, and
serves the app with gunicorn. A load generator of `--concurrency` processes, each with one
connection at a time, then posts complete questionnaires for `--seconds` seconds (each post
first fetches the questionnaire for its form token, as a seeker does: tokens are single-use, and
only the post is timed). The same load is then run against a baseline page on the same server.

Every submission derives the seeker's codename keys (Argon2id at libsodium's minimum since the
codename's 88 bits carry the security, docs/keys.md), seals the case to two holders, writes six
rows and an audit entry under the chain's lock, and renders the codename page.

Targets: 0 lost submissions (cases in the database == accepted submissions); submission rate at
least 0.25 x the baseline rate; p99 <= 500 ms. Prints the figures and whether each target is
met; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import platform
import re
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import (
    HOST,
    QUESTIONNAIRE,
    clean_up_on_sigterm,
    gunicorn,
    machine_load,
    postgres_database,
)
from sanctuary.keyring.crypto import SEEKER_LIMITS

# The baseline. We add no URL to the app for a benchmark, so the baseline is the cheapest
# existing page on the same stack: GET /ru/return/, the codename sign-in form. Without a cookie
# it runs the whole middleware stack, signs a form token and renders a small template, and makes
# no database query at all (counted with CaptureQueriesContext); it stands for "Django on this
# stack doing almost nothing". The ratio against it is therefore a strict one.
BASELINE_PATH = "/ru/return/"
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


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)  # accepted requests only
    accepted: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    first_started: float = 0.0
    last_finished: float = 0.0


def _request(port: int, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _quiet_worker() -> None:
    """Pool processes leave clean-up to the parent: Ctrl-C reaches the parent, which ends them
    with SIGTERM, so they take the default action on it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def load(job: Job) -> Tally:
    """One connection's loop: runs until job.start_at + job.seconds, then returns its tally."""
    tally = Tally()
    if job.submit:  # warms the worker up (the questionnaire's first rendering loads the routes)
        _request(job.port, "GET", START_PATH)
    time.sleep(max(0.0, job.start_at - time.time()))
    tally.first_started = time.time()
    deadline = job.start_at + job.seconds
    sent = 0
    while time.time() < deadline:
        sent += 1
        try:
            if job.submit:
                status, page = _request(job.port, "GET", START_PATH)
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
                status, content = _request(job.port, "POST", START_PATH, body)
                ok = status == 200 and b'class="codename"' in content
            else:
                status, content = _request(job.port, "GET", BASELINE_PATH)
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


def run_load(name: str, port: int, submit: bool, concurrency: int, seconds: float) -> Result:
    start_at = time.time() + 2.0  # time for every process to start (and fetch its token)
    jobs = [Job(port, submit, worker, start_at, seconds) for worker in range(concurrency)]
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
        row = connection.execute("SELECT count(*) FROM intake_case").fetchone()
    return int(row[0]) if row else 0


def print_result(result: Result) -> None:
    errors = sum(result.errors.values())
    detail = ", ".join(f"{kind}: {n}" for kind, n in result.errors.most_common())
    print(
        f"  {result.name:<34}{result.accepted:>9,}{result.rate:>10.1f}"
        f"{result.p50:>10.1f}{result.p99:>10.1f}{errors:>8}" + (f"  ({detail})" if detail else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60, help="length of each load phase")
    parser.add_argument("--concurrency", type=int, default=8, help="connections at a time")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="DB_CONN_MAX_AGE (0, the default, reconnects)"
    )
    args = parser.parse_args()
    clean_up_on_sigterm()

    limits = SEEKER_LIMITS
    print(
        f"intake surge: Python {platform.python_version()}, {os.cpu_count()} CPUs; codename "
        f"Argon2id opslimit={limits.opslimit}, memlimit={limits.memlimit // 1024} KiB"
    )
    print(f"machine before the run: {machine_load()}")
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


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted: the server is stopped and the benchmark's data deleted")
