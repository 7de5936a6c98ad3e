"""One address, many connections at once, cannot open more cases than its share.

The attacker sends his cases at the same moment, each on its own connection (a thread with its
own database connection, as gunicorn's workers have), so that every one of them reaches the
per-address check before any is counted. The check and the count are one step
(throttle.reserve), so only INTAKE_CASES_PER_CLIENT of them are stored. Every try waits at a
barrier right after reading its address's wait: tries that can pass the check together all
arrive there together, and the positive control shows that without the one step they do.

The counters live where production keeps them: the database cache (SQLite or PostgreSQL, as the
suite runs) and Redis (SANCTUARY_TEST_REDIS_URL; skipped without one unless
SANCTUARY_REQUIRE_REDIS=1).
"""

import contextlib
import threading
import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse

from sanctuary.accounts import throttle
from sanctuary.accounts.models import Role
from sanctuary.accounts.tests.test_shared_counters import (
    DB_CACHE,
    forget_redis_keys,
    redis_cache,
    require_redis,
)
from sanctuary.cases.models import Case
from sanctuary.intake.tests.helpers import ANSWERS, token_in
from sanctuary.test import make_staff

AT_ONCE = 6
CAP = 3
ATTACKER = "203.0.113.80"


@contextlib.contextmanager
def no_single_step() -> Iterator[None]:
    """The check and the count as two steps again, as before: each try enters its section
    alone (no lock)."""
    with mock.patch.object(throttle, "exclusive", lambda key: contextlib.nullcontext()):
        yield


@override_settings(INTAKE_CASES_PER_CLIENT=CAP, INTAKE_CASES_PER_HOUR=1000)
class ConcurrentCasesTestCase(TransactionTestCase):
    def setUp(self) -> None:
        make_staff("charlie", Role.COORDINATOR)  # new cases are sealed to the intake group

    def send_at_once(self) -> list[int]:
        """AT_ONCE cases from one address, on as many connections, released together."""
        cache.clear()  # the database cache's table outlives the test's flush
        tokens = []
        for _ in range(AT_ONCE):
            page = Client().get(reverse("intake:start")).content.decode()
            tokens.append(token_in(page))
        together = threading.Barrier(AT_ONCE, timeout=2)
        read_wait = throttle.wait_seconds

        def wait_then_meet(found: list[throttle.Source]) -> int:
            wait = read_wait(found)
            if found:  # the attacker's address: meet the others between check and count
                with contextlib.suppress(threading.BrokenBarrierError):
                    together.wait()
            return wait

        statuses: list[int] = []
        errors: list[BaseException] = []

        def post(token: str) -> None:
            try:
                client = Client(REMOTE_ADDR=ATTACKER)
                response = client.post(reverse("intake:start"), {**ANSWERS, "form_token": token})
                statuses.append(response.status_code)
            except BaseException as error:  # reported by the test, not lost in the thread
                errors.append(error)
            finally:
                connection.close()

        with mock.patch.object(throttle, "wait_seconds", wait_then_meet):
            threads = [threading.Thread(target=post, args=(token,)) for token in tokens]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(len(statuses), AT_ONCE)
        return sorted(statuses)

    def check_cap_holds(self) -> None:
        statuses = self.send_at_once()
        self.assertEqual(statuses, [200] * CAP + [429] * (AT_ONCE - CAP))
        self.assertEqual(Case.objects.count(), CAP)
        # And one more, sent alone afterwards, waits too.
        client = Client(REMOTE_ADDR=ATTACKER)
        page = client.get(reverse("intake:start")).content.decode()
        response = client.post(reverse("intake:start"), {**ANSWERS, "form_token": token_in(page)})
        self.assertEqual(response.status_code, 429)
        self.assertEqual(Case.objects.count(), CAP)

    def check_race_is_seen(self) -> None:
        with no_single_step():
            statuses = self.send_at_once()
        self.assertEqual(statuses, [200] * AT_ONCE)
        self.assertEqual(Case.objects.count(), AT_ONCE)

    def in_redis(self) -> Any:
        require_redis(self)
        prefix = f"sanctuary-test-{uuid.uuid4().hex}"
        self.addCleanup(forget_redis_keys, f"{prefix}:*")
        return override_settings(CACHES=redis_cache(prefix))

    def test_it_stores_only_the_cap_of_cases_sent_at_once_counted_in_the_database(self) -> None:
        with override_settings(CACHES=DB_CACHE):
            call_command("createcachetable", verbosity=0)
            self.check_cap_holds()

    def test_it_stores_only_the_cap_of_cases_sent_at_once_counted_in_redis(self) -> None:
        with self.in_redis():
            self.check_cap_holds()

    def test_it_would_see_cases_slip_past_a_check_apart_from_the_count_in_the_database(
        self,
    ) -> None:
        """Positive control: with the check and the count as two steps, every case sent at
        once is stored."""
        with override_settings(CACHES=DB_CACHE):
            call_command("createcachetable", verbosity=0)
            self.check_race_is_seen()

    def test_it_would_see_cases_slip_past_a_check_apart_from_the_count_in_redis(self) -> None:
        with self.in_redis():
            self.check_race_is_seen()
