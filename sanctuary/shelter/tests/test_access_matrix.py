"""Every shelter URL with every kind of visitor. "Not found" is the same for a missing object
and for one that is not yours; writes by the wrong visitor change nothing."""

import uuid
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.shelter.models import Proposal, Stay
from sanctuary.shelter.tests.factories import (
    approved,
    assign,
    confirmed,
    make_case,
    make_host_user,
    make_offer,
    make_request,
)
from sanctuary.test import BaseTestCase, make_staff

LOGIN = "login"
SIGN_IN = "sign in"
MISSING = uuid.UUID(int=7)

VISITORS = (
    "anonymous",
    "seeker",
    "other seeker",
    "holding counselor",
    "other counselor",
    "coordinator",
    "admin",
    "shelter coordinator",
    "host",
    "other host",
)


def url_of(name: str, *before: object) -> Callable[[object], str]:
    """The URL of a page for an object's id, or of a page that takes none."""

    def url(pk: object) -> str:
        return reverse(name, args=[*before, pk]) if pk is not None else reverse(name)

    return url


def only(ok: str | tuple[str, ...], default: object = 404) -> dict[str, object]:
    """Who may: "ok" for them, the default for other staff, login for everyone else."""
    allowed = (ok,) if isinstance(ok, str) else ok
    answers: dict[str, object] = {name: "ok" if name in allowed else default for name in VISITORS}
    for name in ("anonymous", "seeker", "other seeker"):
        if name not in allowed:
            answers[name] = LOGIN
    return answers


class ShelterAccessMatrixTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        self.dave = make_staff("dave", Role.COUNSELOR)
        self.hans, host = make_host_user("hans")
        self.otto, other_host = make_host_user("otto", city="Hamburg")
        make_offer(host, beds=3)
        make_offer(other_host, beds=3)
        self.seeker = Client()
        self.file = make_case(self.seeker)
        self.other_seeker = Client()
        make_case(self.other_seeker)
        coordinator = Client()
        self.log_in(self.charlie, coordinator)
        assign(coordinator, self.file, self.bob)
        self.stay = confirmed(make_request(self.file), self.sheila, self.hans)
        self.request = make_request(self.file)
        self.proposal = approved(self.request, self.sheila)

    def visitors(self) -> dict[str, Client]:
        clients = {"anonymous": Client(), "seeker": self.seeker, "other seeker": self.other_seeker}
        for name, user in (
            ("holding counselor", self.bob),
            ("other counselor", self.dave),
            ("coordinator", self.charlie),
            ("admin", self.alice),
            ("shelter coordinator", self.sheila),
            ("host", self.hans),
            ("other host", self.otto),
        ):
            clients[name] = Client()
            self.log_in(user, clients[name])
        return clients

    def answer(self, client: Client, method: str, url: str) -> object:
        response = getattr(client, method)(url, {})
        location = response.get("Location", "")
        if response.status_code == 302 and "/staff/login/" in location:
            return LOGIN
        if response.status_code == 302 and reverse("intake:sign_in") in location:
            return SIGN_IN
        return int(response.status_code)

    def check(
        self, method: str, url: Callable[[object], str], pk: object, want: dict[str, object]
    ) -> None:
        for name, client in self.visitors().items():
            expected = want[name]
            if expected == "skip":
                continue
            got = self.answer(client, method, url(pk))
            if expected in ("ok", "ok without token"):
                allowed = (200, 302) if expected == "ok" else (403,)
                self.assertIn(got, allowed, f"{name} {method} {url(pk)}")
                expected = 404  # missing answers as not yours does for everyone else
            else:
                self.assertEqual(got, expected, f"{name} {method} {url(pk)}")
            if pk is not None:
                missing = self.answer(client, method, url(MISSING))
                self.assertEqual(missing, expected, f"{name} missing {url(MISSING)}")

    def test_it_keeps_the_plan_to_shelter_coordinators(self) -> None:
        want = only("shelter coordinator")
        for name in ("plan", "run", "approve", "override"):
            method = "get" if name == "plan" else "post"
            self.check(method, url_of(f"shelter:{name}"), None, want)

    def test_it_shows_hosts_only_their_own_proposals_and_stays(self) -> None:
        self.check("get", url_of("shelter:host"), None, only(("host", "other host")))
        for name in ("host_check_in", "host_check_out", "host_safe", "host_report"):
            self.check(
                "post",
                url_of(f"shelter:{name}"),
                self.stay.pk,
                self.not_even_the_host(),
            )
        for name in ("host_accept", "host_decline"):
            self.check(
                "post",
                url_of(f"shelter:{name}"),
                self.proposal.pk,
                self.not_even_the_host(),
            )
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.status, Proposal.Status.APPROVED)
        self.stay.refresh_from_db()
        self.assertEqual(self.stay.status, Stay.Status.CONFIRMED)
        # The host himself can act: one answer, at the end.
        client = Client()
        self.log_in(self.hans, client)
        url = reverse("shelter:host_decline", args=[self.proposal.pk])
        self.assertEqual(client.post(url).status_code, 302)

    def not_even_the_host(self) -> dict[str, object]:
        """The matrix for the wrong visitors; the host's own answer is tested once, last."""
        want = only((), default=404)
        want["host"] = "skip"
        return want

    def test_it_keeps_the_case_requests_to_those_holding_the_case(self) -> None:
        want = only(("holding counselor", "coordinator"))
        self.check("post", url_of("shelter:request"), self.file.pk, want)
        for name in ("guest_declines", "cancel_request"):
            want = only((), default=404)
            want["holding counselor"] = want["coordinator"] = "skip"
            self.check(
                "post",
                url_of(f"shelter:{name}", self.file.pk),
                self.request.pk,
                want,
            )

    def test_it_keeps_the_stay_to_its_own_seeker(self) -> None:
        for name, method in (("report", "get"), ("safe", "post")):
            want: dict[str, object] = dict.fromkeys(VISITORS, SIGN_IN)
            want["other seeker"] = 404
            # His own stay; posting without the form's token is refused (403).
            want["seeker"] = "ok" if method == "get" else "ok without token"
            self.check(method, url_of(f"stay:{name}"), self.stay.pk, want)
