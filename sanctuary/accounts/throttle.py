"""Throttles that slow failures and never lock the door (docs/threat-model.md).

Nothing here refuses a right password or a right codename because of failures that came from
someone else. What is counted is what an attacker cannot multiply for free:

- a *source*: the client's address when it can be told (`client_address`), and the browser's
  form, followed from one page to the next by a chain id inside a signed, single-use ticket.
  Past its free failures a source waits 2, 4, 8 … seconds before its next try is even checked;
  a person at another address or in another browser is not touched.
- a *budget*: failures across the whole site, and failures per username (known or unknown
  alike, so the answer never tells which exist). Past it, a try is checked only if its form has
  been open for a few seconds: a person who typed it has waited that long anyway, a script must.

Counters live in the shared cache (CACHE_URL: Redis or the database), so every app process
counts the same failures and a restart forgets none. Keys are keyed digests: no client address,
username or ticket reaches the cache in clear.
"""

import hashlib
import hmac
import ipaddress
import math
import secrets
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from sanctuary.accounts.models import User

TICKET_MAX_AGE = 6 * 3600  # a long form typed slowly on a phone still goes through
LOGIN_TICKET_SALT = "sanctuary.accounts.login"


def now() -> float:
    """The clock every throttle reads (the tests move it)."""
    return time.time()


def _digest(kind: str, value: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"throttle:{kind}:{mac}"


# ---- who is asking -----------------------------------------------------------------------


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES)


def _header_key(name: str) -> str:
    """CLIENT_ADDRESS_HEADER as request.META names it: X-Real-IP and HTTP_X_REAL_IP alike."""
    name = name.strip().upper().replace("-", "_")
    return name if name.startswith("HTTP_") or not name else f"HTTP_{name}"


def client_address(request: HttpRequest) -> str:
    """The client's own address, or "" when it cannot be told apart from others.

    REMOTE_ADDR, unless it is one of TRUSTED_PROXIES: only then is CLIENT_ADDRESS_HEADER read
    (anyone else could write any address into it), and the last address in it that is not a
    trusted proxy is the client. A trusted proxy that names no other client (Tor's onion
    service connects from loopback) gives "": all such clients share one address, and
    counting them together would let one of them slow all the others."""
    remote = str(request.META.get("REMOTE_ADDR", "")).strip()
    if not _is_trusted_proxy(remote):
        return remote
    header = _header_key(settings.CLIENT_ADDRESS_HEADER)
    forwarded = str(request.META.get(header, "")) if header else ""
    for candidate in reversed(forwarded.split(",")):
        candidate = candidate.strip()
        if candidate and not _is_trusted_proxy(candidate):
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return ""
    return ""


# ---- tickets: one form, one try ------------------------------------------------------------


@dataclass(frozen=True)
class Ticket:
    """What a signed form token says: which browser's chain of forms it belongs to and when
    the form was shown."""

    chain: str
    issued: float

    def age(self) -> float:
        return max(0.0, now() - self.issued)


def ticket_fields(chain: str | None) -> dict[str, object]:
    """The fields a form token carries: the chain (kept from form to form in one browser), the
    time it was shown, and a nonce so that no two tokens are alike."""
    return {"c": chain or secrets.token_urlsafe(12), "t": now(), "n": secrets.token_urlsafe(9)}


def ticket_from(data: dict[str, object]) -> Ticket | None:
    chain, issued = data.get("c"), data.get("t")
    if not isinstance(chain, str) or not isinstance(issued, (int, float)):
        return None
    return Ticket(chain, float(issued))


def spend(token: str) -> bool:
    """Records the token as used; False when it was used before. Atomic in Redis (SET NX) and
    in the database cache (a unique key), so two processes cannot both accept one token."""
    return bool(cache.add(_digest("spent", token), 1, timeout=TICKET_MAX_AGE + 60))


def login_ticket(chain: str | None) -> str:
    return signing.dumps(ticket_fields(chain), salt=LOGIN_TICKET_SALT)


