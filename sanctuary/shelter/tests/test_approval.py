"""Approval judges each proposal on its own, the matcher proposes only hosts who can be asked
(the others are named for contact by hand), and the plan says when it is out of date."""

import datetime as dt

from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation

from sanctuary.accounts.models import Role, User
from sanctuary.demo.hosts import seed_hosts
from sanctuary.demo.seed import seed_case, seed_more_cases, seed_staff
from sanctuary.demo.shelter import seed_stay_requests
from sanctuary.keyring import services as keyring
from sanctuary.keyring.models import Holder
from sanctuary.shelter import services
from sanctuary.shelter.models import Proposal, StayRequest
from sanctuary.shelter.tests.factories import (
    keychain,
    make_case,
    make_host,
    make_host_user,
    make_offer,
    make_request,
    today,
)
from sanctuary.test import BaseTestCase, make_staff


class DemoPlanTestCase(TestCase):
    """The demo's plan: only one demo host has a portal account with keys. Approving all
    its proposals used to be refused as a whole ("one of the hosts ... has no account with
    keys yet")."""

    def test_it_approves_every_proposal_of_the_demo_plan(self) -> None:
        seed_staff()
        seed_case()
        seed_more_cases()
        seed_hosts()
        self.assertEqual(seed_stay_requests(), 4)
        shelter = User.objects.get(username="shelter")
        keypair = keyring.open_staff_secret(shelter, "demo-shelter-passphrase")
        assert keypair is not None
        proposed = list(Proposal.objects.filter(status=Proposal.Status.PROPOSED))
        self.assertTrue(proposed)
        result = services.do_approve(
            [p.pk for p in proposed], keychain=keyring.keychain_for(shelter, keypair)
        )
        self.assertEqual(result.refused, [])
        self.assertEqual(len(result.approved), len(proposed))
        for proposal in proposed:
            self.assertIsNotNone(proposal.offer.host.user_id)
        # Every other party with a fitting host is named for contact by hand, with the reason.
        by_hand = list(Proposal.objects.filter(status=Proposal.Status.BY_HAND))
        self.assertTrue(by_hand)
        for proposal in by_hand:
            self.assertIsNone(proposal.offer.host.user_id)
            self.assertEqual(
                proposal.reasons[0],
                ["contact_by_hand", {"offer": str(proposal.offer_id), "why": "no_account"}],
            )
        # The detained deserter arriving in Uralsk tonight gets a host to call.
        tonight = StayRequest.objects.filter(city="Uralsk", arrival=today())
        self.assertTrue(Proposal.objects.filter(request__in=tonight, status="by_hand").exists())


class ApprovalTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        self.sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        self.file = make_case()
        self.hans, self.keyed = make_host_user("hans")
        self.keyed_offer = make_offer(self.keyed, beds=1)
        # A host from a partner's sheet: no account at all.
        self.sheet_host = make_host(city="Hamburg")
        self.sheet_offer = make_offer(self.sheet_host, beds=2)
        # A host who can be asked when the plan is made, but whose keys are gone at approval.
        self.otto, self.later = make_host_user("otto", city="Bremen")
        self.later_offer = make_offer(self.later, beds=2)
        self.berlin = make_request(self.file)
        self.hamburg = make_request(self.file, city="Hamburg")
        self.bremen = make_request(self.file, city="Bremen")
        self.client = Client()
        self.log_in(self.sheila, self.client)

    def test_it_never_proposes_a_host_who_cannot_be_asked(self) -> None:
        run = services.do_run_matcher(self.sheila)
        rows = {p.request_id: p for p in run.proposals.all()}
        self.assertEqual(rows[self.berlin.pk].status, Proposal.Status.PROPOSED)
        self.assertEqual(rows[self.bremen.pk].status, Proposal.Status.PROPOSED)
        by_hand = rows[self.hamburg.pk]
        self.assertEqual(by_hand.status, Proposal.Status.BY_HAND)
        self.assertEqual(by_hand.offer, self.sheet_offer)
        unplaced = {u["request"]: u for u in run.unplaced}
        self.assertIn("contact_by_hand", [r[0] for r in unplaced[str(self.hamburg.pk)]["reasons"]])
        page = self.client.get(reverse("shelter:plan")).content.decode()
        self.assertIn("Contact by hand", page)
        self.assertIn(self.sheet_host.reference, page)
        self.assertIn("has no portal account yet", page)

    def test_it_approves_the_rest_and_names_the_host_without_keys(self) -> None:
        services.do_run_matcher(self.sheila)
        ids = [str(p.pk) for p in Proposal.objects.exclude(status=Proposal.Status.WITHDRAWN)]
        self.assertEqual(len(ids), 3)
        Holder.objects.filter(user=self.otto).update(public_key=b"")  # his keys are gone
        response = self.client.post(reverse("shelter:approve"), {"proposal": ids}, follow=True)
        page = response.content.decode()
        approved = Proposal.objects.get(status=Proposal.Status.APPROVED)
        self.assertEqual(approved.request, self.berlin)
        self.assertIn("1 proposal approved", page)
        self.assertIn(f"Not approved: host {self.later.reference}", page)
        self.assertIn("portal account has no keys yet", page)
        self.assertIn(f"Not approved: host {self.sheet_host.reference}", page)
        self.assertIn("contact him by hand", page)
        self.assertEqual(Proposal.objects.get(request=self.bremen).status, Proposal.Status.PROPOSED)
        self.assertEqual(
            StayRequest.objects.get(pk=self.berlin.pk).status, StayRequest.Status.PENDING_HOST
        )

    def test_it_refuses_one_proposal_whose_beds_went_meanwhile(self) -> None:
        services.do_run_matcher(self.sheila)
        proposal = Proposal.objects.get(request=self.berlin)
        other = Proposal.objects.get(request=self.bremen)
        self.keyed_offer.first_night = today() + dt.timedelta(days=10)
        self.keyed_offer.save()
        result = services.do_approve([proposal.pk, other.pk], keychain=keychain(self.sheila))
        self.assertEqual(result.approved, [other])
        self.assertEqual(len(result.refused), 1)
        self.assertEqual(result.refused[0][0], proposal)
        self.assertIn("no longer offers these nights", result.refused[0][1])

    def test_it_refuses_two_proposals_that_together_overbook(self) -> None:
        second = make_request(self.file, city="Bremen")
        services.do_run_matcher(self.sheila)
        first = Proposal.objects.get(request=self.bremen)
        self.assertTrue(Proposal.objects.filter(request=second, offer=self.later_offer).exists())
        self.later_offer.beds = 1
        self.later_offer.save()
        both = list(Proposal.objects.filter(offer=self.later_offer).values_list("pk", flat=True))
        result = services.do_approve(both, keychain=keychain(self.sheila))
        self.assertEqual(len(result.approved), 1)
        self.assertIn("No longer a free bed", result.refused[0][1])
        self.assertIn(first.pk, both)


class OutOfDateTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        self.sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        self.file = make_case()
        self.hans, self.host = make_host_user("hans")
        self.offer = make_offer(self.host, beds=3)
        self.request = make_request(self.file)
        self.other = make_request(self.file, arrival=today() + dt.timedelta(days=2))
        self.plan_run = services.do_run_matcher(self.sheila)
        self.client = Client()
        self.log_in(self.sheila, self.client)

    def assert_out_of_date(self, *parts: str) -> None:
        self.assertEqual(services.out_of_date(self.plan_run), list(parts))
        page = self.client.get(reverse("shelter:plan")).content.decode()
        if parts:
            self.assertIn("This plan is out of date", page)
        else:
            self.assertNotIn("This plan is out of date", page)

    def test_it_is_up_to_date_until_something_changes(self) -> None:
        self.assert_out_of_date()

    def test_it_is_out_of_date_after_a_new_request(self) -> None:
        make_request(self.file, city="Hamburg")
        self.assert_out_of_date("requests")
        self.plan_run = services.do_run_matcher(self.sheila)
        self.assert_out_of_date()

    def test_it_is_out_of_date_after_a_cancelled_request(self) -> None:
        services.do_cancel_request(self.other, acting_user=self.bob)
        self.assert_out_of_date("requests")

    def test_it_is_out_of_date_after_an_offer_or_host_changes(self) -> None:
        self.offer.beds = 2
        self.offer.save()
        self.assert_out_of_date("offers")

    def test_it_is_out_of_date_when_a_host_can_be_asked_at_last(self) -> None:
        sheet_host = make_host(city="Hamburg")
        make_offer(sheet_host)
        self.plan_run = services.do_run_matcher(self.sheila)
        self.assert_out_of_date()
        sheet_host.user = make_staff("new-host", Role.HOST)
        sheet_host.save()
        self.assert_out_of_date("offers")

    def test_it_stays_up_to_date_while_its_own_proposals_are_approved(self) -> None:
        proposal = Proposal.objects.get(request=self.request)
        services.do_approve([proposal.pk], keychain=keychain(self.sheila))
        self.assert_out_of_date()
        second = Proposal.objects.get(request=self.other)
        result = services.do_approve([second.pk], keychain=keychain(self.sheila))
        self.assertEqual(result.refused, [])

    def test_it_is_out_of_date_after_a_host_answers(self) -> None:
        proposal = Proposal.objects.get(request=self.request)
        services.do_approve([proposal.pk], keychain=keychain(self.sheila))
        services.do_host_decline(proposal, acting_user=self.hans)
        self.assert_out_of_date("answers")

    def test_it_is_out_of_date_after_a_host_accepts(self) -> None:
        proposal = Proposal.objects.get(request=self.request)
        services.do_approve([proposal.pk], keychain=keychain(self.sheila))
        services.do_host_accept(proposal, keychain=keychain(self.hans))
        self.assert_out_of_date("requests", "answers")
