"""Throttle counters and used form tokens are shared by every app process.

The rest of the suite counts in memory for speed (conftest.py). Here the counters live where
production keeps them: Redis (SANCTUARY_TEST_REDIS_URL, default db 15 of the local Redis) and
the database cache; and two gunicorn processes, as behind a load balancer, share them.
CI sets SANCTUARY_REQUIRE_REDIS=1 so that a missing Redis fails instead of skipping.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings

from sanctuary.accounts import throttle
from sanctuary.accounts.models import Role
from sanctuary.intake.tests.helpers import ANSWERS, codename_in
from sanctuary.test import make_staff

DB_CACHE = {
    "default": {
        "BACKEND": "sanctuary.cache.DatabaseCache",
        "LOCATION": "sanctuary_cache",
    }
}
REDIS_URL = os.environ.get("SANCTUARY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_cache(prefix: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }


def require_redis(test: TestCase | TransactionTestCase) -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("SANCTUARY_REQUIRE_REDIS") == "1":
            raise
        test.skipTest(f"no Redis at {REDIS_URL}: {error}")


def forget_redis_keys(pattern: str) -> None:
    """Deletes what a test wrote, and nothing else (never FLUSHDB: others may share the db)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=pattern):
        client.delete(key)


class SharedBackendsTestCase(TestCase):
    """What the throttles rely on holds in both shared backends."""

    def check_backend(self) -> None:
        cache.clear()
        token = f"form-token-{uuid.uuid4()}"
        self.assertTrue(throttle.spend(token))
        self.assertFalse(throttle.spend(token))  # a second process would be told the same
        source = [throttle.Source("throttle:test:source", free_failures=2)]
        throttle.note_source_failure(source, window=60)
        self.assertEqual(throttle.wait_seconds(source), 0)
        throttle.note_source_failure(source, window=60)
        self.assertEqual(throttle.wait_seconds(source), 2)
        throttle.note_budget("test", window=60)
        throttle.note_budget("test", window=60)
        self.assertGreaterEqual(throttle.budget_spent("test", window=60), 2)
        # A reservation is the check and the count in one step; released, it is given back.
        tries = [throttle.Source("throttle:test:reserved", free_failures=2)]
        self.assertEqual(throttle.reserve(tries, window=60)[0], 0)
        wait, second = throttle.reserve(tries, window=60)
        self.assertEqual(wait, 0)
        self.assertEqual(throttle.reserve(tries, window=60), (2, throttle.Reservation()))
        throttle.release(second)
        self.assertEqual(throttle.wait_seconds(tries), 0)
        wait, _again = throttle.reserve(tries, window=60)
        self.assertEqual((wait, throttle.wait_seconds(tries)), (0, 2))

    def test_it_counts_in_redis(self) -> None:
        require_redis(self)
        prefix = f"sanctuary-test-{uuid.uuid4().hex}"
        self.addCleanup(forget_redis_keys, f"{prefix}:*")
        with override_settings(CACHES=redis_cache(prefix)):
            self.check_backend()

    def test_it_counts_in_the_database(self) -> None:
        with override_settings(CACHES=DB_CACHE):
            call_command("createcachetable", verbosity=0)
            self.check_backend()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """One gunicorn process of Sanctuary on a loopback port, on the test database."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "sanctuary.wsgi", "--workers", "1"),
                *("--bind", f"127.0.0.1:{self.port}", "--access-logfile", "/dev/null"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                assert self.process.stderr is not None
                raise AssertionError(self.process.stderr.read().decode()[-3000:])
            try:
                self.request("GET", "/ru/help/")
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def request(
        self, method: str, path: str, data: dict[str, Any] | None = None, client: str = ""
    ) -> tuple[int, str]:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if data else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=body, method=method
        )
        request.add_header("Sec-Fetch-Site", "same-origin")
        if client:
            request.add_header("X-Real-IP", client)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, path: str) -> str:
        status, page = self.request("GET", path)
        match = re.search(r'name="form_token" value="([^"]+)"', page)
        assert status == 200 and match, page[-2000:]
        return match[1]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        if self.process.stderr is not None:
            self.process.stderr.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class TwoProcessesTestCase(TransactionTestCase):
    """Two app processes behind one proxy count the same failures and spend the same tokens."""

    def server_env(self, cache_url: str) -> dict[str, str]:
        env = {**os.environ, "CACHE_URL": cache_url, "CLIENT_ADDRESS_HEADER": "X-Real-IP"}
        db = connection.settings_dict
        if db["ENGINE"].endswith("sqlite3"):
            env.pop("DATABASE_URL", None)
            env["SQLITE_PATH"] = str(db["NAME"])
        else:
            user = urllib.parse.quote(str(db["USER"]))
            password = urllib.parse.quote(str(db["PASSWORD"]))
            env["DATABASE_URL"] = (
                f"postgres://{user}:{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
            )
        # Budgets small enough for a test; the two servers each see only half the failures.
        env.update(LOGIN_GLOBAL_FAILURES="6", LOGIN_PRESSURE_SECONDS="2")
        return env

    def two_servers(self, cache_url: str) -> Any:
        return self.two_servers_with(self.server_env(cache_url))

    @contextmanager
    def two_servers_with(self, env: dict[str, str]) -> Iterator[tuple[Server, Server]]:
        servers = [Server(env) for _ in range(2)]
        try:
            for server in servers:
                server.wait_until_up()
            yield servers[0], servers[1]
        finally:
            for server in servers:
                server.stop()

    def check_shared(self, cache_url: str) -> None:
        make_staff("charlie", Role.COORDINATOR)  # new cases are sealed to the intake group
        with self.two_servers(cache_url) as (one, two):
            # A case submitted through the first process …
            token = one.token("/ru/help/")
            status, page = one.request("POST", "/ru/help/", {**ANSWERS, "form_token": token})
            assert status == 200 and 'class="codename"' in page, page[-2000:]
            codename = codename_in(page)
            # … and its token, replayed on the second, is refused there: spent is spent.
            status, page = two.request("POST", "/ru/help/", {**ANSWERS, "form_token": token})
            self.assertEqual(status, 400)
            self.assertIn("уже была отправлена", page)
            # Six wrong codenames, three on each process, spend the site's budget of six.
            words = codename.split()
            wrong = " ".join([*words[:-1], words[0]])
            for n in range(6):
                server = (one, two)[n % 2]
                form = {"codename": wrong, "form_token": server.token("/ru/return/")}
                status, page = server.request(
                    "POST", "/ru/return/", form, client=f"203.0.113.{n + 1}"
                )
                self.assertIn("Ни одно дело не открывается", page)
            # Either process now slows a form posted at once …
            form = {"codename": codename, "form_token": two.token("/ru/return/")}
            status, page = two.request("POST", "/ru/return/", form, client="198.51.100.7")
            self.assertIn("Слишком много попыток. Подождите", page)
            # … and lets the seeker in once his form was open as long as typing takes.
            form = {"codename": codename, "form_token": one.token("/ru/return/")}
            time.sleep(2)
            status, _page = one.request("POST", "/ru/return/", form, client="198.51.100.7")
            self.assertEqual(status, 302)

    def test_it_would_see_counters_kept_in_each_process(self) -> None:
        """Positive control: with the demo's per-process memory cache the same replay goes
        through on the second process, so the checks above can see a counter that is not
        shared."""
        make_staff("charlie", Role.COORDINATOR)
        env = {**self.server_env("locmem://"), "SANCTUARY_DEMO": "1"}
        with self.two_servers_with(env) as (one, two):
            token = one.token("/ru/help/")
            status, _page = one.request("POST", "/ru/help/", {**ANSWERS, "form_token": token})
            self.assertEqual(status, 200)
            status, page = two.request("POST", "/ru/help/", {**ANSWERS, "form_token": token})
            self.assertEqual(status, 200)
            self.assertIn('class="codename"', page)

    def test_it_shares_counters_across_processes_through_redis(self) -> None:
        require_redis(self)
        self.addCleanup(forget_redis_keys, "sanctuary:*")
        forget_redis_keys("sanctuary:*")
        self.check_shared(REDIS_URL)

    def test_it_shares_counters_across_processes_through_the_database(self) -> None:
        with override_settings(CACHES=DB_CACHE):
            call_command("createcachetable", verbosity=0)  # as `migrate` does in production
        self.check_shared("db://sanctuary_cache")
