from django.test import Client
from django.urls import reverse

from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases.models import Case, Message
from sanctuary.intake.tests.helpers import submit
from sanctuary.test import BaseTestCase


class StaffMailboxTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Mobilised, and the summons that called him is still his: the questionnaire keeps it.
        submit(Client(), other_statuses="summons_received")
        self.case = Case.objects.get()

    def test_it_lists_new_cases_in_the_triage_queue(self) -> None:
        self.log_in(self.charlie)
        response = self.get("cases:triage")
        self.assertContains(response, "Мобилизованный")
        self.assertContains(response, "Юридическая консультация")
        self.assertNotContains(response, "canary-story")

    def test_it_opens_a_case_and_audits_the_opening(self) -> None:
        self.log_in(self.charlie)
        response = self.get("cases:case", self.case.pk)
        self.assertContains(response, "canary-story-7f3a")
        self.assertContains(response, "canary-handle-91bd")
        entry = AuditEntry.objects.get(action=Action.RECORD_OPENED)
        self.assertEqual((entry.actor_id, entry.object_id), (self.charlie.pk, str(self.case.pk)))

    def test_it_is_not_found_for_someone_without_the_key(self) -> None:
        self.log_in(self.bob)
        self.assertEqual(self.get("cases:case", self.case.pk).status_code, 404)
        self.assertNotContains(self.get("cases:mine"), "mobilized")
        response = self.client.post(reverse("cases:reply", args=[self.case.pk]), {"body": "hi"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(AuditEntry.objects.filter(action=Action.RECORD_OPENED).exists())

    def test_it_sends_a_reply_the_seeker_can_read(self) -> None:
        self.log_in(self.charlie)
        response = self.client.post(
            reverse("cases:reply", args=[self.case.pk]), {"body": "We will call you."}
        )
        self.assertRedirects(response, reverse("cases:case", args=[self.case.pk]))
        message = Message.objects.get()
        self.assertEqual(message.author, self.charlie)
        self.assertNotIn(b"We will call", bytes(message.body or b""))
        self.assertTrue(AuditEntry.objects.filter(action=Action.MESSAGE_SENT).exists())

    def test_it_keeps_an_empty_reply_from_being_sent(self) -> None:
        self.log_in(self.charlie)
        response = self.client.post(reverse("cases:reply", args=[self.case.pk]), {})
        self.assertContains(response, "Обязательное поле.")
        self.assertFalse(Message.objects.exists())

    def test_it_shows_the_routes_advice_for_the_case(self) -> None:
        self.log_in(self.charlie)
        response = self.get("cases:case", self.case.pk)
        self.assertContains(response, "Варианты для этой ситуации")
        # An electronic summons warns of the exit ban, with its source linked.
        self.assertIsNotNone(response.context["answer"])
        self.assertTrue(response.context["answer"]["sources"])
        self.assertContains(response, 'rel="noreferrer noopener"')
        # Each route says why in one line, and the deciding facts are shown in their own words.
        self.assertContains(response, '<p class="why">Закрыто: вам запрещён выезд из России')
        self.assertContains(response, "Закон об электронных повестках")

    def test_it_shows_one_timeline_of_messages_notes_tasks_stages_and_access(self) -> None:
        self.log_in(self.charlie)
        pk = [self.case.pk]
        self.client.post(reverse("cases:reply", args=pk), {"body": "timeline reply"})
        self.client.post(reverse("cases:note", args=pk), {"note": "timeline note"})
        self.client.post(
            reverse("cases:task", args=pk), {"text": "timeline task", "due_date": "2099-01-01"}
        )
        self.client.post(
            reverse("cases:stage", args=pk), {"case_type": "mobilized", "stage": "counselling"}
        )
        self.client.post(reverse("cases:assign", args=pk), {"counselor": self.bob.pk})
        self.client.post(reverse("cases:detained", args=pk), {"detained": "1"})
        events = self.get("cases:case", self.case.pk).context["timeline"]
        kinds = [event["kind"] for event in events]
        self.assertEqual(kinds[:4], ["message", "note", "task", "stage"])
        access = [e["item"]["entry"].action for e in events if e["kind"] == "access"]
        self.assertEqual(access, [Action.KEY_GRANTED, Action.CASE_DETAINED_FLAG])
        self.assertEqual([e["at"] for e in events], sorted(e["at"] for e in events))
        page = self.get("cases:case", self.case.pk)
        self.assertContains(page, "timeline task")
