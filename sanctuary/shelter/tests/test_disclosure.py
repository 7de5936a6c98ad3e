"""The host's address reaches the guest's mailbox only, and only once both the coordinator
(approval) and the host (acceptance) have confirmed. A canary address is searched for in every
page every visitor can open, at each step of the flow."""

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from sanctuary.accounts.models import Role
from sanctuary.intake.tests.helpers import token_in
from sanctuary.keyring.models import SealedKey
from sanctuary.shelter import services
from sanctuary.shelter.models import AddressDisclosure, Proposal, Stay
from sanctuary.shelter.tests.factories import (
    CANARY_ADDRESS,
    CANARY_CONTACT,
    assign,
    confirmed,
    keychain,
    make_case,
    make_host_user,
    make_offer,
    make_request,
)
from sanctuary.test import BaseTestCase, make_staff

# Pages a GET would change or leave: never walked.
SKIPPED = {"accounts:logout", "intake:leave", "intake:delete", "intake:exit", "accounts:login"}


def page_names() -> list[str]:
    """Every named URL of the project that takes no argument."""
    names: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.append(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    pages = []
    for name in sorted(set(names)):
        try:
            reverse(name)
        except NoReverseMatch:
            continue
        if name not in SKIPPED:
            pages.append(name)
    return pages


class AddressDisclosureTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        self.dave = make_staff("dave", Role.COUNSELOR)
        self.hans, host = make_host_user("hans")
        self.otto, _other = make_host_user(
            "otto", address="other-address-0000", contact="other-contact-0000"
        )
        self.offer = make_offer(host, beds=2)
        self.seeker = Client()
        self.file = make_case(self.seeker)
        self.other_seeker = Client()
        self.other_file = make_case(self.other_seeker)
        self.coordinator_client = Client()
        self.log_in(self.charlie, self.coordinator_client)
        assign(self.coordinator_client, self.file, self.bob)
        assign(self.coordinator_client, self.other_file, self.dave)
        self.request = make_request(self.file)
        make_request(self.other_file, arrival=self.request.arrival)  # competes for the beds

    def visitors(self) -> dict[str, Client]:
        clients = {"seeker": self.seeker, "other seeker": self.other_seeker}
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
        clients["anonymous"] = Client()
        return clients

    def pages_with_canary(self) -> set[tuple[str, str]]:
        """(visitor, page) for every page that shows the address or the contact: the page he
        lands on, so an address that only sends him on (the codename check sends a GET to his
        mailbox) counts as the page it sends him to."""
        found = set()
        extra = [
            reverse("cases:case", args=[self.file.pk]),
            reverse("cases:case", args=[self.other_file.pk]),
            *[reverse("stay:report", args=[s.pk]) for s in self.stays()],
        ]
        urls = [reverse(name) for name in page_names()] + extra
        for visitor, client in self.visitors().items():
            for url in urls:
                response = client.get(url, follow=True)
                content = response.content.decode(errors="replace")
                if CANARY_ADDRESS in content or CANARY_CONTACT in content:
                    landed = response.redirect_chain[-1][0] if response.redirect_chain else url
                    found.add((visitor, landed))
        return found

    def stays(self) -> list[Stay]:
        return list(Stay.objects.all())

    def test_it_walks_enough_pages_to_mean_something(self) -> None:
        names = page_names()
        for name in ("intake:mailbox", "shelter:plan", "shelter:host", "cases:mine"):
            self.assertIn(name, names)

    def test_it_discloses_the_address_only_to_the_guest_after_both_confirmed(self) -> None:
        self.assertEqual(self.pages_with_canary(), set(), "before anything")

        services.do_run_matcher(self.sheila)
        self.assertEqual(self.pages_with_canary(), set(), "proposed")

        proposal = Proposal.objects.get(request=self.request, status=Proposal.Status.PROPOSED)
        services.do_approve([proposal.pk], keychain=keychain(self.sheila))
        self.assertEqual(self.pages_with_canary(), set(), "approved, host not yet answered")
        disclosure = AddressDisclosure.objects.get(proposal=proposal)
        holders = set(SealedKey.objects.for_record(disclosure).values_list("holder_id", flat=True))
        self.assertNotIn(self.file.case.seeker_id, holders)

        stay = services.do_host_accept(proposal, keychain=keychain(self.hans))
        mailbox = reverse("intake:mailbox")
        report = reverse("stay:report", args=[stay.pk])
        found = self.pages_with_canary()
        self.assertIn(("seeker", mailbox), found)
        allowed_visitors = {"seeker", "shelter coordinator", "host"}
        self.assertEqual({v for v, _url in found} - allowed_visitors, set(), found)
        self.assertEqual(found - {("seeker", mailbox), ("seeker", report)}, set())

    def test_it_takes_the_address_back_when_the_stay_is_cancelled(self) -> None:
        services.do_run_matcher(self.sheila)
        proposal = Proposal.objects.get(request=self.request, status=Proposal.Status.PROPOSED)
        services.do_approve([proposal.pk], keychain=keychain(self.sheila))
        stay = services.do_host_accept(proposal, keychain=keychain(self.hans))
        self.assertIn(CANARY_ADDRESS, self.seeker.get(reverse("intake:mailbox")).content.decode())
        services.do_cancel_stay(stay, acting_user=self.sheila)
        self.assertEqual(self.pages_with_canary(), set())
        disclosure = AddressDisclosure.objects.get(proposal=proposal)
        self.assertFalse(SealedKey.objects.for_record(disclosure).exists())


class DeletedCaseTestCase(BaseTestCase):
    def test_it_leaves_no_key_copy_when_the_guest_deletes_his_case(self) -> None:
        sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        hans, host = make_host_user("hans")
        make_offer(host, beds=2)
        seeker = Client()
        file = make_case(seeker)
        stay = confirmed(make_request(file), sheila, hans)
        services.do_safety_report(stay, side="host", body="report", acting_user=hans)
        disclosure = AddressDisclosure.objects.get()
        self.assertTrue(SealedKey.objects.for_record(disclosure).exists())
        page = seeker.get(reverse("intake:delete")).content.decode()
        seeker.post(reverse("intake:delete"), {"form_token": token_in(page)})
        self.assertFalse(Stay.objects.exists())
        self.assertFalse(
            SealedKey.objects.filter(
                record_type__in=["shelter.addressdisclosure", "shelter.safetyreport"]
            ).exists()
        )
