"""The "checked at the source" action and the re-verification queue's page."""

import copy
import datetime as dt
from typing import Any

import time_machine
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.routes.models import FactRevision, StoredFact
from sanctuary.routes.services import (
    ProposalError,
    do_import_knowledge,
    do_propose_fact_edit,
    do_record_source_check,
    live_knowledge_base,
)
from sanctuary.routes.upkeep import reverification_queue
from sanctuary.test import BaseTestCase, make_staff

READ = "https://www.iiv.uz/en/news/example-stay-rules"
# One of the facts the December 2026 re-verification left dated 2026-03-02 (and "unconfirmed"):
# the check moves it, so the tests see the move.


@time_machine.travel("2026-12-03 12:00 +0000", tick=False)
class SourceCheckTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        do_import_knowledge()
        self.dana = make_staff("dana", Role.LAWYER)
        self.fact = StoredFact.objects.get(fact_id="A-UZ-001")
        self.assertEqual(self.fact.data["last_verified"], "2026-03-02")

    def post_check(self, **fields: str) -> Any:
        answers = {
            "read": READ,
            "read_date": "2026-11-20",
            "note": "Still no time limit on the stay for Russians.",
            **fields,
        }
        return self.client.post(reverse("routes:check_source", args=["A-UZ-001"]), answers)

    def test_it_records_who_read_what_and_moves_last_verified_to_today(self) -> None:
        before = copy.deepcopy(self.fact.data)
        self.assertEqual(
            live_knowledge_base().facts["A-UZ-001"].last_verified.isoformat(), "2026-03-02"
        )
        self.log_in(self.dana)
        response = self.post_check()
        self.assertRedirects(response, reverse("routes:fact", args=["A-UZ-001"]))
        self.fact.refresh_from_db()
        self.assertEqual(self.fact.data["last_verified"], "2026-12-03")
        self.assertEqual(
            self.fact.data["checked"],
            {
                "on": "2026-12-03",
                "by": "dana",
                "read": READ,
                "read_date": "2026-11-20",
                "note": "Still no time limit on the stay for Russians.",
            },
        )
        # Its meaning is untouched: summary, rules and source stay as they were.
        for key in ("summary", "rules", "source_url", "source_date"):
            self.assertEqual(self.fact.data[key], before[key])
        # The failed re-verification it carried is cleared by the check.
        self.assertIn("unconfirmed", before)
        self.assertNotIn("unconfirmed", self.fact.data)
        revision = FactRevision.objects.get(fact=self.fact, number=2)
        self.assertEqual((revision.proposed_by, revision.approved_by), (self.dana, self.dana))
        entry = AuditEntry.objects.get(action=Action.ROUTES_SOURCE_CHECKED.value)
        self.assertEqual(entry.actor_id, self.dana.pk)
        kb_fact = live_knowledge_base().facts["A-UZ-001"]
        self.assertEqual(kb_fact.last_verified.isoformat(), "2026-12-03")
        self.assertFalse(kb_fact.is_stale(kb_fact.last_verified))

    def test_it_refuses_a_bad_date_and_keeps_what_was_entered(self) -> None:
        self.log_in(self.dana)
        response = self.post_check(read_date="20 November")
        page = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertIn("ГГГГ-ММ-ДД", page)
        self.assertIn("Still no time limit on the stay", page)
        self.fact.refresh_from_db()
        self.assertEqual(self.fact.data["last_verified"], "2026-03-02")
        self.assertFalse(AuditEntry.objects.filter(action=Action.ROUTES_SOURCE_CHECKED.value))

    def test_it_answers_not_found_for_a_missing_fact_and_for_a_non_editor(self) -> None:
        self.log_in(self.dana)
        missing = self.client.post(reverse("routes:check_source", args=["A-XX-999"]), {})
        self.assertEqual(missing.status_code, 404)
        with self.assertRaises(ProposalError):
            do_record_source_check(
                fact=self.fact, read=READ, read_date="2026", note="x", acting_user=self.bob
            )
        self.fact.refresh_from_db()
        self.assertEqual(self.fact.data["last_verified"], "2026-03-02")

    def test_it_refuses_a_proposal_that_moves_last_verified(self) -> None:
        data = copy.deepcopy(self.fact.data)
        data["last_verified"] = "2026-12-03"
        with self.assertRaises(ProposalError):
            do_propose_fact_edit(
                fact=self.fact,
                data=data,
                source_url=READ,
                reason="bump",
                acting_user=self.dana,
            )
        # Positive control: the same proposal changing the summary alone is accepted.
        data = copy.deepcopy(self.fact.data)
        data["summary"]["en"] += " Checked."
        do_propose_fact_edit(
            fact=self.fact, data=data, source_url=READ, reason="wording", acting_user=self.dana
        )

    # Half a year after the December 2026 re-verification, when every fact has aged: on the day
    # of it, 99 facts were read that day and a freshly checked one would only join them, still
    # within the page's 40 rows.
    @time_machine.travel("2027-06-03 12:00 +0000", tick=False)
    def test_it_lists_the_queue_with_a_freshly_checked_fact_sinking(self) -> None:
        top = reverification_queue(live_knowledge_base(), dt.date(2027, 6, 3))[0].fact.id
        self.log_in(self.dana)
        page = self.client.get(reverse("routes:queue")).content.decode()
        self.assertIn(f">{top}<", page)
        response = self.client.post(
            reverse("routes:check_source", args=[top]),
            {"read": READ, "read_date": "2026", "note": "It still says so."},
        )
        self.assertEqual(response.status_code, 302)
        after = self.client.get(reverse("routes:queue")).content.decode()
        self.assertNotIn(f">{top}<", after)
