from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404

from sanctuary.accounts.models import User
from sanctuary.keyring.session import second_factor_passed

# Views a signed-in person may reach before passing the second factor.
BEFORE_SECOND_FACTOR = {"accounts:enrol", "accounts:verify", "accounts:logout"}


class SecondFactorMiddleware:
    """No staff page opens on a password alone: enrol a second factor, or pass it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and not second_factor_passed(request):
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = ""
            if view_name not in BEFORE_SECOND_FACTOR:
                target = "accounts:verify" if user.has_second_factor() else "accounts:enrol"
                return redirect(target)
        return self.get_response(request)
