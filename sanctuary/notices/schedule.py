"""When a notice is next tried: pure arithmetic on plain datetimes, no Django."""

import datetime as dt

FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 6 * 3600


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the attempts-th failed attempt: 1, 2, 4 … minutes, at most 6 hours."""
    exponent = max(attempts - 1, 0)
    if exponent >= 20:
        return dt.timedelta(seconds=MAX_RETRY_SECONDS)
    return dt.timedelta(seconds=min(FIRST_RETRY_SECONDS * 2**exponent, MAX_RETRY_SECONDS))


def first_attempt(mode: str, now: dt.datetime, daily_hour: int = 8) -> dt.datetime:
    """Immediately now; an hourly digest at the next full hour; a daily one at daily_hour
    (in now's time zone) today if it is still ahead, else tomorrow."""
    if mode == "hourly":
        return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    if mode == "daily":
        today = now.replace(hour=daily_hour, minute=0, second=0, microsecond=0)
        return today if today > now else today + dt.timedelta(days=1)
    return now
