import datetime as dt
from io import StringIO
from typing import Any

import time_machine
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases import tasks
from sanctuary.cases.models import Case, CaseFile, CheckIn, ClosedCaseStat, Message, Note
from sanctuary.intake.tests.helpers import submit, token_in
from sanctuary.keyring.models import SealedKey
from sanctuary.test import BaseTestCase, make_staff

START = dt.datetime(2026, 12, 10, 17, 50, tzinfo=dt.UTC)


def at(hour: int, minute: int) -> dt.datetime:
    return START.replace(hour=hour, minute=minute)


def run(task: object) -> object:
    """Enqueues through django-tasks (the immediate backend in tests) and returns the value."""
    result = task.enqueue()  # type: ignore[attr-defined]
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    return result.return_value


class CheckInTestCase(BaseTestCase):
    """Bob counsels the case of a man in transit; Charlie coordinates. The clock stands still
    at 17:50 on the day he is to cross the border by 18:00."""

    def setUp(self) -> None:
        traveller = time_machine.travel(START, tick=False)
        self.clock = traveller.start()
        self.addCleanup(traveller.stop)
        super().setUp()
        self.seeker = Client()
        submit(self.seeker)
        self.case = Case.objects.get()
        self.log_in(self.charlie)
        self.client.post(reverse("cases:assign", args=[self.case.pk]), {"counselor": self.bob.pk})
        self.bob_client = Client()
        self.log_in(self.bob, self.bob_client)
        self.bob_client.post(
            reverse("cases:check_in", args=[self.case.pk]),
            {"label": "cross the border by 18:00", "due_at": "2026-12-10T18:00"},
        )
        self.check_in = CheckIn.objects.get()

    def file(self) -> CaseFile:
        return CaseFile.objects.get(pk=self.case.pk)

    def confirm(self, client: Client, check_in: CheckIn) -> Any:
        page = client.get(reverse("intake:mailbox")).content.decode()
        token = token_in(page.split('class="check-ins"', 1)[-1])
        return client.post(reverse("intake:check_in", args=[check_in.pk]), {"form_token": token})

    def test_it_encrypts_the_label_and_shows_it_to_both_sides(self) -> None:
        self.assertEqual(self.check_in.due_at, at(18, 0))
        self.assertNotIn(b"cross the border", bytes(self.check_in.label or b""))
        page = self.bob_client.get(reverse("cases:case", args=[self.case.pk]))
        self.assertContains(page, "cross the border by 18:00")
        self.assertContains(self.seeker.get(reverse("intake:mailbox")), "cross the border")

    def test_it_refuses_a_check_in_in_the_past(self) -> None:
        response = self.bob_client.post(
            reverse("cases:check_in", args=[self.case.pk]),
            {"label": "too late", "due_at": "2026-12-10T17:00"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(CheckIn.objects.count(), 1)

    def test_it_raises_the_alarm_once_when_a_check_in_is_missed(self) -> None:
        submit(Client(), status="deserter", left_unit="2026-12-01", summons="", summons_date="")
        self.clock.move_to(at(17, 59))
        self.assertEqual(run(tasks.raise_missed_checkin_alarms), 0)
        self.assertIsNone(self.file().alarm_at)

        self.clock.move_to(at(18, 1))
        self.assertEqual(run(tasks.raise_missed_checkin_alarms), 1)
        self.assertEqual(run(tasks.raise_missed_checkin_alarms), 0)
        self.assertEqual(self.file().alarm_at, at(18, 1))
        missed = AuditEntry.objects.filter(action=Action.CHECKIN_MISSED)
        self.assertEqual(missed.count(), 1)
        self.assertEqual(missed.get().object_id, str(self.case.pk))

        triage = self.get("cases:triage")
        rows = triage.context["rows"]
        self.assertEqual(len(rows), 2)  # the alarmed case is in the queue though Bob holds it
        self.assertEqual(rows[0]["file"].pk, self.case.pk)
        self.assertGreater(rows[0]["urgency"].score, rows[1]["urgency"].score)
        self.assertContains(triage, 'class="alarm"')
        mine = self.bob_client.get(reverse("cases:mine"))
        self.assertEqual(mine.context["rows"][0]["alarm"], at(18, 1))
        self.assertContains(mine, 'class="alarm"')
        self.assertContains(mine, "alarm-row")

    def test_it_raises_nothing_when_he_confirms_in_time(self) -> None:
        self.clock.move_to(at(17, 55))
        response = self.confirm(self.seeker, self.check_in)
        self.assertRedirects(response, reverse("intake:mailbox"), fetch_redirect_response=False)
        self.check_in.refresh_from_db()
        self.assertEqual(self.check_in.confirmed_at, at(17, 55))
        self.assertNotContains(self.seeker.get(reverse("intake:mailbox")), "cross the border")
        self.clock.move_to(at(18, 1))
        self.assertEqual(run(tasks.raise_missed_checkin_alarms), 0)
        self.assertIsNone(self.file().alarm_at)
        self.assertFalse(AuditEntry.objects.filter(action=Action.CHECKIN_MISSED).exists())
        self.assertTrue(AuditEntry.objects.filter(action=Action.CHECKIN_CONFIRMED).exists())

    def test_it_lowers_the_alarm_when_he_confirms_late(self) -> None:
        self.clock.move_to(at(18, 5))
        run(tasks.raise_missed_checkin_alarms)
        self.assertIsNotNone(self.file().alarm_at)
        self.confirm(self.seeker, self.check_in)
        self.assertIsNone(self.file().alarm_at)

    def test_it_refuses_a_confirmation_from_another_case_or_another_site(self) -> None:
        other = Client()
        submit(other)
        other_case = Case.objects.exclude(pk=self.case.pk).get()
        self.client.post(  # his own check-in, so his mailbox carries a check-in token
            reverse("cases:check_in", args=[other_case.pk]),
            {"label": "his own", "due_at": "2026-12-10T19:00"},
        )
        self.assertEqual(self.confirm(other, self.check_in).status_code, 404)
        forged = self.seeker.post(
            reverse("intake:check_in", args=[self.check_in.pk]), {"form_token": "forged"}
        )
        self.assertEqual(forged.status_code, 403)
        self.check_in.refresh_from_db()
        self.assertIsNone(self.check_in.confirmed_at)

    def test_it_lets_only_holders_of_the_case_set_check_ins(self) -> None:
        dora = make_staff("dora", Role.COUNSELOR)
        client = Client()
        self.log_in(dora, client)
        response = client.post(
            reverse("cases:check_in", args=[self.case.pk]),
            {"label": "x", "due_at": "2026-12-11T18:00"},
        )
        self.assertEqual(response.status_code, 404)


class RetentionTestCase(BaseTestCase):
    def setUp(self) -> None:
        traveller = time_machine.travel(START, tick=False)
        self.clock = traveller.start()
        self.addCleanup(traveller.stop)
        super().setUp()
        submit(Client())
        self.case = Case.objects.get()
        self.log_in(self.charlie)
        self.client.post(reverse("cases:note", args=[self.case.pk]), {"note": "called him"})

    def move(self, stage: str) -> None:
        response = self.client.post(
            reverse("cases:stage", args=[self.case.pk]),
            {"case_type": "mobilized", "stage": stage},
        )
        self.assertEqual(response.status_code, 302)

    def file(self) -> CaseFile:
        return CaseFile.objects.get(pk=self.case.pk)

    def test_it_sets_the_retention_date_on_closing_and_clears_it_on_reopening(self) -> None:
        self.move("counselling")
        self.assertIsNone(self.file().retention_until)
        self.move("closed")
        self.assertEqual(self.file().retention_until, START + dt.timedelta(days=90))
        self.move("counselling")
        self.assertIsNone(self.file().retention_until)
        with override_settings(CASE_RETENTION_DAYS=30):
            self.move("closed")
        self.assertEqual(self.file().retention_until, START + dt.timedelta(days=30))

    def test_it_purges_a_closed_case_after_its_date_keeping_only_statistics(self) -> None:
        self.move("counselling")
        self.move("closed")
        self.clock.move_to(START + dt.timedelta(days=89))
        self.assertEqual(run(tasks.purge_expired_cases), 0)
        self.assertTrue(Case.objects.filter(pk=self.case.pk).exists())

        self.clock.move_to(START + dt.timedelta(days=91))
        self.assertEqual(run(tasks.purge_expired_cases), 1)
        self.assertFalse(Case.objects.filter(pk=self.case.pk).exists())
        self.assertFalse(CaseFile.objects.exists())
        self.assertFalse(Note.objects.exists())
        self.assertFalse(Message.objects.exists())
        self.assertFalse(SealedKey.objects.filter(record_id=str(self.case.pk)).exists())
        stat = ClosedCaseStat.objects.get()
        self.assertEqual(
            (stat.case_type, stat.country, stat.stage_reached, stat.month),
            ("mobilized", "RU", "counselling", dt.date(2026, 12, 1)),
        )
        fields = {f.name for f in ClosedCaseStat._meta.concrete_fields}
        self.assertEqual(fields, {"id", "case_type", "country", "stage_reached", "month"})
        purged = AuditEntry.objects.get(action=Action.CASE_PURGED)
        self.assertEqual((purged.object_id, purged.details), (str(self.case.pk), {}))
        self.assertTrue(AuditEntry.objects.filter(action=Action.RECORD_SHREDDED).exists())
        self.assertEqual(run(tasks.purge_expired_cases), 0)

    def test_it_keeps_a_case_reopened_before_its_date(self) -> None:
        self.move("closed")
        self.clock.move_to(START + dt.timedelta(days=60))
        self.log_in(self.charlie)
        self.move("counselling")
        self.clock.move_to(START + dt.timedelta(days=200))
        self.assertEqual(run(tasks.purge_expired_cases), 0)
        self.assertTrue(Case.objects.filter(pk=self.case.pk).exists())
        self.assertFalse(ClosedCaseStat.objects.exists())


class CaseworkTickTestCase(BaseTestCase):
    def test_it_enqueues_every_periodic_task_for_the_database_worker(self) -> None:
        backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with override_settings(TASKS=backend):
            call_command("casework_tick", stdout=StringIO())
        paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
        self.assertEqual(
            paths,
            {
                "sanctuary.cases.tasks.raise_missed_checkin_alarms",
                "sanctuary.cases.tasks.purge_expired_cases",
                "sanctuary.cases.tasks.notify_due_tasks",
                "sanctuary.referrals.tasks.expire_referrals",
                "sanctuary.notices.tasks.deliver_notices",
                "sanctuary.stats.tasks.draft_monthly_release",
            },
        )
        self.assertEqual(set(DBTaskResult.objects.values_list("status", flat=True)), {"READY"})
