"""The access matrix, generated from the URL configuration: every URL pattern of the project,
with every kind of visitor (anonymous, a seeker, each staff role, a host and another host),
against objects that exist and objects that do not.

Every staff and host URL must have a row in MATRIX saying who may use it; a URL added to a
urls.py without one fails test_it_has_a_row_for_every_url, so no page can be left out. The
per-app matrices test the finer object rules (a case that is not yours, a stay of another
host); this one guarantees the whole surface is covered."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from sanctuary import urls as project_urls
from sanctuary import views
from sanctuary.notices.models import NoticeChannel
from sanctuary.notices.services import do_add_channel
from sanctuary.tests.world import ANONYMOUS, HOSTS, SEEKER, STAFF, VISITORS, World, build_world

LOGIN = "login"
OK = "ok"
MISSING_UUID = uuid.UUID(int=7)
MISSING_INT = 2**31 - 1

Args = Callable[[World], list[Any]]


@dataclass(frozen=True)
class Row:
    """Who may use a URL: OK for them (200 or a redirect that is not to the login page), "not
    found" (404) for every other signed-in visitor, the login page for everyone else. ``args``
    name the world's own objects; ``missing`` ones that do not exist, which every visitor must
    find "not found" alike. ``once``: the first allowed visitor's request changes the object
    for good (a withdrawal), so the others are asked only about a missing one."""

    method: str
    allowed: tuple[str, ...]
    args: Args | None = None
    missing: Args | None = None
    data: tuple[tuple[str, str], ...] = ()
    once: bool = False


def coordinators_channel(w: World) -> list[Any]:
    """A notice channel of the coordinator's own, made when the matrix first asks for it."""
    channel, _secret = do_add_channel(
        w.users["coordinator"], type=NoticeChannel.Type.EMAIL, address="coordinator@example.org"
    )
    return [channel.pk]


def case(w: World) -> list[Any]:
    return [w.file.pk]


def no_case(w: World) -> list[Any]:
    return [MISSING_UUID]


ALL_STAFF = STAFF
SIGNED_IN = (*STAFF, *HOSTS)
CASE_HOLDERS = ("holding counselor", "coordinator")
SHELTER = ("shelter coordinator",)
EDITORS = ("lawyer", "coordinator")

