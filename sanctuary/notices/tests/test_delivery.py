"""The outbox: notices queued in the event's transaction, sent only by the worker through a
real SMTP server, retried with backoff while it is down, each delivered once."""

import datetime as dt
import re
import uuid
from unittest import mock

import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from sanctuary.cases.models import Case
from sanctuary.intake.tests.helpers import submit
from sanctuary.notices import delivery
from sanctuary.notices.models import Kind, Mode, Notice
from sanctuary.notices.services import do_notify, do_save_modes
from sanctuary.notices.tests.helpers import add_email
from sanctuary.notices.tests.servers import SMTPServer, text_of
from sanctuary.test import BaseTestCase

CASE_LINK = re.compile(r"http://\S+/staff/cases/[0-9a-f-]+/")
START = dt.datetime(2026, 12, 10, 10, 20, tzinfo=dt.UTC)


class OutboxTestCase(BaseTestCase):
    def setUp(self) -> None:
        traveller = time_machine.travel(START, tick=False)
        self.clock = traveller.start()
        self.addCleanup(traveller.stop)
        super().setUp()
        self.smtp = SMTPServer()
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        overrides = override_settings(**self.smtp.settings())
        overrides.enable()
        self.addCleanup(overrides.disable)
        add_email(self.charlie, "charlie@example.org")

    def test_it_queues_a_notice_in_the_event_and_sends_it_only_from_the_worker(self) -> None:
        submit(Client())
        case = Case.objects.get()
        notice = Notice.objects.get()
        self.assertEqual(
            (notice.recipient, notice.kind, notice.path),
            (self.charlie, Kind.NEW_CASE, f"/staff/cases/{case.pk}/"),
        )
        self.assertEqual(self.smtp.inbox, [])  # the page sent nothing
        self.assertEqual(delivery.deliver_due(), 1)
        [message] = self.smtp.messages()
        self.assertEqual(message["To"], "charlie@example.org")
        self.assertIn(f"http://127.0.0.1:8000/ru/staff/cases/{case.pk}/", text_of(message))
        self.assertIn("Новое дело ждёт разбора", text_of(message))
        notice.refresh_from_db()
        self.assertEqual((notice.sent_at, notice.attempts), (START, 1))

    def test_it_writes_in_the_site_language(self) -> None:
        with override_settings(LANGUAGE_CODE="uk"):
            submit(Client())
            delivery.deliver_due()
        self.assertIn("/uk/staff/cases/", text_of(self.smtp.messages()[0]))
        self.assertIn("Нова справа чекає на розбір", text_of(self.smtp.messages()[0]))

    def test_it_keeps_every_notice_while_the_server_is_down_and_sends_each_once(self) -> None:
        self.smtp.stop()
        for _ in range(3):
            submit(Client())
        self.assertEqual(delivery.deliver_due(), 0)
        first = list(Notice.objects.all())
        # After one failure the run leaves the rest of the e-mail for the next run.
        self.assertEqual(sorted(n.attempts for n in first), [0, 0, 1])
        failed = next(n for n in first if n.attempts)
        self.assertEqual(failed.next_attempt_at, START + dt.timedelta(seconds=60))
        self.assertEqual(failed.last_error, "ConnectionRefusedError")
        self.assertIsNone(failed.claim)
        for minutes in (2, 5, 12):  # 1, 2 and 4 minutes of backoff, still down
            self.clock.move_to(START + dt.timedelta(minutes=minutes))
            delivery.deliver_due()
            delivery.deliver_due()
        self.assertEqual(Notice.objects.filter(sent_at__isnull=True).count(), 3)
        attempts = sorted(Notice.objects.values_list("attempts", flat=True))
        self.assertTrue(all(a >= 1 for a in attempts), attempts)
        self.log_in(self.charlie)
        page = self.client.get(reverse("notices:list"))
        self.assertContains(page, 'class="undelivered"', count=3)
        self.smtp.start()
        self.clock.move_to(START + dt.timedelta(hours=7))  # past the longest backoff
        self.assertEqual(delivery.deliver_due(), 3)
        self.assertEqual(delivery.deliver_due(), 0)
        links = [link for m in self.smtp.messages() for link in CASE_LINK.findall(text_of(m))]
        expected = sorted(
            f"http://127.0.0.1:8000/ru/staff/cases/{pk}/"
            for pk in Case.objects.values_list("pk", flat=True)
        )
        self.assertEqual(sorted(links), expected)  # each case once, none twice
        self.assertFalse(Notice.objects.filter(sent_at__isnull=True).exists())
        self.log_in(self.charlie)  # the session idled out meanwhile
        page = self.client.get(reverse("notices:list"))
        self.assertNotContains(page, 'class="undelivered"')

    def test_it_backs_off_exponentially(self) -> None:
        self.smtp.stop()
        submit(Client())
        waits = []
        for _ in range(4):
            notice = Notice.objects.get()
            self.clock.move_to(notice.next_attempt_at)
            now = notice.next_attempt_at
            delivery.deliver_due()
            self.clock.move_to(now + dt.timedelta(seconds=1))
            self.assertEqual(delivery.deliver_due(), 0)  # not yet due again
            notice.refresh_from_db()
            waits.append((notice.next_attempt_at - now).total_seconds())
        self.assertEqual(waits, [60, 120, 240, 480])

    def test_it_never_sends_a_claimed_notice_twice(self) -> None:
        submit(Client())
        submit(Client())
        real_send = delivery.send_email
        nested: list[int] = []
        started: list[bool] = []

        def send_while_another_worker_runs(*args: object) -> None:
            # A second worker runs over the same rows while the first is mid-send.
            if not started:
                started.append(True)
                nested.append(delivery.deliver_due())
            real_send(*args)  # type: ignore[arg-type]

        with mock.patch.object(delivery, "send_email", send_while_another_worker_runs):
            first = delivery.deliver_due()
        # The second worker sent only the notice the first had not claimed yet.
        self.assertEqual((first, nested), (1, [1]))
        self.assertEqual(len(self.smtp.inbox), 2)
        self.assertEqual(delivery.deliver_due(), 0)
        self.assertEqual(len(self.smtp.inbox), 2)

    def test_it_claims_a_row_once_until_the_claim_expires(self) -> None:
        submit(Client())
        notice = Notice.objects.get()
        a, b = uuid.uuid4(), uuid.uuid4()
        self.assertTrue(delivery.claim(notice.pk, a, START))
        self.assertFalse(delivery.claim(notice.pk, b, START))
        self.assertEqual(delivery.deliver_due(), 0)  # held by a
        later = START + delivery.LEASE + dt.timedelta(seconds=1)
        self.assertTrue(delivery.claim(notice.pk, b, later))  # a died: its claim lapsed

    def test_it_sends_nothing_for_a_kind_turned_off(self) -> None:
        do_save_modes(self.charlie, {Kind.NEW_CASE.value: Mode.OFF.value})
        submit(Client())
        self.assertFalse(Notice.objects.exists())

    def test_it_keeps_a_notice_without_a_channel_on_the_page(self) -> None:
        submit(Client())
        Notice.objects.all().delete()
        self.charlie.notice_channels.all().delete()
        submit(Client())
        notice = Notice.objects.get()
        self.assertIsNone(notice.channel)
        self.assertEqual(delivery.deliver_due(), 0)
        self.log_in(self.charlie)
        self.assertContains(self.client.get(reverse("notices:list")), 'class="undelivered"')

    def test_it_gathers_an_hourly_digest_into_one_message(self) -> None:
        do_save_modes(self.charlie, {Kind.NEW_CASE.value: Mode.HOURLY.value})
        for _ in range(3):
            submit(Client())
        self.assertEqual(delivery.deliver_due(), 0)
        self.clock.move_to(START.replace(minute=59))
        self.assertEqual(delivery.deliver_due(), 0)
        self.clock.move_to(START.replace(hour=11, minute=0))
        self.assertEqual(delivery.deliver_due(), 3)
        [message] = self.smtp.messages()
        text = text_of(message)
        self.assertIn("Sanctuary: 3 уведомления", text)
        self.assertIn("Новое дело ждёт разбора: 3", text)
        for pk in Case.objects.values_list("pk", flat=True):
            self.assertEqual(text.count(f"/ru/staff/cases/{pk}/"), 1)

    def test_it_sends_a_daily_digest_at_its_hour(self) -> None:
        do_save_modes(self.charlie, {Kind.NEW_CASE.value: Mode.DAILY.value})
        submit(Client())
        self.clock.move_to(START.replace(hour=23))
        self.assertEqual(delivery.deliver_due(), 0)
        self.clock.move_to(START.replace(day=11, hour=8))
        self.assertEqual(delivery.deliver_due(), 1)

    def test_it_goes_out_with_the_casework_tick(self) -> None:
        from django.core.management import call_command

        submit(Client())
        call_command("casework_tick", stdout=mock.MagicMock())
        self.assertEqual(len(self.smtp.inbox), 1)

    def test_it_notifies_each_recipient_once_and_not_the_actor(self) -> None:
        queued = do_notify(
            [self.charlie, self.charlie, self.bob, None], Kind.DETAINED, "/ru/x/", exclude=self.bob
        )
        self.assertEqual(queued, 1)
        self.assertEqual(Notice.objects.get().path, "/x/")

    def test_it_blocks_no_page_when_the_mail_server_is_dead(self) -> None:
        self.smtp.stop()
        with mock.patch.object(delivery, "send_email", side_effect=AssertionError("sent")):
            response = submit(Client())
        self.assertEqual(response.status_code, 200)  # the codename page
        self.assertEqual(Notice.objects.count(), 1)
        self.assertEqual(mail.outbox, [])
