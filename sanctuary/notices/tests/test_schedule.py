"""The retry and digest arithmetic, pure: `pytest -p no:django --noconftest` runs it."""

import datetime as dt

from sanctuary.notices.schedule import backoff, first_attempt

NOW = dt.datetime(2026, 12, 10, 10, 20, 30, tzinfo=dt.UTC)


def test_it_doubles_the_wait_up_to_six_hours() -> None:
    waits = [backoff(n).total_seconds() for n in range(1, 12)]
    assert waits[:5] == [60, 120, 240, 480, 960]
    assert waits[-1] == 6 * 3600
    assert backoff(10_000) == dt.timedelta(hours=6)


def test_it_sends_immediately_at_once() -> None:
    assert first_attempt("immediate", NOW) == NOW


def test_it_gathers_an_hourly_digest_until_the_next_full_hour() -> None:
    assert first_attempt("hourly", NOW) == NOW.replace(hour=11, minute=0, second=0)
    on_the_hour = NOW.replace(minute=0, second=0)
    assert first_attempt("hourly", on_the_hour) == on_the_hour + dt.timedelta(hours=1)


def test_it_sends_a_daily_digest_at_its_hour_today_or_tomorrow() -> None:
    assert first_attempt("daily", NOW, daily_hour=18) == NOW.replace(hour=18, minute=0, second=0)
    assert first_attempt("daily", NOW, daily_hour=8) == NOW.replace(
        day=11, hour=8, minute=0, second=0
    )