MATRIX: dict[str, Row] = {
    # accounts: one's own account, and the admin's pages
    "accounts:home": Row("get", SIGNED_IN),
    "accounts:recovery_codes": Row("post", SIGNED_IN),
    "accounts:change_password": Row("get", SIGNED_IN),
    "accounts:invitations": Row("get", ("admin",)),
    "accounts:revoke_invitation": Row(
        "post", ("admin",), lambda w: [w.invitation.pk], lambda w: [MISSING_INT]
    ),
    "accounts:people": Row("get", ("admin",)),
    "accounts:person": Row("get", ("admin",), lambda w: [w.target.pk], lambda w: [MISSING_INT]),
    "accounts:set_active": Row(
        "post", ("admin",), lambda w: [w.target.pk], lambda w: [MISSING_INT], (("active", "1"),)
    ),
    "accounts:reset_password": Row(
        "post", ("admin",), lambda w: [w.target.pk], lambda w: [MISSING_INT]
    ),
    "audit:log": Row("get", ("admin",)),
    # notices: one's own, and his own channels only
    "notices:list": Row("get", SIGNED_IN),
    "notices:settings": Row("get", SIGNED_IN),
    "notices:add_channel": Row(
        "post", SIGNED_IN, data=(("type", "email"), ("address", "someone@example.org"))
    ),
    "notices:remove_channel": Row(
        "post", ("coordinator",), coordinators_channel, lambda w: [MISSING_INT], once=True
    ),
    # the knowledge base of routes
    "routes:facts": Row("get", ALL_STAFF),
    "routes:countries": Row("get", ALL_STAFF),
    "routes:country": Row("get", ALL_STAFF, lambda w: ["KG"], lambda w: ["XX"]),
    "routes:fact": Row("get", ALL_STAFF, lambda w: ["A-KG-001"], lambda w: ["A-XX-999"]),
    "routes:propose": Row("get", EDITORS, lambda w: ["A-KG-001"], lambda w: ["A-XX-999"]),
    "routes:check_source": Row("get", EDITORS, lambda w: ["A-KG-001"], lambda w: ["A-XX-999"]),
    "routes:queue": Row("get", EDITORS),
    "routes:proposals": Row("get", ALL_STAFF),
    "routes:proposal": Row(
        "get", ALL_STAFF, lambda w: [w.fact_proposal.pk], lambda w: [MISSING_INT]
    ),
    "routes:approve": Row(
        "post", EDITORS, lambda w: [w.fact_proposal.pk], lambda w: [MISSING_INT], once=True
    ),
    "routes:reject": Row(
        "post", EDITORS, lambda w: [w.rejected_proposal.pk], lambda w: [MISSING_INT], once=True
    ),
    # keys waiting for a colleague: the rows are the visitor's own, none exists for a stranger
    "keyring:pending": Row("get", ALL_STAFF),
    "keyring:fulfil": Row("post", (), lambda w: [MISSING_INT]),
    # casework
    "cases:mine": Row("get", ALL_STAFF),
    "cases:triage": Row("get", ("coordinator",)),
    "cases:overdue": Row("get", ALL_STAFF),
    "cases:case": Row("get", CASE_HOLDERS, case, no_case),
    "cases:reply": Row("post", CASE_HOLDERS, case, no_case),
    "cases:note": Row("post", CASE_HOLDERS, case, no_case),
    "cases:task": Row("post", CASE_HOLDERS, case, no_case),
    "cases:task_done": Row(
        "post",
        CASE_HOLDERS,
        lambda w: [w.file.pk, w.task.pk],
        lambda w: [w.file.pk, MISSING_UUID],
    ),
    "cases:check_in": Row("post", CASE_HOLDERS, case, no_case),
    "cases:stage": Row("post", CASE_HOLDERS, case, no_case),
    "cases:assign": Row("post", ("coordinator",), case, no_case),
    "cases:detained": Row("post", CASE_HOLDERS, case, no_case, (("detained", "1"),)),
    "cases:checklist_tick": Row(
        "post",
        CASE_HOLDERS,
        lambda w: [w.file.pk, w.checklist_item.pk],
        lambda w: [MISSING_UUID, w.checklist_item.pk],
        (("country", ""),),
    ),
    "cases:profile": Row("get", ("holding counselor", "other counselor")),
    "cases:checklists": Row("get", EDITORS),
    "cases:checklist_item": Row(
        "get", EDITORS, lambda w: [w.checklist_item.pk], lambda w: [MISSING_INT]
    ),
    "cases:checklist_remove": Row(
        "post", EDITORS, lambda w: [w.checklist_item.pk], lambda w: [MISSING_INT], once=True
    ),
    # referrals to partner organisations
    "referrals:partners": Row("get", ("coordinator",)),
    "referrals:partner": Row(
        "get", ("coordinator",), lambda w: [w.partner_id], lambda w: [MISSING_UUID]
    ),
    "referrals:new": Row("get", ("holding counselor",), case, no_case),
    "referrals:revoke": Row(
        "post",
        CASE_HOLDERS,
        lambda w: [w.file.pk, w.referral.pk],
        lambda w: [w.file.pk, MISSING_UUID],
    ),
    # hosts, for shelter coordinators
    "hosts:list": Row("get", SHELTER),
    "hosts:invite": Row("get", SHELTER),
    "hosts:import": Row("get", SHELTER),
    "hosts:import_template": Row("get", SHELTER),
    "hosts:host": Row("get", SHELTER, lambda w: [w.host.pk], lambda w: [MISSING_UUID]),
    "hosts:vet": Row("post", SHELTER, lambda w: [w.host.pk], lambda w: [MISSING_UUID]),
    "hosts:active": Row(
        "post", SHELTER, lambda w: [w.host.pk], lambda w: [MISSING_UUID], (("active", "1"),)
    ),
    "hosts:invitation": Row("post", SHELTER, lambda w: [w.host.pk], lambda w: [MISSING_UUID]),
    "hosts:offer_new": Row("get", SHELTER, lambda w: [w.host.pk], lambda w: [MISSING_UUID]),
    "hosts:offer_edit": Row(
        "get",
        SHELTER,
        lambda w: [w.host.pk, w.offer.pk],
        lambda w: [w.host.pk, MISSING_UUID],
    ),
    "hosts:offer_withdraw": Row(
        "post",
        SHELTER,
        lambda w: [w.host.pk, w.spare_offer.pk],
        lambda w: [w.host.pk, MISSING_UUID],
        once=True,
    ),
    # the hosts' own portal
    "portal:home": Row("get", HOSTS),
    "portal:offer_new": Row("get", HOSTS),
    "portal:offer_edit": Row("get", ("host",), lambda w: [w.offer.pk], lambda w: [MISSING_UUID]),
    "portal:offer_withdraw": Row(
        "post", ("host",), lambda w: [w.offer.pk], lambda w: [MISSING_UUID], once=True
    ),
    # shelter: the plan for coordinators, the stays for hosts, the requests for case holders
    "shelter:plan": Row("get", SHELTER),
    "shelter:run": Row("post", SHELTER),
    "shelter:approve": Row("post", SHELTER),
    "shelter:override": Row("post", SHELTER),
    "shelter:host": Row("get", HOSTS),
    "shelter:host_accept": Row(
        "post", ("host",), lambda w: [w.proposal.pk], lambda w: [MISSING_UUID], once=True
    ),
    "shelter:host_decline": Row(
        "post", ("host",), lambda w: [w.declined_proposal.pk], lambda w: [MISSING_UUID], once=True
    ),
    "shelter:host_check_in": Row(
        "post", ("host",), lambda w: [w.stay.pk], lambda w: [MISSING_UUID], once=True
    ),
    "shelter:host_check_out": Row(
        "post", ("host",), lambda w: [w.stay.pk], lambda w: [MISSING_UUID], once=True
    ),
    "shelter:host_safe": Row(
        "post", ("host",), lambda w: [w.stay.pk], lambda w: [MISSING_UUID], once=True
    ),
    "shelter:host_report": Row(
        "post",
        ("host",),
        lambda w: [w.stay.pk],
        lambda w: [MISSING_UUID],
        (("body", "The guest did not arrive."),),
        once=True,
    ),
    "shelter:request": Row("post", CASE_HOLDERS, case, no_case),
    "shelter:guest_declines": Row(
        "post",
        CASE_HOLDERS,
        lambda w: [w.file.pk, w.stay_request.pk],
        lambda w: [w.file.pk, MISSING_UUID],
        once=True,
    ),
    "shelter:cancel_request": Row(
        "post",
        CASE_HOLDERS,
        lambda w: [w.file.pk, w.stay_request.pk],
        lambda w: [w.file.pk, MISSING_UUID],
        once=True,
    ),
    # public figures: coordinators draft, preview and approve
    "staff_figures:index": Row("get", ("coordinator",)),
    "staff_figures:preview": Row(
        "get", ("coordinator",), lambda w: [w.release_to_approve.pk], lambda w: [MISSING_INT]
    ),
    "staff_figures:approve": Row(
        "post",
        ("coordinator",),
        lambda w: [w.release_to_approve.pk],
        lambda w: [MISSING_INT],
        once=True,
    ),
    "staff_figures:discard": Row(
        "post",
        ("coordinator",),
        lambda w: [w.release_to_discard.pk],
        lambda w: [MISSING_INT],
        once=True,
    ),
}

