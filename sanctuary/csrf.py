from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase, HttpResponseForbidden
from django.middleware import csrf


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    """Django's CSRF protection, fitted to `Referrer-Policy: no-referrer`.

    Under that policy browsers send `Origin: null` with our own forms and no Referer at all,
    which Django would refuse. The CSRF token (in a SameSite=Strict cookie) still has to match;
    in place of the origin we trust the browser's Sec-Fetch-Site header where it sends one,
    and refuse anything it marks as coming from another site.
    """

    def process_view(
        self,
        request: HttpRequest,
        callback: Callable[..., HttpResponseBase],
        callback_args: tuple[Any, ...],
        callback_kwargs: dict[str, Any],
    ) -> HttpResponseForbidden | None:
        if request.META.get("HTTP_ORIGIN") == "null":
            if not _same_site(request):
                reject: Callable[[HttpRequest, str], HttpResponseForbidden] = self._reject  # type: ignore[attr-defined]
                return reject(request, "cross-site request with an opaque origin")
            del request.META["HTTP_ORIGIN"]
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def _check_referer(self, request: HttpRequest) -> None:
        if not _same_site(request):
            raise csrf.RejectRequest("cross-site request (Sec-Fetch-Site)")


def _same_site(request: HttpRequest) -> bool:
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    return site in (None, "same-origin", "none")
