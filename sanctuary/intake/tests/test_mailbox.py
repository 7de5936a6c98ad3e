import itertools
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanctuary.cases import services
from sanctuary.cases.models import Attachment, Case, Message
from sanctuary.intake.models import SeekerSession
from sanctuary.intake.seeker import cookie_name
from sanctuary.intake.tests.helpers import codename_in, submit, token_in
from sanctuary.intake.tests.test_scrub import (
    GPS_LATITUDE,
    JPEG_CANARIES,
    JPEG_SCAN,
    _jpeg_with_metadata,
)
from sanctuary.keyring.services import keychain_for, open_staff_secret
from sanctuary.test import PASSWORD, BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse


class MailboxTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.codename = codename_in(submit(self.client).content.decode())
        self.case = Case.objects.get()

    def reply_as_charlie(self, body: str) -> None:
        keypair = open_staff_secret(self.charlie, PASSWORD)
        assert keypair is not None
        services.do_staff_reply(self.case, body=body, keychain=keychain_for(self.charlie, keypair))

    def sign_in(self, client: Client, codename: str, **extra: Any) -> "_MonkeyPatchedWSGIResponse":
        page = client.get(reverse("intake:sign_in")).content.decode()
        return client.post(
            reverse("intake:sign_in"), {"codename": codename, "form_token": token_in(page)}, **extra
        )

    def test_it_shows_the_counselors_reply(self) -> None:
        self.reply_as_charlie("We can help. Do not go to the enlistment office.")
        response = self.client.get(reverse("intake:mailbox"))
        self.assertContains(response, "Do not go to the enlistment office.")

    def test_it_opens_with_the_codename_however_typed(self) -> None:
        other = Client()
        typed = "  " + self.codename.upper().replace(" ", "-") + " "
        response = self.sign_in(other, typed)
        self.assertRedirects(response, reverse("intake:mailbox"))
        # The redirect is exactly the mailbox (above): no codename word pair rides along in it.
        for pair in itertools.pairwise(self.codename.split()):
            self.assertNotIn("-".join(pair), response["Location"].lower())
        self.assertEqual(other.get(reverse("intake:mailbox")).status_code, 200)

    def test_it_refuses_a_wrong_codename_and_throttles_guesses(self) -> None:
        other = Client()
        words = self.codename.split()
        wrong = " ".join([*words[:-1], words[0]])
        with (
            self.settings(INTAKE_CODENAME_FAILURES=1),
            time_machine.travel(timezone.now(), tick=False),
        ):
            response = self.sign_in(other, wrong, REMOTE_ADDR="203.0.113.9")
            self.assertContains(response, "Ни одно дело не открывается")
            # That address must now wait before its next try is even checked …
            response = self.sign_in(other, self.codename, REMOTE_ADDR="203.0.113.9")
            self.assertContains(response, "Слишком много попыток. Подождите 2 секунды")
            self.assertNotIn(cookie_name(), response.cookies)
            # … and nobody else must.
            response = self.sign_in(Client(), self.codename, REMOTE_ADDR="198.51.100.4")
            self.assertRedirects(response, reverse("intake:mailbox"), fetch_redirect_response=False)

    def test_it_sends_a_message_sealed_under_the_case_key(self) -> None:
        page = self.client.get(reverse("intake:mailbox")).content.decode()
        response = self.client.post(
            reverse("intake:mailbox"),
            {"body": "canary-message-5521 I am at the border", "form_token": token_in(page)},
        )
        # A flag that carries nothing of the message brings the "sent" status line.
        self.assertRedirects(response, reverse("intake:mailbox") + "?sent=1#latest")
        message = Message.objects.get()
        self.assertNotIn(b"canary-message", bytes(message.body or b""))
        sent = self.client.get(response["Location"]).content.decode()
        self.assertIn("I am at the border", sent)
        self.assertIn('<p class="notice" role="status">Ваше сообщение отправлено.', sent)
        # Without the flag there is no status line: the line does not claim a send that was not.
        self.assertNotIn(
            'role="status"', self.client.get(reverse("intake:mailbox")).content.decode()
        )

    @time_machine.travel("2026-12-03T09:41:00Z", tick=False)
    def test_it_shows_times_with_their_time_zone(self) -> None:
        self.reply_as_charlie("We can help.")
        with self.settings(TIME_ZONE="Asia/Almaty"):
            page = self.client.get(reverse("intake:mailbox")).content.decode()
        self.assertIn("03.12.2026 14:41 Asia/Almaty</time>", page)
        page = self.client.get(reverse("intake:mailbox")).content.decode()
        self.assertIn("03.12.2026 09:41 UTC</time>", page)

    def test_it_keeps_the_message_when_the_form_is_wrong(self) -> None:
        page = self.client.get(reverse("intake:mailbox")).content.decode()
        response = self.client.post(
            reverse("intake:mailbox"), {"body": "x" * 10_001, "form_token": token_in(page)}
        )
        self.assertContains(response, "x" * 100)
        self.assertFalse(Message.objects.exists())

    def test_it_refuses_a_token_from_another_session(self) -> None:
        other = Client()
        self.sign_in(other, self.codename)
        page = other.get(reverse("intake:mailbox")).content.decode()
        response = self.client.post(
            reverse("intake:mailbox"), {"body": "hello", "form_token": token_in(page)}
        )
        self.assertEqual(response.status_code, 403)

    def test_it_ends_the_session_after_30_idle_minutes(self) -> None:
        later = timezone.now() + timedelta(minutes=31)
        with time_machine.travel(later):
            response = self.client.get(reverse("intake:mailbox"))
        self.assertRedirects(response, reverse("intake:sign_in"))
        self.assertFalse(SeekerSession.objects.exists())

    def test_it_clears_the_browser_when_he_leaves(self) -> None:
        page = self.client.get(reverse("intake:mailbox")).content.decode()
        tokens = [m for m in page.split('name="form_token" value="')[1:]]
        leave_token = tokens[-1].split('"')[0]
        response = self.client.post(reverse("intake:leave"), {"form_token": leave_token})
        self.assertEqual(response["Clear-Site-Data"], '"cache", "cookies", "storage"')
        self.assertEqual(response.cookies[cookie_name()].value, "")
        self.assertFalse(SeekerSession.objects.exists())
        self.assertRedirects(self.client.get(reverse("intake:mailbox")), reverse("intake:sign_in"))

    def test_it_quick_exits_in_one_tap_and_a_kept_cookie_opens_nothing(self) -> None:
        self.reply_as_charlie("Do not go to the enlistment office.")
        kept = self.client.cookies[cookie_name()].value
        # The control: the kept cookie opens the mailbox before the exit.
        replay = Client()
        replay.cookies[cookie_name()] = kept
        self.assertContains(replay.get(reverse("intake:mailbox")), "enlistment office")
        mailbox = self.client.get(reverse("intake:mailbox")).content.decode()
        exit_link = f'href="{reverse("intake:exit")}"'
        self.assertLess(mailbox.index(exit_link), mailbox.index("<main"))
        with self.settings(QUICK_EXIT_URL="https://neutral.example/"):
            response = self.client.get(reverse("intake:exit"))
        self.assertRedirects(response, "https://neutral.example/", fetch_redirect_response=False)
        self.assertEqual(response["Clear-Site-Data"], '"cache", "cookies", "storage"')
        self.assertEqual(response.cookies[cookie_name()].value, "")
        self.assertFalse(SeekerSession.objects.exists())
        # The same cookie, kept by a browser that ignored the deletion, opens nothing now.
        self.assertRedirects(replay.get(reverse("intake:mailbox")), reverse("intake:sign_in"))

    def test_it_quick_exits_without_a_session_too(self) -> None:
        response = Client().get(reverse("intake:exit"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Clear-Site-Data"], '"cache", "cookies", "storage"')
        self.assertTrue(SeekerSession.objects.exists())  # nobody else's session ends

    def test_it_updates_his_situation_keeping_what_he_typed(self) -> None:
        page = self.client.get(reverse("intake:update")).content.decode()
        self.assertIn("canary-story-7f3a", page)
        self.assertIn('value="canary-handle-91bd"', page)

    def test_it_deletes_the_case_for_ever(self) -> None:
        self.reply_as_charlie("a reply")
        page = self.client.get(reverse("intake:delete")).content.decode()
        self.assertIn("окончательно", page)
        response = self.client.post(reverse("intake:delete"), {"form_token": token_in(page)})
        self.assertEqual(response["Clear-Site-Data"], '"cache", "cookies", "storage"')
        self.assertFalse(Case.objects.exists())
        self.assertFalse(Message.objects.exists())
        response = self.sign_in(Client(), self.codename)
        self.assertContains(response, "Ни одно дело не открывается")


class AttachmentTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.codename = codename_in(submit(self.client).content.decode())

    def send_photo(
        self, client: Client, content: bytes, name: str = "IMG_2044.jpg"
    ) -> "_MonkeyPatchedWSGIResponse":
        page = client.get(reverse("intake:mailbox")).content.decode()
        upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
        return client.post(
            reverse("intake:mailbox"),
            {"body": "my summons", "attachments": [upload], "form_token": token_in(page)},
        )

    def test_it_strips_the_gps_position_from_a_photo_before_sealing_it(self) -> None:
        photo = _jpeg_with_metadata()
        self.assertIn(GPS_LATITUDE, photo)
        self.send_photo(self.client, photo)
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.media_type, "image/jpeg")
        stored = bytes(attachment.content or b"")
        for canary in JPEG_CANARIES:
            self.assertNotIn(canary, stored)
        response = self.client.get(reverse("intake:attachment", args=[attachment.pk]))
        self.assertEqual(response["Content-Disposition"], "attachment")
        for canary in (*JPEG_CANARIES, b"Exif"):
            self.assertNotIn(canary, response.content)
        self.assertTrue(response.content.endswith(JPEG_SCAN))
        self.assertContains(self.client.get(reverse("intake:mailbox")), "IMG_2044.jpg")

    def test_it_refuses_another_file_type_and_keeps_the_message(self) -> None:
        response = self.send_photo(self.client, b"MZ\x90\x00 not a photo", "tool.exe")
        self.assertContains(response, "tool.exe: не является файлом JPEG, PNG или PDF")
        self.assertContains(response, "my summons")
        self.assertFalse(Attachment.objects.exists())

    def test_it_hides_a_file_from_other_seekers(self) -> None:
        self.send_photo(self.client, _jpeg_with_metadata())
        attachment = Attachment.objects.get()
        other = Client()
        submit(other)
        response = other.get(reverse("intake:attachment", args=[attachment.pk]))
        self.assertEqual(response.status_code, 404)
        anonymous = Client().get(reverse("intake:attachment", args=[attachment.pk]))
        self.assertEqual(anonymous.status_code, 404)
