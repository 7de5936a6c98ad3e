"""The seeker's side of trust: one session cookie, form tokens, origin checks, throttles.

No cookie exists before the seeker submits or signs in. After that there is exactly one: an
HttpOnly, SameSite=Strict session cookie with no expiry date, holding a random session id and
the key that unwraps his secret key for the session. The database keeps only a digest of the id,
keyed with SESSION_PEPPER, and the wrapped secret; a copy of it opens nothing.
"""

import base64
import contextlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sanctuary.accounts import form_tokens, throttle
from sanctuary.accounts.sessions import key_digest
from sanctuary.cases.models import Case, Message
from sanctuary.intake.models import SeekerSession
from sanctuary.keyring import crypto


def cookie_name() -> str:
    return "__Host-s" if settings.HTTPS else "s"


def _digest(session_id: bytes) -> str:
    """Keyed with SESSION_PEPPER, as staff sessions are (sanctuary.accounts.sessions)."""
    return key_digest(session_id.hex(), person=b"sanctuary-seeker")


def _aad(digest: str) -> bytes:
    return f"sanctuary-seeker-session:{digest}".encode()


@dataclass
class Seeker:
    """A signed-in seeker for one request: his case and his unlocked key pair."""

    case: Case
    keypair: crypto.KeyPair
    session: SeekerSession


def open_session(case: Case, keypair: crypto.KeyPair) -> str:
    """Stores a new session for the case; returns the value of its cookie (set_session)."""
    session_id = secrets.token_bytes(16)
    session_key = crypto.new_session_key()
    digest = _digest(session_id)
    SeekerSession.objects.create(
        id_digest=digest,
        case=case,
        wrapped_secret=crypto.wrap_with_key(keypair.secret_key, session_key, aad=_aad(digest)),
    )
    return base64.urlsafe_b64encode(session_id + session_key).decode().rstrip("=")


def set_session(response: HttpResponse, cookie: str) -> None:
    response.set_cookie(
        cookie_name(), cookie, httponly=True, secure=settings.HTTPS, samesite="Strict"
    )


def start_session(response: HttpResponse, case: Case, keypair: crypto.KeyPair) -> None:
    set_session(response, open_session(case, keypair))


def _parse_cookie(value: str) -> tuple[bytes, bytes] | None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        return None
    if len(raw) != 16 + crypto.KEY_BYTES:
        return None
    return raw[:16], raw[16:]


def current_seeker(request: HttpRequest) -> Seeker | None:
    """The signed-in seeker, or None. A session idle for longer than the timeout is deleted."""
    if hasattr(request, "_sanctuary_seeker"):
        cached: Seeker | None = request._sanctuary_seeker
        return cached
    found = None
    parsed = _parse_cookie(request.COOKIES.get(cookie_name(), ""))
    if parsed is not None:
        session_id, session_key = parsed
        row = SeekerSession.objects.select_related("case").filter(id_digest=_digest(session_id))
        session = row.first()
        idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
        if session is not None and session.last_seen < timezone.now() - idle:
            session.delete()
            session = None
        if session is not None:
            try:
                secret = crypto.unwrap_with_key(
                    bytes(session.wrapped_secret), session_key, aad=_aad(session.id_digest)
                )
            except crypto.KeyringError:
                secret = None
            if secret is not None:
                session.last_seen = timezone.now()
                session.save(update_fields=["last_seen"])
                found = Seeker(session.case, crypto.KeyPair.from_secret_key(secret), session)
    request._sanctuary_seeker = found  # type: ignore[attr-defined]
    return found


def end_session(request: HttpRequest, response: HttpResponse) -> None:
    """Deletes the server half, the cookie, and everything the browser kept of these pages."""
    seeker = current_seeker(request)
    if seeker is not None:
        seeker.session.delete()
    response.delete_cookie(cookie_name(), samesite="Strict")
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'


# ---- cross-site protection without a cookie (sanctuary/accounts/form_tokens.py) ------------

from_our_site = form_tokens.from_our_site
FORM_TOKEN_MAX_AGE = form_tokens.FORM_TOKEN_MAX_AGE


def form_token(purpose: str, request: HttpRequest, chain: str | None = None) -> str:
    """A signed, single-use token for one form, bound to the seeker's session when there is
    one. `chain` carries one browser's sign-in tries from form to form (accounts/throttle.py)."""
    return form_tokens.make(purpose, _binding(request), chain)


