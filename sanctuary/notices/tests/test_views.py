"""A person's notices page and settings: his own only, 404 alike for missing and not-his."""

from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases.models import Case, CaseFile, CheckIn
from sanctuary.cases.services import raise_missed_check_in_alarms
from sanctuary.intake.tests.helpers import submit
from sanctuary.notices.models import Kind, Mode, Notice, NoticeChannel, NoticePreference
from sanctuary.notices.services import address_of
from sanctuary.notices.tests.helpers import add_email, seeker_writes
from sanctuary.test import BaseTestCase, make_staff


class SettingsTestCase(BaseTestCase):
    def test_it_adds_an_email_channel_sealed_and_audited(self) -> None:
        self.log_in(self.bob)
        response = self.client.post(
            reverse("notices:add_channel"), {"type": "email", "address": "bob@example.org"}
        )
        self.assertRedirects(response, reverse("notices:settings"))
        channel = NoticeChannel.objects.get(user=self.bob)
        self.assertEqual(address_of(channel), "bob@example.org")
        entry = AuditEntry.objects.get(action=Action.NOTICE_CHANNEL_ADDED)
        self.assertEqual(entry.details, {"type": "email"})
        self.assertContains(self.client.get(reverse("notices:settings")), "bob@example.org")

    def test_it_shows_a_webhook_secret_once(self) -> None:
        self.log_in(self.bob)
        response = self.client.post(
            reverse("notices:add_channel"),
            {"type": "webhook", "address": "https://push.example.org/topic"},
            follow=True,
        )
        self.assertContains(response, "X-Sanctuary-Signature")
        again = self.client.get(reverse("notices:settings"))
        self.assertNotContains(again, "X-Sanctuary-Signature")

    def test_it_refuses_a_bad_address(self) -> None:
        self.log_in(self.bob)
        for data in (
            {"type": "email", "address": "not an address"},
            {"type": "webhook", "address": "ftp://push.example.org/"},
            {"type": "webhook", "address": "javascript:alert(1)"},
        ):
            response = self.client.post(reverse("notices:add_channel"), data)
            self.assertEqual(response.status_code, 200)
        self.assertFalse(NoticeChannel.objects.exists())

    def test_it_removes_only_my_own_channel(self) -> None:
        mine = add_email(self.bob, "bob@example.org")
        theirs = add_email(self.charlie, "charlie@example.org")
        self.log_in(self.bob)
        response = self.client.post(reverse("notices:remove_channel", args=[theirs.pk]))
        self.assertEqual(response.status_code, 404)
        response = self.client.post(reverse("notices:remove_channel", args=[99999]))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(NoticeChannel.objects.filter(pk=theirs.pk).exists())
        response = self.client.post(reverse("notices:remove_channel", args=[mine.pk]))
        self.assertRedirects(response, reverse("notices:settings"))
        self.assertFalse(NoticeChannel.objects.filter(pk=mine.pk).exists())

    def test_it_does_not_show_another_persons_addresses(self) -> None:
        add_email(self.charlie, "charlie-secret@example.org")
        self.log_in(self.bob)
        self.assertNotContains(self.client.get(reverse("notices:settings")), "charlie-secret")

    def test_it_saves_a_mode_per_kind(self) -> None:
        self.log_in(self.bob)
        data = {kind.value: Mode.IMMEDIATE.value for kind in Kind}
        data[Kind.SEEKER_MESSAGE.value] = Mode.DAILY.value
        response = self.client.post(reverse("notices:settings"), data)
        self.assertRedirects(response, reverse("notices:settings"))
        self.assertEqual(
            NoticePreference.objects.get(user=self.bob, kind=Kind.SEEKER_MESSAGE).mode, Mode.DAILY
        )
        self.assertTrue(AuditEntry.objects.filter(action=Action.NOTICE_PREFERENCES_SAVED).exists())

    def test_it_needs_a_signed_in_person(self) -> None:
        for name in ("notices:list", "notices:settings"):
            response = Client().get(reverse(name))
            self.assertEqual(response.status_code, 302)


class NoticesPageTestCase(BaseTestCase):
    def test_it_lists_only_my_notices_with_their_links(self) -> None:
        submit(Client())
        case = Case.objects.get()
        self.log_in(self.bob)
        page = self.client.get(reverse("notices:list"))
        self.assertNotContains(page, str(case.pk))
        self.assertContains(page, "Уведомлений пока нет")
        charlie = Client()
        self.log_in(self.charlie, charlie)
        page = charlie.get(reverse("notices:list"))
        self.assertContains(page, f'href="/ru/staff/cases/{case.pk}/"')
        self.assertContains(page, "Новое дело ждёт разбора")

    def test_it_highlights_what_could_not_be_delivered(self) -> None:
        add_email(self.charlie, "charlie@example.org")
        submit(Client())
        Notice.objects.update(attempts=2, last_error="ConnectionRefusedError")
        self.log_in(self.charlie)
        page = self.client.get(reverse("notices:list"))
        self.assertContains(page, 'class="undelivered"')
        self.assertContains(page, "Не доставлено после 2 попыток (ConnectionRefusedError)")


class EventsTestCase(BaseTestCase):
    """Who hears of what: coordinators of new cases, the counselor of his seeker's messages,
    both of emergencies; never the person who raised it himself."""

    def setUp(self) -> None:
        super().setUp()
        self.dora = make_staff("dora", Role.COORDINATOR)
        self.seeker = Client()
        submit(self.seeker)
        self.case = Case.objects.get()
        self.log_in(self.charlie)
        self.client.post(reverse("cases:assign", args=[self.case.pk]), {"counselor": self.bob.pk})
        Notice.objects.all().delete()

    def recipients(self, kind: Kind) -> set[str]:
        return set(Notice.objects.filter(kind=kind).values_list("recipient__username", flat=True))

    def test_it_tells_every_coordinator_of_a_new_case(self) -> None:
        submit(Client())
        self.assertEqual(self.recipients(Kind.NEW_CASE), {"charlie", "dora"})

    def test_it_tells_the_counselor_his_seeker_wrote(self) -> None:
        seeker_writes(self.seeker, "hello")
        self.assertEqual(self.recipients(Kind.SEEKER_MESSAGE), {"bob"})

    def test_it_tells_nobody_of_a_message_in_an_unassigned_case(self) -> None:
        CaseFile.objects.update(counselor=None)
        seeker_writes(self.seeker, "hello")
        self.assertEqual(self.recipients(Kind.SEEKER_MESSAGE), set())

    def test_it_tells_the_counselor_and_coordinators_of_a_missed_check_in(self) -> None:
        self.client.post(
            reverse("cases:check_in", args=[self.case.pk]),
            {"label": "crossed", "due_at": "2099-01-01T10:00"},
        )
        CheckIn.objects.update(due_at="2000-01-01T00:00Z")
        raise_missed_check_in_alarms()
        raise_missed_check_in_alarms()  # alarmed once, so told once
        self.assertEqual(self.recipients(Kind.MISSED_CHECK_IN), {"bob", "charlie", "dora"})
        self.assertEqual(Notice.objects.count(), 3)

    def test_it_tells_the_others_when_a_case_is_flagged_detained(self) -> None:
        self.client.post(reverse("cases:detained", args=[self.case.pk]), {"detained": "1"})
        self.assertTrue(CaseFile.objects.get().detained)
        self.assertEqual(self.recipients(Kind.DETAINED), {"bob", "dora"})
        self.client.post(reverse("cases:detained", args=[self.case.pk]), {"detained": "0"})
        self.assertEqual(Notice.objects.count(), 2)  # clearing the flag tells nobody