def redeem_login_ticket(token: str) -> Ticket | None:
    """The ticket of the login form just posted, spent now; None when it is missing, forged,
    too old or already used (the try then counts as coming from a fresh browser)."""
    try:
        data = signing.loads(token, salt=LOGIN_TICKET_SALT, max_age=TICKET_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not spend(token):
        return None
    return ticket_from(data)


# ---- counting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    free_failures: int


def sources(
    request: HttpRequest, kind: str, ticket: Ticket | None, client_free: int
) -> list[Source]:
    """The sources a try comes from: its client address (when known) and its browser's chain."""
    found = []
    address = client_address(request)
    if address:
        found.append(Source(_digest(f"{kind}-client", address), client_free))
    if ticket is not None:
        found.append(
            Source(_digest(f"{kind}-browser", ticket.chain), settings.LOGIN_BROWSER_FREE_FAILURES)
        )
    return found


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # it expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def wait_seconds(found: list[Source]) -> int:
    """How long the most-failed of these sources must still wait; 0 when none must."""
    waits = cache.get_many([f"{source.key}:until" for source in found])
    until = max((float(value) for value in waits.values()), default=0.0)
    return max(0, math.ceil(until - now()))


def note_source_failure(found: list[Source], window: int, base_seconds: int = 1) -> None:
    """One more failure for each source; once it has had its free failures, each further try
    waits base × 2, 4, 8 … seconds."""
    for source in found:
        over = _count(source.key, window) - source.free_failures + 1
        if over > 0:
            delay = min(base_seconds * 2 ** min(over, 30), settings.THROTTLE_MAX_WAIT_SECONDS)
            cache.set(f"{source.key}:until", now() + delay, timeout=window + delay)


# ---- reserving: the check and the count in one step ---------------------------------------


class Busy(Exception):
    """Another process held a source's section for longer than a try may wait for it."""


SECTION_SECONDS = 10  # a section that outlives its process frees itself after this
SECTION_WAIT_SECONDS = 5


@contextmanager
def exclusive(key: str) -> Iterator[None]:
    """One request at a time, in every app process, runs the block for this key.

    In the database cache the block is one transaction holding a lock on the key's row: a no-op
    UPDATE, which PostgreSQL holds as a row lock and SQLite (BEGIN IMMEDIATE) as its write lock,
    until the commit. Elsewhere (Redis, the demo's memory) a lock key is added, which is atomic
    there (SET NX), and deleted afterwards; a process killed inside frees it after
    SECTION_SECONDS. Busy when it is not had within SECTION_WAIT_SECONDS."""
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        with _row_locked(backend, f"{key}:section"):
            yield
        return
    lock, mine = f"{key}:section", secrets.token_hex(8)
    deadline = time.monotonic() + SECTION_WAIT_SECONDS
    while not backend.add(lock, mine, timeout=SECTION_SECONDS):
        if time.monotonic() > deadline:
            raise Busy(key)
        time.sleep(0.01)
    try:
        yield
    finally:
        if backend.get(lock) == mine:
            backend.delete(lock)


@contextmanager
def _row_locked(backend: DatabaseCache, key: str) -> Iterator[None]:
    db = router.db_for_write(backend.cache_model_class)
    connection = connections[db]
    table = connection.ops.quote_name(backend.cache_model_class._meta.db_table)
    stored = backend.make_and_validate_key(key)
    # The table's name is our setting (CACHE_URL, checked to be letters and _), quoted.
    lock = f"UPDATE {table} SET expires = expires WHERE cache_key = %s"  # noqa: S608  # nosec B608
    with transaction.atomic(using=db), connection.cursor() as cursor:
        cursor.execute(lock, [stored])
        if cursor.rowcount == 0:
            # The first time: a row to lock. Of two inserting at once, the second waits for
            # the first's commit, fails on the unique key, and then locks the first's row.
            backend.add(key, 1, timeout=None)
            cursor.execute(lock, [stored])
        yield


@dataclass(frozen=True)
class Reservation:
    """A try counted before its work is done, to be given back if the work fails."""

    found: tuple[Source, ...] = ()
    window: int = 0
    before: tuple[float | None, ...] = ()  # each source's wait before this try (None: none)
    after: tuple[float | None, ...] = ()  # and the wait this try set


def _sections(found: tuple[Source, ...] | list[Source]) -> ExitStack:
    """Every source's section, entered in one order so that two tries cannot deadlock."""
    stack = ExitStack()
    try:
        for key in sorted({source.key for source in found}):
            stack.enter_context(exclusive(key))
    except BaseException:
        stack.close()
        raise
    return stack


def _untils(found: tuple[Source, ...] | list[Source]) -> tuple[float | None, ...]:
    waits = cache.get_many([f"{source.key}:until" for source in found])
    return tuple(waits.get(f"{source.key}:until") for source in found)


def reserve(found: list[Source], window: int, base_seconds: int = 1) -> tuple[int, Reservation]:
    """Checks the sources' wait and counts this try, in one step: (seconds to wait, nothing
    reserved) when it must wait, (0, its reservation) when it may go on. Done apart (wait_seconds,
    then note_source_failure once the work is done), tries sent at once from one source would
    all pass the check before any of them was counted."""
    with _sections(found):
        wait = wait_seconds(found)
        if wait:
            return wait, Reservation()
        before = _untils(found)
        note_source_failure(found, window, base_seconds)
        return 0, Reservation(tuple(found), window, before, _untils(found))


def release(reservation: Reservation) -> None:
    """Gives a reserved try back: the work it was counted for did not happen. A wait that a
    later try has set since stays."""
    found = reservation.found
    with _sections(found):
        current = _untils(found)
        for source, before, after, now_set in zip(
            found, reservation.before, reservation.after, current, strict=True
        ):
            count = int(cache.get(source.key, 0))
            cache.set(source.key, max(0, count - 1), timeout=reservation.window)
            if now_set != after:
                continue
            if before is None:
                cache.delete(f"{source.key}:until")
            else:
                remaining = max(1, math.ceil(float(before) - now()))
                cache.set(f"{source.key}:until", before, timeout=remaining)


def _bucket_keys(name: str, window: int) -> tuple[str, str, float]:
    slot, into = divmod(now(), window)
    return f"throttle:budget:{name}:{int(slot)}", f"throttle:budget:{name}:{int(slot) - 1}", into


def note_budget(name: str, window: int) -> None:
    current, _previous, _into = _bucket_keys(name, window)
    _count(current, 2 * window)


def budget_spent(name: str, window: int) -> float:
    """Failures in the last window, estimated from two fixed buckets (a sliding window)."""
    current, previous, into = _bucket_keys(name, window)
    counts = cache.get_many([current, previous])
    return float(counts.get(current, 0)) + float(counts.get(previous, 0)) * (1 - into / window)


def pressure_wait(ticket: Ticket | None, seconds: int) -> int:
    """Under pressure, how long this form must still stay open before its try is checked."""
    age = ticket.age() if ticket is not None else 0.0
    return max(0, math.ceil(seconds - age))


# ---- staff login ---------------------------------------------------------------------------


def _login_sources(request: HttpRequest, ticket: Ticket | None) -> list[Source]:
    return sources(request, "login", ticket, settings.LOGIN_CLIENT_MAX_FAILURES)


def _account_key(username: str) -> str:
    return _digest("login-account", username.strip().lower())


def login_wait(request: HttpRequest, username: str, ticket: Ticket | None) -> int:
    """Seconds this try must wait before its password is checked; 0 to check it now. Known and
    unknown usernames go through exactly the same counters."""
    window = settings.LOGIN_CLIENT_WINDOW_SECONDS
    wait = wait_seconds(_login_sources(request, ticket))
    if wait:
        return wait
    account_failures = int(cache.get(_account_key(username), 0))
    if (
        budget_spent("login", window) >= settings.LOGIN_GLOBAL_FAILURES
        or account_failures >= settings.LOGIN_ACCOUNT_FREE_FAILURES
    ):
        return pressure_wait(ticket, settings.LOGIN_PRESSURE_SECONDS)
    return 0


def note_login_failure(request: HttpRequest, username: str, ticket: Ticket | None) -> None:
    window = settings.LOGIN_CLIENT_WINDOW_SECONDS
    note_source_failure(_login_sources(request, ticket), window)
    _count(_account_key(username), window)
    note_budget("login", window)


# ---- the second factor's lock (only someone with the right password reaches it) ------------


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
