"""A host is not staff: he reaches his own account's pages and the pages made for hosts, and
every staff page answers him "not found"."""

from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.test import BaseTestCase, make_staff

STAFF_PAGES = [
    "cases:mine",
    "cases:triage",
    "cases:overdue",
    "cases:checklists",
    "keyring:pending",
    "routes:facts",
    "routes:countries",
    "accounts:people",
    "audit:log",
    "hosts:list",
    "shelter:plan",
    "referrals:partners",
]
OWN_PAGES = ["accounts:home", "accounts:change_password"]  # the portal: hosts/tests


class HostReachTestCase(BaseTestCase):
    def test_it_keeps_a_host_out_of_every_staff_page(self) -> None:
        host = Client()
        self.log_in(make_staff("hana", Role.HOST), host)
        for name in STAFF_PAGES:
            self.assertEqual(host.get(reverse(name)).status_code, 404, name)
        for name in OWN_PAGES:
            self.assertEqual(host.get(reverse(name)).status_code, 200, name)

    def test_it_still_lets_a_counselor_reach_the_pages_for_all_staff(self) -> None:
        self.log_in(self.bob)
        for name in ("cases:mine", "keyring:pending", "routes:facts", "accounts:home"):
            self.assertEqual(self.client.get(reverse(name)).status_code, 200, name)
