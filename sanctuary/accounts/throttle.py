"""Login throttling per account and per client.

Per account: failures are counted on the user row, and past a few free failures the account
locks for a time that doubles with each further failure. Per client: failures are counted in
this process's memory under a keyed digest of the address, so no client address ever reaches
a disk. Unknown usernames are counted in memory too, so a lock-out does not reveal whether an
account exists.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from sanctuary.accounts.models import User


def _digest(kind: str, value: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"throttle:{kind}:{mac}"


def client_address(request: HttpRequest) -> str:
    header = getattr(settings, "CLIENT_ADDRESS_HEADER", "")
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def client_is_blocked(request: HttpRequest) -> bool:
    count = cache.get(_digest("client", client_address(request)), 0)
    return bool(count >= settings.LOGIN_CLIENT_MAX_FAILURES)


def note_client_failure(request: HttpRequest) -> None:
    key = _digest("client", client_address(request))
    cache.add(key, 0, timeout=settings.LOGIN_CLIENT_WINDOW_SECONDS)
    cache.incr(key)


def lock_seconds(failures: int) -> int:
    """0 for the first free failures, then 30 s, 60 s, 120 s … up to the configured cap."""
    over = failures - settings.LOGIN_ACCOUNT_FREE_FAILURES
    if over < 0:
        return 0
    return int(min(30 * 2 ** min(over, 20), settings.LOGIN_ACCOUNT_MAX_LOCK_SECONDS))


def note_account_failure(user: User) -> None:
    user.failed_logins += 1
    seconds = lock_seconds(user.failed_logins)
    user.locked_until = timezone.now() + timedelta(seconds=seconds) if seconds else None
    user.save(update_fields=["failed_logins", "locked_until"])


def clear_account_failures(user: User) -> None:
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])


def unknown_account_is_blocked(username: str) -> bool:
    count = cache.get(_digest("unknown", username.lower()), 0)
    return bool(count >= settings.LOGIN_ACCOUNT_FREE_FAILURES)


def note_unknown_account_failure(username: str) -> None:
    key = _digest("unknown", username.lower())
    cache.add(key, 0, timeout=settings.LOGIN_ACCOUNT_MAX_LOCK_SECONDS)
    cache.incr(key)
