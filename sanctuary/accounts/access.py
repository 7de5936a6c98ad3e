"""Who may reach what. A page someone may not see answers "not found", as a missing one does."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from sanctuary.accounts.models import Invitation, Role, User

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


# Every role but a host's: a host is not staff, and reaches only the pages made for hosts and
# his own account's pages (`signed_in`).
STAFF_ROLES = tuple(role for role in Role if role != Role.HOST)


def _guard(roles: tuple[Role, ...] | None) -> Callable[[View[P]], View[P]]:
    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not isinstance(request.user, User):
                return redirect_to_login(request.get_full_path())
            if roles is not None and not any(request.user.has_role(role) for role in roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature

    return decorator


def staff_only(*roles: Role) -> Callable[[View[P]], View[P]]:
    """Signed-in staff (second factor passed: see SecondFactorMiddleware) with any of roles;
    with none named, any staff role, which a host's is not."""
    return _guard(roles or STAFF_ROLES)


def signed_in(view: View[P]) -> View[P]:
    """Any signed-in account, whatever its roles: the pages of one's own account."""
    return _guard(None)(view)


def acting_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def get_person_for_user(user: User, pk: Any) -> User:
    if not user.has_role(Role.ADMIN):
        raise Http404
    return get_object_or_404(User, pk=pk)


def get_invitation_for_user(user: User, pk: Any) -> Invitation:
    if not user.has_role(Role.ADMIN):
        raise Http404
    return get_object_or_404(Invitation, pk=pk)
