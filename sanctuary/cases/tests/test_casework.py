from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases.models import Case, CaseFile, Note, StageChange, Task
from sanctuary.cases.services import notify_due_tasks
from sanctuary.intake.tests.helpers import submit
from sanctuary.keyring.models import SealedKey
from sanctuary.notices.models import Notice
from sanctuary.test import BaseTestCase, make_staff


class CaseworkTestCase(BaseTestCase):
    """Charlie coordinates (intake group); Bob and Dora are counselors."""

    def setUp(self) -> None:
        super().setUp()
        self.dora = make_staff("dora", Role.COUNSELOR)
        # Mobilised, and the summons that called him is still his: the questionnaire keeps it.
        submit(Client(), other_statuses="summons_received")
        self.case = Case.objects.get()
        self.file = CaseFile.objects.get()

    def assign(self, counselor_pk: int, keep: bool = False) -> object:
        data = {"counselor": counselor_pk, **({"keep_previous": "on"} if keep else {})}
        return self.client.post(reverse("cases:assign", args=[self.case.pk]), data)

    def holders(self) -> set[str]:
        return {
            key.holder.user.username
            for key in SealedKey.objects.for_record(self.case).select_related("holder__user")
            if key.holder.user
        }

    def test_it_opens_a_file_with_type_and_dates_from_the_situation(self) -> None:
        self.assertEqual(self.file.case_type, "mobilized")
        self.assertEqual(self.file.stage, "new")
        self.assertEqual(str(self.file.summons_date), "2026-11-20")

    def test_it_orders_the_queue_by_urgency_and_shows_its_reasons(self) -> None:
        submit(Client(), status="deserter", left_unit="2026-11-01", summons="", summons_date="")
        self.log_in(self.charlie)
        rows = self.get("cases:triage").context["rows"]
        self.assertEqual(rows[0]["file"].case_type, "deserter_russia")
        self.assertGreaterEqual(rows[0]["urgency"].score, rows[1]["urgency"].score)
        self.assertTrue(rows[0]["reasons"])

    def test_it_never_shows_the_story_outside_the_case_page(self) -> None:
        self.log_in(self.charlie)
        for name in ("cases:triage", "cases:mine", "cases:overdue", "accounts:home"):
            self.assertNotContains(self.get(name), "canary-story")

    def test_it_assigns_with_a_grant_and_revokes_on_reassignment(self) -> None:
        self.log_in(self.charlie)
        self.assign(self.bob.pk)
        self.assertEqual(self.holders(), {"bob"})
        self.assign(self.dora.pk)
        self.assertEqual(self.holders(), {"dora"})
        self.assign(self.bob.pk, keep=True)
        self.assertEqual(self.holders(), {"bob", "dora"})
        self.file.refresh_from_db()
        self.assertEqual(self.file.counselor, self.bob)
        self.assertEqual(AuditEntry.objects.filter(action=Action.CASE_ASSIGNED).count(), 3)

    def test_it_lets_an_assigned_counselor_work_the_case(self) -> None:
        self.log_in(self.charlie)
        self.assign(self.bob.pk)
        bob = Client()
        self.log_in(self.bob, bob)
        self.assertEqual(bob.get(reverse("cases:mine")).context["rows"][0]["file"], self.file)
        page = bob.get(reverse("cases:case", args=[self.case.pk]))
        self.assertContains(page, "canary-story-7f3a")
        self.assertNotContains(page, reverse("cases:assign", args=[self.case.pk]))
        bob.post(reverse("cases:note", args=[self.case.pk]), {"note": "called him"})
        note = Note.objects.get()
        self.assertNotIn(b"called him", bytes(note.body or b""))
        bob.post(
            reverse("cases:stage", args=[self.case.pk]),
            {"case_type": "mobilized", "stage": "counselling"},
        )
        self.file.refresh_from_db()
        self.assertEqual(self.file.stage, "counselling")
        self.assertEqual(StageChange.objects.get().by, self.bob)
        self.assertContains(bob.get(reverse("cases:case", args=[self.case.pk])), "called him")

    def test_it_refuses_an_impossible_stage_and_keeps_the_choice(self) -> None:
        self.log_in(self.charlie)
        response = self.client.post(
            reverse("cases:stage", args=[self.case.pk]),
            {"case_type": "relative", "stage": "in_transit"},
        )
        self.assertContains(response, "не может перейти")
        self.file.refresh_from_db()
        self.assertEqual(self.file.stage, "new")

    def test_it_lists_overdue_tasks_per_counselor(self) -> None:
        self.log_in(self.charlie)
        self.client.post(
            reverse("cases:task", args=[self.case.pk]),
            {"text": "call the lawyer", "due_date": str(timezone.localdate())},
        )
        task = Task.objects.get()
        self.assertNotIn(b"call the lawyer", bytes(task.text or b""))
        Task.objects.filter(pk=task.pk).update(due_date=timezone.localdate() - timedelta(days=2))
        self.assertEqual(len(self.get("cases:overdue").context["tasks"]), 1)
        self.client.post(reverse("cases:task_done", args=[self.case.pk, task.pk]))
        self.assertEqual(len(self.get("cases:overdue").context["tasks"]), 0)

    def test_it_tells_the_assignee_once_that_a_task_is_due(self) -> None:
        self.log_in(self.charlie)
        tomorrow = timezone.localdate() + timedelta(days=1)
        self.client.post(
            reverse("cases:task", args=[self.case.pk]),
            {"text": "call the lawyer", "due_date": str(tomorrow)},
        )
        task = Task.objects.get()
        self.assertEqual(notify_due_tasks(), 0)  # not due yet
        self.assertEqual(notify_due_tasks(tomorrow), 1)
        self.assertEqual(notify_due_tasks(tomorrow + timedelta(days=3)), 0)  # once
        [notice] = Notice.objects.filter(kind="task_due")
        self.assertEqual(notice.recipient_id, task.assignee_id)
        self.assertEqual(notice.path, f"/staff/cases/{self.case.pk}/")
        # A task done before it falls due is never announced.
        self.client.post(
            reverse("cases:task", args=[self.case.pk]),
            {"text": "book the hearing", "due_date": str(tomorrow)},
        )
        done = Task.objects.get(noticed_at__isnull=True)
        self.client.post(reverse("cases:task_done", args=[self.case.pk, done.pk]))
        self.assertEqual(notify_due_tasks(tomorrow), 0)

    def test_it_refuses_a_task_due_in_the_past_and_keeps_its_text(self) -> None:
        self.log_in(self.charlie)
        response = self.client.post(
            reverse("cases:task", args=[self.case.pk]),
            {"text": "call the lawyer", "due_date": "2020-01-01"},
        )
        self.assertContains(response, "call the lawyer")
        self.assertFalse(Task.objects.exists())

    def test_it_raises_urgency_with_the_detained_flag(self) -> None:
        self.log_in(self.charlie)
        before = self.get("cases:case", self.case.pk).context["urgency"]["urgency"].score
        self.client.post(reverse("cases:detained", args=[self.case.pk]), {"detained": "1"})
        after = self.get("cases:case", self.case.pk).context["urgency"]["urgency"]
        self.assertGreater(after.score, before)
        self.assertEqual(after.level, "critical")
        self.assertTrue(AuditEntry.objects.filter(action=Action.CASE_DETAINED_FLAG).exists())