# Pages that are not staff or host pages, each with why; their own apps test them.
PUBLIC = {
    "root": "redirects to a language",
    "intake:landing": "the public front page",
    "intake:start": "a seeker asks for help: no account",
    "intake:sign_in": "a seeker signs in with his codename",
    "options:check": "the public options check",
    "referrals:open": "a partner opens a referral with its link and code",
    "accounts:login": "staff sign in",
    "accounts:logout": "anyone may sign out",
    "accounts:logged_out": "the page after signing out",
    "intake:exit": "the quick exit: anyone may leave, and only his own session ends",
    "accounts:enrol": "the second factor, between password and account",
    "accounts:verify": "the second factor, between password and account",
    "accounts:accept": "an invitation link, for someone without an account yet",
    "figures:index": "the public figures: published releases only",
    "figures:method": "how the public figures are protected",
    "figures:release": "one published release",
    "figures:csv": "one published release as CSV",
    "figures:json": "one published release as JSON",
}
# Seeker pages: a seeker's mailbox session, never a staff login. Without one, each sends to
# the seeker's sign-in page, or answers "not found" (a file), or back to the mailbox (leaving).
SIGN_IN = "intake:sign_in"
SEEKER_PAGES: dict[str, tuple[list[Any], str | int]] = {
    "intake:mailbox": ([], SIGN_IN),
    "intake:attachment": ([MISSING_UUID], 404),
    "intake:check_in": ([MISSING_UUID], SIGN_IN),
    "intake:update": ([], SIGN_IN),
    "intake:delete": ([], SIGN_IN),
    "intake:leave": ([], "intake:mailbox"),
    "intake:confirm": ([], SIGN_IN),
    "stay:safe": ([MISSING_UUID], SIGN_IN),
    "stay:report": ([MISSING_UUID], SIGN_IN),
}


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    """Every named URL pattern of the project, with its namespace."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>")


class AccessMatrixTestCase(TestCase):
    def test_it_has_a_row_for_every_url(self) -> None:
        names = list(url_names())
        self.assertGreater(len(names), 80)
        listed = {*MATRIX, *PUBLIC, *SEEKER_PAGES}
        self.assertEqual(sorted(set(names) - listed), [], "URLs without a row in the matrix")
        self.assertEqual(sorted(listed - set(names)), [], "rows for URLs that no longer exist")
        self.assertEqual(len(names), len(set(names)), "two URL patterns share a name")

    def test_it_would_notice_a_url_left_out(self) -> None:
        # Positive control: a staff page added to the URL configuration without a row is found.
        class WithAForgottenPage:
            urlpatterns = [
                *project_urls.urlpatterns,
                path("staff/forgotten/", views.root, name="forgotten"),
            ]

        names = set(url_names(get_resolver(WithAForgottenPage)))  # type: ignore[arg-type]
        self.assertEqual(names - {*MATRIX, *PUBLIC, *SEEKER_PAGES}, {"forgotten"})

    def answer(self, client: Client, method: str, url: str, data: dict[str, str]) -> object:
        response = getattr(client, method)(url, data)
        location = response.get("Location", "")
        if response.status_code == 302 and "/staff/login/" in location:
            return LOGIN
        if response.status_code in (200, 302):
            return OK
        return int(response.status_code)

    def test_it_answers_every_visitor_as_the_matrix_says(self) -> None:
        world = build_world()
        clients = world.clients()
        self.assertEqual(set(clients), set(VISITORS))
        checked = 0
        for name, row in MATRIX.items():
            args = row.args(world) if row.args else []
            data = dict(row.data)
            url = reverse(name, args=args)
            missing = reverse(name, args=row.missing(world)) if row.missing else None
            # The others first, so that a write by an allowed visitor comes last.
            order = sorted(VISITORS, key=lambda visitor: visitor in row.allowed)
            first_allowed = True
            for visitor in order:
                client = clients[visitor]
                signed_in = visitor not in (ANONYMOUS, SEEKER)
                denied: object = 404 if signed_in else LOGIN
                if visitor in row.allowed:
                    if first_allowed or not row.once:
                        got = self.answer(client, row.method, url, data)
                        self.assertEqual(got, OK, f"{visitor} {row.method} {url}")
                    first_allowed = False
                else:
                    got = self.answer(client, row.method, url, data)
                    self.assertEqual(got, denied, f"{visitor} {row.method} {url}")
                if missing is not None:
                    got = self.answer(client, row.method, missing, data)
                    self.assertEqual(got, denied, f"{visitor} {row.method} missing {missing}")
                checked += 1
        self.assertEqual(checked, len(MATRIX) * len(VISITORS))
        # Seeker pages: no staff session opens them.
        for name, (args, want) in SEEKER_PAGES.items():
            url = reverse(name, args=args)
            for visitor in (ANONYMOUS, *STAFF, *HOSTS):
                response = clients[visitor].get(url)
                if isinstance(want, int):
                    self.assertEqual(response.status_code, want, f"{visitor} {url}")
                else:
                    self.assertEqual(response.status_code, 302, f"{visitor} {url}")
                    self.assertEqual(response["Location"], reverse(want), f"{visitor} {url}")
