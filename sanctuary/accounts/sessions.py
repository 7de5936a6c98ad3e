"""Django's database sessions, with only a keyed digest of each session key in the database.

The cookie holds the session key; the `accounts_session` row is found by BLAKE2b of that key,
keyed with `SESSION_PEPPER`, a secret that lives outside the database and its backups. A copy
of the database therefore holds no value that a browser could present as a session cookie:
the digest is not a key, and the key cannot be recomputed without the pepper. Staff logins
(`LoginSession`) refer to the same digest. `SESSION_ENGINE` names this module.
"""

import hashlib
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions import middleware
from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

DIGEST_BYTES = 32
_PERSON = b"sanctuary-sess"


def key_digest(session_key: str, *, person: bytes = _PERSON) -> str:
    """The only form of a session key the database ever sees. `person` keeps the digests of
    different kinds of session apart (the seeker's session uses its own)."""
    pepper = str(settings.SESSION_PEPPER).encode()
    digest = hashlib.blake2b(
        session_key.encode(), digest_size=DIGEST_BYTES, key=pepper, person=person
    )
    return digest.hexdigest()


class SessionStore(db.SessionStore):
    """Every query goes by `key_digest(session_key)`; the session key itself stays in memory
    for the request and in the browser's cookie."""

    @classmethod
    def get_model_class(cls) -> Any:
        from sanctuary.accounts.models import Session

        return Session

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if key is None:
            return None
        try:
            return self.model.objects.get(
                key_digest=key_digest(key), expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation):
            self._session_key = None
            return None

    async def _aget_session_from_db(self) -> Any:
        return await sync_to_async(self._get_session_from_db)()

    def exists(self, session_key: str) -> bool:
        return bool(self.model.objects.filter(key_digest=key_digest(session_key)).exists())

    async def aexists(self, session_key: str) -> bool:
        return await sync_to_async(self.exists)(session_key)

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        return self.model(
            key_digest=key_digest(self._get_or_create_session_key()),  # type: ignore[attr-defined]
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
        )

    async def acreate_model_instance(self, data: dict[str, Any]) -> Any:
        return await sync_to_async(self.create_model_instance)(data)

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(key_digest=key_digest(session_key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)


# What a staff browser is asked to forget when a session ends: every cookie of this site (the
# session and key cookies, the CSRF token), its HTTP cache and any stored data.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


class SessionMiddleware(middleware.SessionMiddleware):
    """Django's session middleware; and when a browser presents a session cookie whose
    session has ended (idle past the timeout, ended by an admin or a password change), the
    response asks it to forget this site's cookies, cache and storage. Logging out asks the
    same (accounts.views.logout_view).

    Browsers clear after storing the cookies of the same response, so a page that sets a
    fresh CSRF cookie (the login form) would lose it: such a page is answered with a redirect
    to itself instead, and the clean browser then loads it again."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        ended = (
            bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME)) and request.session.is_empty()
        )
        response = super().process_response(request, response)
        if not ended:
            return response
        if request.method in ("GET", "HEAD") and not 300 <= response.status_code < 400:
            # One leading slash: "//host/path" would send the browser to another site.
            again = HttpResponseRedirect("/" + request.get_full_path().lstrip("/"))
            again.cookies = response.cookies
            for name in [name for name, cookie in again.cookies.items() if cookie.value]:
                del again.cookies[name]  # set for the page we do not send; deletions stay
            response = again
        response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
