"""The database cache never forgets a live entry: a spent form token stays spent.

Django's own database cache culls a third of its live rows once it holds more than MAX_ENTRIES;
a spent token's marker is such a row, so a burst of traffic made spent tokens replayable. The
tests shrink MAX_ENTRIES to 5 so that sixty spent tokens are a burst; the positive control runs the
same attack on Django's backend and sees the token spent twice.
"""

import datetime as dt
from typing import Any

import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings

from sanctuary.accounts import throttle


def database_cache(backend: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": "sanctuary_cache",
            "OPTIONS": {"MAX_ENTRIES": 5},
        }
    }


OURS = database_cache("sanctuary.cache.DatabaseCache")
DJANGOS = database_cache("django.core.cache.backends.db.DatabaseCache")


def burst(count: int = 60) -> None:
    # What a surge writes: other seekers' tokens, spent.
    for n in range(count):
        assert throttle.spend(f"token-of-another-form-{n}")


def rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sanctuary_cache")
        return int(cursor.fetchone()[0])


class DatabaseCacheTests(TestCase):
    def setUp(self) -> None:
        super().setUp()
        with override_settings(CACHES=OURS):
            call_command("createcachetable", verbosity=0)  # as `migrate` does in production

    @override_settings(CACHES=OURS)
    def test_it_keeps_a_spent_token_spent_through_a_burst(self) -> None:
        assert throttle.spend("token-of-one-form")
        burst()
        assert not throttle.spend("token-of-one-form")

    @override_settings(CACHES=DJANGOS)
    def test_it_sees_django_s_cache_forget_a_spent_token(self) -> None:
        # The positive control: the attack the test above makes, on the stock backend.
        assert throttle.spend("token-of-one-form")
        burst()
        assert throttle.spend("token-of-one-form")

    @override_settings(CACHES=OURS)
    def test_it_deletes_expired_entries_when_it_grows(self) -> None:
        with time_machine.travel(dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC), tick=False):
            for n in range(10):
                cache.set(f"short-{n}", n, timeout=60)
        with time_machine.travel(dt.datetime(2026, 12, 3, 13, 0, tzinfo=dt.UTC), tick=False):
            cache.set("live", 1, timeout=3600)
            cache.set("live-2", 2, timeout=3600)  # over MAX_ENTRIES: the expired ten go
            assert rows() == 2
            assert cache.get("live") == 1
