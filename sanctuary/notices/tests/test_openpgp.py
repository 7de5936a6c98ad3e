"""E-mail encrypted with OpenPGP: a key made by Debian's gpg for the test, the notice sent
through a real SMTP server, readable only with the recipient's secret key."""

import shutil
import subprocess
import tempfile

import gnupg
import pytest
from django.test import Client, override_settings
from django.urls import reverse

from sanctuary.intake.tests.helpers import submit
from sanctuary.notices import delivery
from sanctuary.notices.models import Notice, NoticeChannel
from sanctuary.notices.services import do_add_channel, public_key_of
from sanctuary.notices.tests.servers import SMTPServer, text_of
from sanctuary.test import BaseTestCase


class Recipient:
    """A person's own gpg home with a fresh key pair (no passphrase)."""

    def __init__(self) -> None:
        if shutil.which("gpg") is None:
            pytest.skip("gpg is missing (apt-get install gnupg)")
        self.home = tempfile.mkdtemp(prefix="gpg-test-")
        self.gpg = gnupg.GPG(gnupghome=self.home)
        self.gpg.encoding = "utf-8"
        subprocess.run(
            [
                "gpg",
                "--homedir",
                self.home,
                "--batch",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
                "--quick-gen-key",
                "Charlie <charlie@example.org>",
                "future-default",
                "default",
                "never",
            ],
            check=True,
            capture_output=True,
        )
        self.public_key = str(self.gpg.export_keys(self.gpg.list_keys()[0]["fingerprint"]))

    def decrypt(self, text: str) -> str:
        result = self.gpg.decrypt(text)
        assert result.ok, result.status
        return str(result)

    def close(self) -> None:
        subprocess.run(
            ["gpgconf", "--homedir", self.home, "--kill", "all"], check=False, capture_output=True
        )
        shutil.rmtree(self.home, ignore_errors=True)


class OpenPGPTestCase(BaseTestCase):
    recipient: Recipient

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.recipient = Recipient()  # one key pair for the class: gpg takes its time
        cls.addClassCleanup(cls.recipient.close)

    def setUp(self) -> None:
        super().setUp()
        self.smtp = SMTPServer()
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        overrides = override_settings(**self.smtp.settings())
        overrides.enable()
        self.addCleanup(overrides.disable)

    def test_it_sends_a_notice_only_the_key_holder_reads(self) -> None:
        do_add_channel(
            self.charlie,
            type=NoticeChannel.Type.OPENPGP_EMAIL,
            address="charlie@example.org",
            public_key=self.recipient.public_key,
        )
        submit(Client())
        sent = delivery.deliver_due()
        self.assertEqual((sent, Notice.objects.get().last_error), (1, ""))
        [message] = self.smtp.messages()
        text = text_of(message)
        self.assertIn("-----BEGIN PGP MESSAGE-----", text)
        self.assertNotIn("/staff/cases/", text)
        self.assertNotIn("Новое дело", text)  # not even the kind, in the subject or anywhere
        plain = self.recipient.decrypt(text.split("\n", 1)[1])
        self.assertIn("Новое дело ждёт разбора", plain)
        self.assertIn("/ru/staff/cases/", plain)
        self.assertNotIn("canary-story-7f3a", plain)
        self.assertNotIn("canary-handle-91bd", plain)

    def test_it_adds_a_channel_with_a_key_through_the_page(self) -> None:
        self.log_in(self.charlie)
        response = self.client.post(
            reverse("notices:add_channel"),
            {
                "type": "openpgp_email",
                "address": "charlie@example.org",
                "public_key": self.recipient.public_key,
            },
        )
        self.assertRedirects(response, reverse("notices:settings"))
        channel = NoticeChannel.objects.get()
        self.assertEqual(public_key_of(channel), self.recipient.public_key.strip())
        self.assertNotIn(b"charlie@example.org", bytes(channel.sealed_public_key or b""))

    def test_it_refuses_what_is_not_a_public_key(self) -> None:
        self.log_in(self.charlie)
        for key in ("", "not a key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n"):
            response = self.client.post(
                reverse("notices:add_channel"),
                {"type": "openpgp_email", "address": "charlie@example.org", "public_key": key},
            )
            self.assertEqual(response.status_code, 200)
        self.assertFalse(NoticeChannel.objects.exists())
