"""The seeker's side of trust: one session cookie, form tokens, origin checks, throttles.

No cookie exists before the seeker submits or signs in. After that there is exactly one: an
HttpOnly, SameSite=Strict session cookie with no expiry date, holding a random session id and
the key that unwraps his secret key for the session. The database keeps only a digest of the id,
keyed with SESSION_PEPPER, and the wrapped secret; a copy of it opens nothing.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sanctuary.accounts.sessions import key_digest
from sanctuary.accounts.throttle import client_address
from sanctuary.cases.models import Case
from sanctuary.intake.models import SeekerSession
from sanctuary.keyring import crypto

FORM_TOKEN_MAX_AGE = 6 * 3600  # a long questionnaire typed slowly on a phone still goes through


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


def start_session(response: HttpResponse, case: Case, keypair: crypto.KeyPair) -> None:
    session_id = secrets.token_bytes(16)
    session_key = crypto.new_session_key()
    digest = _digest(session_id)
    SeekerSession.objects.create(
        id_digest=digest,
        case=case,
        wrapped_secret=crypto.wrap_with_key(keypair.secret_key, session_key, aad=_aad(digest)),
    )
    value = base64.urlsafe_b64encode(session_id + session_key).decode().rstrip("=")
    response.set_cookie(
        cookie_name(), value, httponly=True, secure=settings.HTTPS, samesite="Strict"
    )


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


# ---- cross-site protection without a cookie ------------------------------------------------


def form_token(purpose: str, request: HttpRequest) -> str:
    """A signed token for one form, bound to the seeker's session when there is one."""
    return signing.dumps({"p": purpose, "s": _binding(request)}, salt="sanctuary.intake.form")


def _binding(request: HttpRequest) -> str:
    seeker = current_seeker(request)
    return seeker.session.id_digest[:16] if seeker else "-"


def form_is_genuine(request: HttpRequest, purpose: str) -> bool:
    """The POST came from our own page: the browser does not call it cross-site, any Origin is
    ours (or opaque, as our no-referrer policy makes it), and the signed token matches."""
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    if site not in (None, "same-origin", "none"):
        return False
    origin = request.META.get("HTTP_ORIGIN")
    if origin not in (None, "null") and origin != f"{request.scheme}://{request.get_host()}":
        return False
    try:
        data = signing.loads(
            request.POST.get("form_token", ""),
            salt="sanctuary.intake.form",
            max_age=FORM_TOKEN_MAX_AGE,
        )
    except signing.BadSignature:
        return False
    return bool(data.get("p") == purpose and data.get("s") == _binding(request))


# ---- floods and guesses, counted in memory only -------------------------------------------


def quota_reached() -> bool:
    """The network-wide limit of new cases per hour (configurable)."""
    since = timezone.now() - timedelta(hours=1)
    return bool(Case.objects.created_since(since).count() >= settings.INTAKE_CASES_PER_HOUR)


def _guess_key(request: HttpRequest) -> str:
    mac = hashlib.sha256(settings.SECRET_KEY.encode() + client_address(request).encode())
    return f"intake:guess:{mac.hexdigest()}"


def guesses_blocked(request: HttpRequest) -> bool:
    return bool(cache.get(_guess_key(request), 0) >= settings.INTAKE_CODENAME_FAILURES)


def note_failed_guess(request: HttpRequest) -> None:
    key = _guess_key(request)
    cache.add(key, 0, timeout=settings.LOGIN_CLIENT_WINDOW_SECONDS)
    cache.incr(key)


def message_limit_reached(seeker: Seeker) -> bool:
    return seeker.session.messages_sent >= settings.INTAKE_MESSAGES_PER_SESSION
