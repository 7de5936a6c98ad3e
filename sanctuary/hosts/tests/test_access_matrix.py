"""Every hosts URL with every kind of visitor: "not found" alike for a missing host or offer
and for one that is not yours; no sealed field on any page but the shelter coordinators' and
the host's own."""

import uuid

from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.hosts.models import Offer
from sanctuary.hosts.tests.helpers import (
    SEALED_VALUES,
    HostsTestCase,
    make_shelter_coordinator,
    offer_data,
)
from sanctuary.test import make_staff

LOGIN = "login"
OK = "ok"


class AccessMatrixTestCase(HostsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.host, self.host_user = self.host_with_account("zarina")
        self.other, self.other_user = self.host_with_account(
            "yusuf", name="Yusuf Otherhost", address="Other Lane 3", contact="@yusuf_other"
        )
        self.pending = make_staff("fred", Role.SHELTER_COORDINATOR)  # group key not yet given
        self.both = make_shelter_coordinator("gina", sponsor=self.dora)
        self.both.set_roles([Role.SHELTER_COORDINATOR.value, Role.HOST.value])
        client = Client()
        self.log_in(self.host_user, client)
        client.post(reverse("portal:offer_new"), offer_data())
        self.offer = Offer.objects.get(host=self.host)

    def visitors(self) -> dict[str, Client]:
        clients = {"anonymous": Client()}
        for name, user in (
            ("counselor", self.bob),
            ("coordinator", self.charlie),
            ("admin", self.alice),
            ("shelter coordinator", self.dora),
            ("pending shelter coordinator", self.pending),
            ("the host", self.host_user),
            ("another host", self.other_user),
        ):
            clients[name] = Client()
            self.log_in(user, clients[name])
        return clients

    def answer(self, client: Client, method: str, url: str) -> int | str:
        Offer.objects.update(active=True)
        data = {"active": "1"} if url.endswith("/active/") else {}
        response = getattr(client, method)(url, data)
        if response.status_code == 302 and "/staff/login/" in response["Location"]:
            return LOGIN
        if response.status_code in (200, 302):
            return OK
        return int(response.status_code)

    def host_urls(self, host_id: object, offer_id: object) -> list[tuple[str, str]]:
        return [
            ("get", reverse("hosts:host", args=[host_id])),
            ("post", reverse("hosts:vet", args=[host_id])),
            ("post", reverse("hosts:active", args=[host_id])),
            ("post", reverse("hosts:invitation", args=[host_id])),
            ("get", reverse("hosts:offer_new", args=[host_id])),
            ("post", reverse("hosts:offer_new", args=[host_id])),
            ("get", reverse("hosts:offer_edit", args=[host_id, offer_id])),
            ("post", reverse("hosts:offer_edit", args=[host_id, offer_id])),
            ("post", reverse("hosts:offer_withdraw", args=[host_id, offer_id])),
        ]

    def portal_offer_urls(self, offer_id: object) -> list[tuple[str, str]]:
        return [
            ("get", reverse("portal:offer_edit", args=[offer_id])),
            ("post", reverse("portal:offer_edit", args=[offer_id])),
            ("post", reverse("portal:offer_withdraw", args=[offer_id])),
        ]

    def test_it_answers_each_visitor_as_expected(self) -> None:
        general = [
            ("get", reverse("hosts:list")),
            ("get", reverse("hosts:invite")),
            ("post", reverse("hosts:invite")),
            ("get", reverse("hosts:import")),
            ("post", reverse("hosts:import")),
            ("get", reverse("hosts:import_template")),
        ]
        portal = [
            ("get", reverse("portal:home")),
            ("get", reverse("portal:offer_new")),
            ("post", reverse("portal:offer_new")),
        ]
        shelter = {"shelter coordinator", "pending shelter coordinator"}
        hosts = {"the host", "another host"}
        for name, client in self.visitors().items():
            anonymous = name == "anonymous"
            for method, url in general:
                want = LOGIN if anonymous else OK if name in shelter else 404
                self.assertEqual(self.answer(client, method, url), want, f"{name} {method} {url}")
            for method, url in self.host_urls(self.host.pk, self.offer.pk):
                want = LOGIN if anonymous else OK if name == "shelter coordinator" else 404
                self.assertEqual(self.answer(client, method, url), want, f"{name} {method} {url}")
            for method, url in portal:
                want = LOGIN if anonymous else OK if name in hosts else 404
                self.assertEqual(self.answer(client, method, url), want, f"{name} {method} {url}")
            for method, url in self.portal_offer_urls(self.offer.pk):
                want = LOGIN if anonymous else OK if name == "the host" else 404
                self.assertEqual(self.answer(client, method, url), want, f"{name} {method} {url}")
            # Missing answers exactly like not yours.
            missing = [
                *self.host_urls(uuid.uuid4(), self.offer.pk),
                *self.host_urls(self.other.pk, self.offer.pk)[6:],  # offer of another host
                *self.portal_offer_urls(uuid.uuid4()),
            ]
            for method, url in missing:
                want = LOGIN if anonymous else 404
                self.assertEqual(self.answer(client, method, url), want, f"{name} {method} {url}")

    def test_it_shows_sealed_fields_only_to_shelter_coordinators_and_the_host(self) -> None:
        pages = [
            reverse("hosts:list"),
            reverse("hosts:host", args=[self.host.pk]),
            reverse("hosts:offer_edit", args=[self.host.pk, self.offer.pk]),
            reverse("portal:home"),
            reverse("portal:offer_edit", args=[self.offer.pk]),
            reverse("accounts:home"),
            reverse("accounts:invitations"),
            reverse("accounts:people"),
            reverse("audit:log"),
        ]
        for name, client in self.visitors().items():
            for url in pages:
                page = client.get(url).content.decode()
                if (name, url) in {
                    ("shelter coordinator", reverse("hosts:host", args=[self.host.pk])),
                    ("the host", reverse("portal:home")),
                }:
                    self.assertIn(SEALED_VALUES[1], page)
                    continue
                for value in SEALED_VALUES:
                    self.assertNotIn(value, page, f"{name} {url}")
                if name not in ("shelter coordinator", "the host"):
                    self.assertNotIn("Third floor", page, f"{name} {url}")  # the offer's notes

    def test_it_gives_a_host_a_menu_of_his_own(self) -> None:
        client = Client()
        self.log_in(self.host_user, client)
        page = client.get(reverse("portal:home")).content.decode()
        menu = page.split("<nav", 1)[1].split("</nav>", 1)[0]
        self.assertIn(reverse("portal:home"), menu)
        self.assertNotIn(reverse("cases:mine"), menu)
        self.assertNotIn(reverse("hosts:list"), menu)
        # Someone who is both sees both entries.
        client = Client()
        self.log_in(self.both, client)
        response = client.get(reverse("hosts:list")).content.decode()
        self.assertIn(reverse("cases:mine"), response.split("</nav>", 1)[0])
        self.assertIn(reverse("hosts:list"), response.split("</nav>", 1)[0])
