"""The hourly job: it runs the matcher and expires unanswered proposals, with a fixed clock."""

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.test import TestCase, override_settings

from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases.models import CaseFile
from sanctuary.keyring.models import SealedKey
from sanctuary.shelter import services
from sanctuary.shelter.models import AddressDisclosure, MatchRun, Proposal, StayRequest
from sanctuary.shelter.tests.factories import (
    keychain,
    make_case,
    make_host_user,
    make_offer,
    make_request,
)
from sanctuary.test import make_staff

START = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)


def tick() -> None:
    call_command("shelter_tick", stdout=StringIO())


class HourlyTickTestCase(TestCase):
    def setUp(self) -> None:
        traveller = time_machine.travel(START, tick=False)
        self.clock = traveller.start()
        self.addCleanup(traveller.stop)
        self.sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        make_staff("charlie", Role.COORDINATOR)
        self.hans, host = make_host_user("hans")
        make_offer(host, beds=2)
        self.file = make_case()
        self.request = make_request(self.file, arrival=dt.date(2026, 12, 11))

    def test_it_runs_the_matcher_every_hour_without_anyone(self) -> None:
        tick()
        run = MatchRun.objects.get()
        self.assertIsNone(run.by)
        self.assertEqual(Proposal.objects.get().status, Proposal.Status.PROPOSED)
        self.assertIsNone(AuditEntry.objects.get(action=Action.MATCHER_RUN).actor_id)
        self.clock.shift(dt.timedelta(hours=1))
        tick()
        statuses = sorted(Proposal.objects.values_list("status", flat=True))
        self.assertEqual(statuses, ["proposed", "withdrawn"])

    @override_settings(SHELTER_ANSWER_HOURS=24)
    def test_it_expires_a_proposal_the_host_did_not_answer(self) -> None:
        services.do_run_matcher(self.sheila)
        proposal = Proposal.objects.get()
        services.do_approve([proposal.pk], keychain=keychain(self.sheila))
        disclosure = AddressDisclosure.objects.get()
        self.clock.shift(dt.timedelta(hours=23, minutes=59))
        tick()
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, Proposal.Status.APPROVED)
        # The approved proposal holds its beds: the run proposes nothing else for them.
        self.assertFalse(Proposal.objects.filter(status=Proposal.Status.PROPOSED).exists())

        self.clock.shift(dt.timedelta(minutes=2))
        with self.assertRaises(services.ShelterError):
            services.do_host_accept(proposal, keychain=keychain(self.hans))
        tick()
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, Proposal.Status.EXPIRED)
        self.assertTrue(AuditEntry.objects.filter(action=Action.PROPOSAL_EXPIRED).exists())
        disclosure.refresh_from_db()
        self.assertIsNone(disclosure.address)
        self.assertFalse(SealedKey.objects.for_record(disclosure).exists())
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, StayRequest.Status.OPEN)
        # Not a decline: the same tick's run may propose the pair again.
        self.assertEqual(Proposal.objects.filter(status=Proposal.Status.PROPOSED).count(), 1)
        self.assertEqual(services.expire_proposals(), 0)

    def test_it_gives_priority_to_danger_from_the_case_and_to_arrival_tonight(self) -> None:
        CaseFile.objects.filter(pk=self.file.pk).update(
            case_type="deserter_russia", left_unit_date=dt.date(2026, 12, 1)
        )
        file = CaseFile.objects.get(pk=self.file.pk)
        self.assertTrue(services.danger_from_case(file))
        CaseFile.objects.filter(pk=self.file.pk).update(case_type="conscript")
        file = CaseFile.objects.get(pk=self.file.pk)
        self.assertFalse(services.danger_from_case(file))

        tomorrow = services.build_instance(dt.date(2026, 12, 10)).instance.requests[0]
        self.assertFalse(tomorrow.immediate_danger)
        tonight = services.build_instance(dt.date(2026, 12, 11)).instance.requests[0]
        self.assertTrue(tonight.immediate_danger)
        self.assertEqual(services.build_instance(dt.date(2026, 12, 12)).instance.requests, ())
