"""Hosts made the way shelter coordinators make them: through the pages."""

import re
import secrets
from typing import Any

from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role, User
from sanctuary.accounts.services import add_totp_device
from sanctuary.hosts.models import Host
from sanctuary.keyring.services import Keychain, keychain_for, open_staff_secret, sync_groups
from sanctuary.test import PASSWORD, BaseTestCase, make_staff

HOST_DATA = {
    "name": "Zarina Hostname-9c1",
    "address": "Secret Street 7, flat 12",
    "contact": "+7 700 555 0199",
    "country": "KZ",
    "city": "Almaty",
    "languages": ["ru", "kk"],
}
SEALED_VALUES = ("Zarina Hostname-9c1", "Secret Street 7", "+7 700 555 0199")


def keychain_of(user: User) -> Keychain:
    keypair = open_staff_secret(user, PASSWORD)
    assert keypair is not None
    return keychain_for(user, keypair)


def make_shelter_coordinator(username: str, sponsor: User | None = None) -> User:
    """A shelter coordinator holding the group key; a sponsor who holds it lets him in."""
    user = make_staff(username, Role.SHELTER_COORDINATOR)
    if sponsor is not None:
        sync_groups(user, acting_user=sponsor, keychain=keychain_of(sponsor))
    return user


def offer_data(**changes: Any) -> dict[str, Any]:
    import datetime as dt

    today = dt.date.today()
    data: dict[str, Any] = {
        "country": "KZ",
        "city": "Almaty",
        "beds": "2",
        "first_night": (today + dt.timedelta(days=2)).isoformat(),
        "last_night": (today + dt.timedelta(days=30)).isoformat(),
        "max_nights": "14",
        "accepts_men_only_parties": "on",
        "accepts_children": "on",
        "languages": ["ru"],
        "notes": "Third floor, no lift.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


class HostsTestCase(BaseTestCase):
    """Dora and Erin are shelter coordinators holding the group key; plus alice, bob, charlie."""

    def setUp(self) -> None:
        super().setUp()
        self.dora = make_shelter_coordinator("dora")
        self.erin = make_shelter_coordinator("erin", sponsor=self.dora)

    def invite(self, client: Client | None = None, **changes: Any) -> tuple[Host, str]:
        """Invites a host as Dora, through the page; returns the host and the link's token."""
        client = client or Client()
        self.log_in(self.dora, client)
        response = client.post(reverse("hosts:invite"), {**HOST_DATA, **changes})
        assert response.status_code == 200, response.content
        page = response.content.decode()
        found = re.search(r"/staff/invitation/([^/]+)/", page)
        assert found is not None, page
        host = Host.objects.order_by("-created_at").first()
        assert host is not None
        return host, found.group(1)

    def accept(self, token: str, username: str = "zarina") -> User:
        response = Client().post(
            reverse("accounts:accept", args=[token]),
            {"username": username, "password": PASSWORD, "password_again": PASSWORD},
        )
        assert response.status_code == 302, response.content
        user = User.objects.get(username=username)
        add_totp_device(user, secrets.token_bytes(20), name="phone", confirmed=True)
        return user

    def host_with_account(self, username: str = "zarina", **changes: Any) -> tuple[Host, User]:
        host, token = self.invite(**changes)
        user = self.accept(token, username)
        host.refresh_from_db()
        return host, user
