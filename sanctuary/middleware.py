import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("sanctuary")


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP, Permissions-Policy, caching.

    Pages are never cached: a seized laptop or a phone searched at a border must not hold
    copies of what staff or seekers read. Vendored static files may be cached.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Django's own middleware sets this below WhiteNoise; static files get it here too.
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if not request.path.startswith(settings.STATIC_URL):
            response.headers["Cache-Control"] = "no-store"
        return response


class RequestSizeMiddleware:
    """Refuses a request body larger than any Sanctuary accepts before anything reads it.

    Below the limit, uploads stay in memory (FILE_UPLOAD_HANDLERS holds only the memory
    handler), so no upload is ever written to a temporary file in plain, whatever happens to
    the request afterwards. The refusal is a page in the person's language; the form they
    came from is one Back away.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_BODY_MAX_BYTES
        if length > limit:
            context = {
                "seeker": "/staff/" not in request.path_info,
                "size": limit // (1024 * 1024),
            }
            return render(request, "too_large.html", context, status=413)
        return self.get_response(request)


class KeyringErrorMiddleware:
    """A record that cannot be opened (a key was revoked, a ciphertext was damaged or moved)
    is a clear refusal for the person, never a server error page, and never garbage."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from sanctuary.keyring.crypto import KeyringError

        if not isinstance(exception, KeyringError):
            return None
        logger.warning("a sealed record could not be opened: %s", type(exception).__name__)
        return render(request, "error.html", {"status": 403, "sealed": True}, status=403)
