"""Every referral URL with every kind of visitor: "not found" alike for what is missing and
what is not yours, and the partner's page alike for every visitor."""

import uuid
from collections.abc import Mapping

from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.cases.models import CaseFile
from sanctuary.intake.tests.helpers import submit
from sanctuary.referrals.models import Referral
from sanctuary.referrals.tests.helpers import add_partner, link_and_code, refer
from sanctuary.test import BaseTestCase, make_staff

LOGIN = "login"
OK = "ok"


class ReferralAccessMatrixTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.holder = make_staff("holder", Role.COUNSELOR)
        self.seeker = Client()
        submit(self.seeker, status="summons_received")  # his summons date can be referred
        self.file = CaseFile.objects.get()
        self.log_in(self.charlie)
        self.client.post(
            reverse("cases:assign", args=[self.file.pk]), {"counselor": self.holder.pk}
        )
        self.partner = add_partner(self.client)
        holder = Client()
        self.log_in(self.holder, holder)
        self.link, _code = link_and_code(refer(holder, self.file.pk, self.partner))
        self.referral = Referral.objects.get()

    def visitors(self) -> dict[str, Client]:
        clients = {"anonymous": Client(), "seeker": self.seeker}
        for name, user in (
            ("holding counselor", self.holder),
            ("other counselor", self.bob),
            ("coordinator", self.charlie),
            ("admin", self.alice),
        ):
            clients[name] = Client()
            self.log_in(user, clients[name])
        return clients

    def answer(self, client: Client, method: str, url: str) -> int | str:
        response = getattr(client, method)(url, {})
        if response.status_code == 302 and "/staff/login/" in response["Location"]:
            return LOGIN
        if response.status_code in (200, 302):
            return OK
        return int(response.status_code)

    def check(self, urls: list[tuple[str, str]], expected: Mapping[str, int | str]) -> None:
        for name, client in self.visitors().items():
            for method, url in urls:
                self.assertEqual(self.answer(client, method, url), expected[name], (name, url))

    def test_it_keeps_the_partner_list_for_coordinators(self) -> None:
        expected: dict[str, int | str] = {
            "anonymous": LOGIN,
            "seeker": LOGIN,
            "holding counselor": 404,
            "other counselor": 404,
            "coordinator": OK,
            "admin": 404,
        }
        edit = reverse("referrals:partner", args=[self.partner.pk])
        listing = reverse("referrals:partners")
        self.check([("get", listing), ("post", listing), ("get", edit), ("post", edit)], expected)
        missing = reverse("referrals:partner", args=[uuid.uuid4()])
        self.check(
            [("get", missing), ("post", missing)],
            {**expected, "coordinator": 404},
        )

    def test_it_lets_only_a_counselor_holding_the_case_refer_it(self) -> None:
        expected: dict[str, int | str] = {
            "anonymous": LOGIN,
            "seeker": LOGIN,
            "holding counselor": OK,
            "other counselor": 404,
            "coordinator": 404,  # coordinators hold every case through triage, but do not refer
            "admin": 404,
        }
        url = reverse("referrals:new", args=[self.file.pk])
        self.check([("get", url), ("post", url)], expected)
        missing = reverse("referrals:new", args=[uuid.uuid4()])
        self.check([("get", missing), ("post", missing)], {**expected, "holding counselor": 404})

    def test_it_lets_the_creator_and_a_coordinator_revoke(self) -> None:
        expected: dict[str, int | str] = {
            "anonymous": LOGIN,
            "seeker": LOGIN,
            "holding counselor": OK,
            "other counselor": 404,
            "coordinator": OK,
            "admin": 404,
        }
        url = reverse("referrals:revoke", args=[self.file.pk, self.referral.pk])
        self.check([("post", url)], expected)
        not_found = {name: (want if want == LOGIN else 404) for name, want in expected.items()}
        for missing in (
            reverse("referrals:revoke", args=[uuid.uuid4(), self.referral.pk]),
            reverse("referrals:revoke", args=[self.file.pk, uuid.uuid4()]),
        ):
            self.check([("post", missing)], not_found)
        # GET never revokes.
        self.assertEqual(self.answer(self.visitors()["coordinator"], "get", url), 405)

    def test_it_answers_the_partner_page_alike_for_every_visitor(self) -> None:
        everyone_ok = dict.fromkeys(
            ["anonymous", "seeker", "holding counselor", "other counselor", "coordinator", "admin"],
            OK,
        )
        self.check([("get", self.link)], everyone_ok)
        unknown = reverse("referrals:open", args=["B" * 43])
        self.check([("get", unknown)], dict.fromkeys(everyone_ok, 404))