def _binding(request: HttpRequest) -> str:
    seeker = current_seeker(request)
    return seeker.session.id_digest[:16] if seeker else form_tokens.UNBOUND


def form_ticket(request: HttpRequest, purpose: str) -> throttle.Ticket | None:
    """The ticket of a genuine POST from our own page, spent now; None when the POST is
    cross-site, or its token is forged, for another form or session, too old or used before."""
    return form_tokens.spend(request, purpose, _binding(request))


def form_is_genuine(request: HttpRequest, purpose: str) -> bool:
    return form_ticket(request, purpose) is not None


# ---- floods and guesses: slowed per source, never refused for someone else's -------------


def _window() -> int:
    return int(settings.LOGIN_CLIENT_WINDOW_SECONDS)


def _codename_sources(request: HttpRequest, ticket: throttle.Ticket) -> list[throttle.Source]:
    return throttle.sources(request, "codename", ticket, settings.INTAKE_CODENAME_FAILURES)


def codename_wait(request: HttpRequest, ticket: throttle.Ticket) -> int:
    """Seconds before this sign-in may be checked: its browser or address failed too often, or
    the site had more wrong codenames than its budget and this form is younger than a person
    needs to type eight words. 0 means check it now."""
    wait = throttle.wait_seconds(_codename_sources(request, ticket))
    if not wait and throttle.budget_spent("codename", _window()) >= settings.LOGIN_GLOBAL_FAILURES:
        wait = throttle.pressure_wait(ticket, settings.LOGIN_PRESSURE_SECONDS)
    return wait


def note_failed_guess(request: HttpRequest, ticket: throttle.Ticket) -> None:
    throttle.note_source_failure(_codename_sources(request, ticket), _window())
    throttle.note_budget("codename", _window())


def _submission_sources(request: HttpRequest) -> list[throttle.Source]:
    # The address only: a form sent without cookies has no browser of its own to count.
    return throttle.sources(request, "case", None, settings.INTAKE_CASES_PER_CLIENT)


def under_pressure() -> bool:
    """More new cases in the last hour than the network's budget (INTAKE_CASES_PER_HOUR)."""
    since = timezone.now() - timedelta(hours=1)
    budget = settings.INTAKE_CASES_PER_HOUR
    # Counted up to the budget only: in a surge the hour holds thousands of cases, and every
    # submission asks.
    return bool(Case.objects.created_since(since)[:budget].count() >= budget)


def reserve_submission(
    request: HttpRequest, ticket: throttle.Ticket
) -> tuple[int, throttle.Reservation]:
    """Seconds before this new case may be accepted (its address sent many just now, or the
    network is under pressure and the form was open for less time than answering takes), or 0
    and the place this case takes in its address's count. The check and the count are one
    step, so cases sent at once from one address cannot all slip past the count; the place is
    given back (release_submission) when the case is not stored after all."""
    wait, reservation = throttle.reserve(_submission_sources(request), 3600, base_seconds=30)
    if wait:
        return wait, reservation
    try:
        pressed = under_pressure()
    except BaseException:
        with contextlib.suppress(Exception):  # the database's own error is the one to tell
            release_submission(reservation)
        raise
    if pressed:
        wait = throttle.pressure_wait(ticket, settings.INTAKE_PRESSURE_FORM_SECONDS)
        if wait:
            release_submission(reservation)
    return wait, reservation


def release_submission(reservation: throttle.Reservation) -> None:
    throttle.release(reservation)


def message_limit_reached(seeker: Seeker) -> bool:
    """The case sent its allowance of messages in the window, or since a counselor last
    answered; counted per case, so signing in again does not reset it."""
    since = timezone.now() - timedelta(hours=settings.INTAKE_MESSAGE_WINDOW_HOURS)
    messages = Message.objects.filter(case=seeker.case, created_at__gte=since)
    answered = messages.filter(from_seeker=False).order_by("-created_at").first()
    if answered is not None:
        messages = messages.filter(created_at__gt=answered.created_at)
    return bool(messages.filter(from_seeker=True).count() >= settings.INTAKE_MESSAGES_PER_CASE)
