"""The whole shelter flow through the pages: a counselor asks for a bed from the case page, a
shelter coordinator runs the matcher and approves, the host accepts, the seeker reads the
address in his mailbox (without JavaScript: plain forms and links), checks in and reports."""

import datetime as dt
import re

from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.intake.tests.helpers import token_in
from sanctuary.keyring.models import SealedKey
from sanctuary.shelter.models import (
    AddressDisclosure,
    BedNight,
    DeclinedPair,
    MatchOverride,
    MatchRun,
    Proposal,
    SafetyReport,
    Stay,
    StayRequest,
)
from sanctuary.shelter.tests.factories import (
    CANARY_ADDRESS,
    CANARY_CONTACT,
    assign,
    make_case,
    make_host_user,
    make_offer,
    today,
)
from sanctuary.test import BaseTestCase, make_staff


def request_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "country": "de",
        "city": " Berlin ",
        "arrival": (today() + dt.timedelta(days=1)).isoformat(),
        "nights": "3",
        "adult_men": "1",
        "adult_women": "0",
        "children": "0",
        "languages": "ru, EN",
        "needs": "canary-needs-2c9d",
    }
    data.update(changes)
    return data


class ShelterFlowTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        self.hans, self.host = make_host_user("hans")
        self.offer = make_offer(self.host, beds=3)
        self.seeker = Client()
        self.file = make_case(self.seeker)
        coordinator = Client()
        self.log_in(self.charlie, coordinator)
        assign(coordinator, self.file, self.bob)
        self.counselor = Client()
        self.log_in(self.bob, self.counselor)
        self.coordinator = Client()
        self.log_in(self.sheila, self.coordinator)
        self.host_client = Client()
        self.log_in(self.hans, self.host_client)

    def ask_for_a_bed(self, **changes: object) -> StayRequest:
        response = self.counselor.post(
            reverse("shelter:request", args=[self.file.pk]), request_data(**changes)
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        return StayRequest.objects.latest("created_at")

    def run_and_approve(self) -> Proposal:
        self.assertEqual(self.coordinator.post(reverse("shelter:run")).status_code, 302)
        proposal = Proposal.objects.get(status=Proposal.Status.PROPOSED)
        response = self.coordinator.post(reverse("shelter:approve"), {"proposal": [proposal.pk]})
        self.assertEqual(response.status_code, 302)
        proposal.refresh_from_db()
        return proposal

    def mailbox(self) -> str:
        return self.seeker.get(reverse("intake:mailbox")).content.decode()

    def test_it_goes_from_request_to_the_address_in_the_mailbox(self) -> None:
        stay_request = self.ask_for_a_bed()
        self.assertEqual((stay_request.country, stay_request.city), ("DE", "Berlin"))
        self.assertEqual(stay_request.languages, ["en", "ru"])
        self.assertNotIn(b"canary-needs", bytes(stay_request.needs or b""))
        page = self.counselor.get(reverse("cases:case", args=[self.file.pk])).content.decode()
        self.assertIn("canary-needs-2c9d", page)

        plan = self.coordinator.get(reverse("shelter:plan"))
        self.assertEqual(plan.status_code, 200)
        proposal = self.run_and_approve()
        self.assertEqual(proposal.status, Proposal.Status.APPROVED)
        self.assertIsNotNone(proposal.answer_by)
        self.assertNotIn("Your stay", self.mailbox())
        self.assertNotIn(CANARY_ADDRESS, self.mailbox())

        host_page = self.host_client.get(reverse("shelter:host")).content.decode()
        self.assertIn(reverse("shelter:host_accept", args=[proposal.pk]), host_page)
        response = self.host_client.post(reverse("shelter:host_accept", args=[proposal.pk]))
        self.assertEqual(response.status_code, 302)

        stay = Stay.objects.get()
        self.assertEqual((stay.offer_id, stay.persons, stay.nights), (self.offer.pk, 1, 3))
        self.assertEqual(
            list(BedNight.objects.values_list("booked", flat=True).order_by("night")), [1, 1, 1]
        )
        mailbox = self.mailbox()
        self.assertIn(CANARY_ADDRESS, mailbox)
        self.assertIn(CANARY_CONTACT, mailbox)
        stay_request.refresh_from_db()
        self.assertEqual(stay_request.status, StayRequest.Status.CONFIRMED)
        for action in (Action.PROPOSAL_APPROVED, Action.PROPOSAL_ACCEPTED, Action.MATCHER_RUN):
            self.assertTrue(AuditEntry.objects.filter(action=action).exists(), action)

    def test_it_lets_the_host_decline_and_never_proposes_the_pair_again(self) -> None:
        stay_request = self.ask_for_a_bed()
        proposal = self.run_and_approve()
        disclosure = AddressDisclosure.objects.get(proposal=proposal)
        response = self.host_client.post(reverse("shelter:host_decline", args=[proposal.pk]))
        self.assertEqual(response.status_code, 302)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, Proposal.Status.DECLINED)
        self.assertTrue(DeclinedPair.objects.filter(request=stay_request, by="host").exists())
        disclosure.refresh_from_db()
        self.assertIsNone(disclosure.address)
        self.assertFalse(SealedKey.objects.for_record(disclosure).exists())
        self.coordinator.post(reverse("shelter:run"))
        self.assertFalse(Proposal.objects.filter(status=Proposal.Status.PROPOSED).exists())
        run = MatchRun.objects.first()
        assert run is not None
        self.assertEqual(run.unplaced[0]["reasons"][0][0], "only_declined_offers")

    def test_it_records_the_guest_declining_on_his_word(self) -> None:
        stay_request = self.ask_for_a_bed()
        proposal = self.run_and_approve()
        self.host_client.post(reverse("shelter:host_accept", args=[proposal.pk]))
        self.assertIn(CANARY_ADDRESS, self.mailbox())
        response = self.counselor.post(
            reverse("shelter:guest_declines", args=[self.file.pk, stay_request.pk])
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(DeclinedPair.objects.filter(request=stay_request, by="guest").exists())
        self.assertEqual(Stay.objects.get().status, Stay.Status.CANCELLED)
        self.assertEqual(set(BedNight.objects.values_list("booked", flat=True)), {0})
        self.assertNotIn(CANARY_ADDRESS, self.mailbox())
        stay_request.refresh_from_db()
        self.assertEqual(stay_request.status, StayRequest.Status.OPEN)

    def test_it_runs_the_stay_with_check_ins_and_a_safety_report(self) -> None:
        self.ask_for_a_bed(arrival=today().isoformat())
        proposal = self.run_and_approve()
        self.host_client.post(reverse("shelter:host_accept", args=[proposal.pk]))
        stay = Stay.objects.get()
        self.host_client.post(reverse("shelter:host_check_in", args=[stay.pk]))
        stay.refresh_from_db()
        self.assertEqual(stay.status, Stay.Status.CHECKED_IN)
        # Before the first night is over there is no safety check-in yet.
        self.assertNotIn(reverse("stay:safe", args=[stay.pk]), self.mailbox())
        Stay.objects.filter(pk=stay.pk).update(first_night=today() - dt.timedelta(days=1))
        mailbox = self.mailbox()
        self.assertIn(reverse("stay:safe", args=[stay.pk]), mailbox)
        section = mailbox.split('class="stay"', 1)[1]
        self.seeker.post(reverse("stay:safe", args=[stay.pk]), {"form_token": token_in(section)})
        self.host_client.post(reverse("shelter:host_safe", args=[stay.pk]))
        stay.refresh_from_db()
        self.assertIsNotNone(stay.guest_safe_at)
        self.assertIsNotNone(stay.host_safe_at)

        # The report is set apart from the address: its own section, a link to its own page.
        mailbox = self.mailbox()
        stay_section = mailbox.split('class="stay"', 1)[1].split("</section>", 1)[0]
        self.assertIn(CANARY_ADDRESS, stay_section)
        self.assertIn("Берлин", stay_section)  # a Russian page names the city in Cyrillic
        self.assertNotIn("Berlin", stay_section)
        self.assertNotIn(reverse("stay:report", args=[stay.pk]), stay_section)
        safety = mailbox.split('class="safety"', 1)[1].split("</section>", 1)[0]
        self.assertIn(f'href="{reverse("stay:report", args=[stay.pk])}"', safety)
        self.assertNotIn(CANARY_ADDRESS, safety)
        form = self.seeker.get(reverse("stay:report", args=[stay.pk])).content.decode()
        response = self.seeker.post(
            reverse("stay:report", args=[stay.pk]),
            {"body": "canary-report-guest-5e1b", "form_token": token_in(form)},
        )
        self.assertEqual(response.status_code, 200)
        report = SafetyReport.objects.get()
        self.assertEqual(report.side, "guest")
        self.assertNotIn(b"canary-report", bytes(report.body or b""))
        stay.refresh_from_db()
        self.assertIsNotNone(stay.flagged_at)
        escalation = AuditEntry.objects.get(action=Action.SAFETY_REPORTED)
        self.assertTrue(escalation.details["escalated"])
        plan = self.coordinator.get(reverse("shelter:plan")).content.decode()
        self.assertIn('role="alert"', plan)
        self.assertIn("canary-report-guest-5e1b", plan)

        self.host_client.post(reverse("shelter:host_check_out", args=[stay.pk]))
        stay.refresh_from_db()
        self.assertEqual(stay.status, Stay.Status.CHECKED_OUT)
        self.assertNotIn(CANARY_ADDRESS, self.mailbox())

    def test_it_writes_an_audited_override_that_the_matcher_uses(self) -> None:
        self.offer.women_only = True
        self.offer.save()
        stay_request = self.ask_for_a_bed()
        self.coordinator.post(reverse("shelter:run"))
        self.assertFalse(Proposal.objects.filter(status=Proposal.Status.PROPOSED).exists())
        response = self.coordinator.post(
            reverse("shelter:override"),
            {
                "request": stay_request.pk,
                "offer": self.offer.pk,
                "rule": "women_only",
                "reason": "canary-override-d41a",
            },
        )
        self.assertEqual(response.status_code, 302)
        override = MatchOverride.objects.get()
        self.assertNotIn(b"canary-override", bytes(override.reason or b""))
        entry = AuditEntry.objects.get(action=Action.OVERRIDE_ADDED)
        self.assertEqual(entry.details["rule"], "women_only")
        proposal = self.run_and_approve()
        self.assertEqual(proposal.override_id, override.pk)
        self.assertTrue(AuditEntry.objects.filter(action=Action.OVERRIDE_USED).exists())

    # ---- bad input on every form ------------------------------------------------------------

    def test_it_refuses_bad_stay_requests_and_keeps_what_was_typed(self) -> None:
        url = reverse("shelter:request", args=[self.file.pk])
        bad = [
            {"arrival": "2001-01-01"},
            {"arrival": "not a date"},
            {"nights": "0"},
            {"nights": "500"},
            {"adult_men": "0", "adult_women": "0"},
            {"adult_men": "-1"},
            {"children": "19", "adult_men": "5"},
            {"country": "D1"},
            {"country": "DEU"},
            {"city": "   "},
            {"languages": "russian; <script>"},
            {"needs": "x" * 2001},
        ]
        for changes in bad:
            response = self.counselor.post(url, request_data(**{"city": "Typed-City", **changes}))
            self.assertEqual(response.status_code, 200, changes)
            self.assertContains(response, "error", msg_prefix=str(changes))
            if "city" not in changes:
                self.assertContains(response, "Typed-City", msg_prefix=str(changes))
        self.assertFalse(StayRequest.objects.exists())

    def test_it_refuses_bad_overrides_and_approvals(self) -> None:
        stay_request = self.ask_for_a_bed()
        url = reverse("shelter:override")
        good = {
            "request": str(stay_request.pk),
            "offer": str(self.offer.pk),
            "rule": "women_only",
            "reason": "she asked",
        }
        for changes in (
            {"reason": "   "},
            {"rule": "no_such_rule"},
            {"request": "not-a-uuid"},
            {"offer": "00000000-0000-0000-0000-000000000000"},
        ):
            response = self.coordinator.post(url, {**good, **changes})
            self.assertEqual(response.status_code, 200, changes)
            self.assertContains(response, "error")
        self.assertFalse(MatchOverride.objects.exists())
        self.coordinator.post(url, good)
        response = self.coordinator.post(url, good)
        self.assertContains(response, "error")
        self.assertEqual(MatchOverride.objects.count(), 1)

        for data in ({}, {"proposal": "garbage"}, {"proposal": str(stay_request.pk)}):
            response = self.coordinator.post(reverse("shelter:approve"), data)
            self.assertEqual(response.status_code, 302)
        self.assertFalse(Proposal.objects.filter(status=Proposal.Status.APPROVED).exists())

    def test_it_refuses_approving_a_plan_a_newer_run_replaced(self) -> None:
        self.ask_for_a_bed()
        self.coordinator.post(reverse("shelter:run"))
        old = Proposal.objects.get(status=Proposal.Status.PROPOSED)
        self.coordinator.post(reverse("shelter:run"))
        self.coordinator.post(reverse("shelter:approve"), {"proposal": [old.pk]})
        old.refresh_from_db()
        self.assertEqual(old.status, Proposal.Status.WITHDRAWN)
        self.assertFalse(AddressDisclosure.objects.exists())

    def test_it_refuses_empty_safety_reports(self) -> None:
        self.ask_for_a_bed()
        proposal = self.run_and_approve()
        self.host_client.post(reverse("shelter:host_accept", args=[proposal.pk]))
        stay = Stay.objects.get()
        response = self.host_client.post(
            reverse("shelter:host_report", args=[stay.pk]), {"body": "   "}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "error", status_code=400)
        response = self.host_client.post(
            reverse("shelter:host_report", args=[stay.pk]), {"body": "y" * 4001}
        )
        self.assertEqual(response.status_code, 400)
        form = self.seeker.get(reverse("stay:report", args=[stay.pk])).content.decode()
        response = self.seeker.post(
            reverse("stay:report", args=[stay.pk]),
            {"body": "", "form_token": token_in(form)},
        )
        self.assertEqual(response.status_code, 400)
        response = self.seeker.post(
            reverse("stay:report", args=[stay.pk]), {"body": "forged", "form_token": "x"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(SafetyReport.objects.exists())

    def test_it_shows_nothing_of_a_stay_before_confirmation(self) -> None:
        self.ask_for_a_bed()
        self.run_and_approve()
        mailbox = self.mailbox()
        self.assertIsNone(re.search(r'class="stay"', mailbox))
