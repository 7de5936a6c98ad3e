"""Staff keys during a session, and nowhere at rest.

At login the staff member's secret key is opened with their password and wrapped again under a
random session key. The wrapped key goes into the server-side session; the session key goes
only into an HttpOnly, SameSite=Strict cookie. Neither alone opens anything, and logging out,
idling past the timeout or being disabled deletes the server-side half.
"""

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sanctuary.keyring import crypto
from sanctuary.keyring.services import Keychain, keychain_for, open_staff_secret

if TYPE_CHECKING:
    # The keyring sits below accounts: it knows a staff member only as settings.AUTH_USER_MODEL.
    from sanctuary.accounts.models import User

SESSION_FIELD = "keyring_wrapped_secret"
# Set by accounts once the second factor is passed; until then the session's keys stay shut.
SECOND_FACTOR_SESSION_KEY = "second_factor_ok"
KEYCHAIN_ATTRIBUTE = "_sanctuary_keychain"
NEW_COOKIE_ATTRIBUTE = "_sanctuary_new_key_cookie"


def cookie_name() -> str:
    return "__Host-keyring" if settings.HTTPS else "keyring"


def second_factor_passed(request: HttpRequest) -> bool:
    return bool(request.session.get(SECOND_FACTOR_SESSION_KEY))


def _aad(user: "User") -> bytes:
    return f"sanctuary-session:{user.pk}".encode()


def start(request: HttpRequest, user: "User", password: str) -> None:
    """Called at login, after the password is checked and the session exists."""
    keypair = open_staff_secret(user, password)
    if keypair is None:
        return
    session_key = crypto.new_session_key()
    wrapped = crypto.wrap_with_key(keypair.secret_key, session_key, aad=_aad(user))
    request.session[SESSION_FIELD] = base64.b64encode(wrapped).decode()
    setattr(request, NEW_COOKIE_ATTRIBUTE, crypto.encode_session_key(session_key))


def own_keypair(request: HttpRequest) -> crypto.KeyPair | None:
    """The signed-in person's own key pair, from the session's wrapped key and the cookie,
    already after the password step: it opens their sealed second-factor secret, which the
    second step needs. Their groups' keys wait for `keychain`, after the second factor."""
    user = request.user
    wrapped = request.session.get(SESSION_FIELD)
    cookie = getattr(request, NEW_COOKIE_ATTRIBUTE, None) or request.COOKIES.get(cookie_name())
    if not (user.is_authenticated and wrapped and cookie):
        return None
    try:
        session_key = crypto.decode_session_key(cookie)
        secret = crypto.unwrap_with_key(base64.b64decode(wrapped), session_key, aad=_aad(user))
        return crypto.KeyPair.from_secret_key(secret)
    except crypto.KeyringError:
        return None


def keychain(request: HttpRequest) -> Keychain | None:
    """The signed-in person's unlocked keys for this request, or None when they are not
    signed in with their second factor, or the session holds no key (an older session, a
    cookie from another browser, keys not yet set)."""
    if hasattr(request, KEYCHAIN_ATTRIBUTE):
        cached: Keychain | None = getattr(request, KEYCHAIN_ATTRIBUTE)
        return cached
    found = None
    keypair = own_keypair(request) if second_factor_passed(request) else None
    if keypair is not None:
        found = keychain_for(request.user, keypair)  # type: ignore[arg-type]  # signed in
    setattr(request, KEYCHAIN_ATTRIBUTE, found)
    return found


class KeyCookieMiddleware:
    """Sets the session-key cookie after login and deletes it once the session has no key."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        new_cookie = getattr(request, NEW_COOKIE_ATTRIBUTE, None)
        if new_cookie and request.session.get(SESSION_FIELD):
            response.set_cookie(
                cookie_name(),
                new_cookie,
                httponly=True,
                secure=settings.HTTPS,
                samesite="Strict",
            )
        elif cookie_name() in request.COOKIES and not request.session.get(SESSION_FIELD):
            response.delete_cookie(cookie_name(), samesite="Strict")
        return response
