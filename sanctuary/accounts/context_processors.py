from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanctuary.accounts.models import Role, User
from sanctuary.keyring.session import second_factor_passed


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    roles: tuple[Role, ...] = ()  # empty: every staff member


# The staff menu. Later capabilities add their entries here, with the roles that see them.
NAVIGATION = [
    NavItem("accounts:home", _("Overview")),
    NavItem("cases:mine", _("Cases")),
    NavItem("referrals:partners", _("Partners"), (Role.COORDINATOR,)),
    NavItem("accounts:people", _("People"), (Role.ADMIN,)),
    NavItem("accounts:invitations", _("Invitations"), (Role.ADMIN,)),
    NavItem("audit:log", _("Audit log"), (Role.ADMIN,)),
    NavItem("keyring:pending", _("Pending access")),
    NavItem("notices:list", _("Notices")),
    NavItem("routes:facts", _("Routes")),
    NavItem("cases:profile", _("My languages"), (Role.COUNSELOR,)),
    NavItem("cases:checklists", _("Emergency checklists"), (Role.COORDINATOR, Role.LAWYER)),
    NavItem("staff_figures:index", _("Public figures"), (Role.COORDINATOR,)),
    NavItem("hosts:list", _("Hosts"), (Role.SHELTER_COORDINATOR,)),
    NavItem("shelter:plan", _("Shelter"), (Role.SHELTER_COORDINATOR,)),
    NavItem("portal:home", _("My offers"), (Role.HOST,)),
    NavItem("shelter:host", _("Guests"), (Role.HOST,)),
]
# A host is not staff: his menu holds only the overview and the entries made for hosts.
HOST_MENU = {"accounts:home", "portal:home", "shelter:host"}

LANGUAGE_NAMES = {"ru": "Русский", "en": "English", "uk": "Українська"}


def navigation(request: HttpRequest) -> dict[str, object]:
    user = request.user
    items = []
    if isinstance(user, User) and second_factor_passed(request):
        only_host = user.roles <= {Role.HOST.value} and Role.HOST.value in user.roles
        for item in NAVIGATION:
            if only_host and item.url_name not in HOST_MENU:
                continue
            if not item.roles or any(user.has_role(role) for role in item.roles):
                current = request.resolver_match is not None and (
                    request.resolver_match.view_name == item.url_name
                )
                items.append(
                    {"url": reverse(item.url_name), "label": item.label, "current": current}
                )
    current_language = get_language()
    languages = [
        {"code": code, "name": name, "url": translate_url(request.get_full_path(), code)}
        for code, name in LANGUAGE_NAMES.items()
        if code != current_language
    ]
    return {
        "nav_items": items,
        "other_languages": languages,
    }
