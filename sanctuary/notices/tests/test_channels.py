"""Channels: a signed webhook received by a real local HTTP server, and addresses sealed so
that a database copy alone reveals none."""

import datetime as dt
import hashlib
import hmac
import json

from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from sanctuary.intake.tests.helpers import submit
from sanctuary.notices import delivery
from sanctuary.notices.models import Kind, Mode, Notice, NoticeChannel
from sanctuary.notices.sealing import unseal
from sanctuary.notices.services import address_of, do_add_channel, do_notify, do_save_modes
from sanctuary.notices.tests.servers import WebhookServer
from sanctuary.test import BaseTestCase


def verifies(secret: str, body: bytes, header: str) -> bool:
    """What a bridge does with a request: recompute the signature and compare."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class WebhookTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.hook = WebhookServer()
        self.hook.start()
        self.addCleanup(self.hook.stop)
        self.channel, self.secret = do_add_channel(
            self.charlie, type=NoticeChannel.Type.WEBHOOK, address=self.hook.url
        )

    def test_it_posts_a_signed_notice_that_verifies(self) -> None:
        submit(Client())
        self.assertEqual(delivery.deliver_due(), 1)
        [(headers, body)] = self.hook.received
        payload = json.loads(body)
        self.assertEqual(set(payload), {"kind", "url", "at"})
        self.assertEqual(payload["kind"], Kind.NEW_CASE)
        self.assertRegex(payload["url"], r"^http://127\.0\.0\.1:8000/ru/staff/cases/[0-9a-f-]+/$")
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertTrue(verifies(self.secret, body, headers["X-Sanctuary-Signature"]))

    def test_it_fails_verification_when_the_body_is_tampered_with(self) -> None:
        submit(Client())
        delivery.deliver_due()
        [(headers, body)] = self.hook.received
        tampered = body.replace(b"/staff/cases/", b"/staff/hosts/")
        self.assertNotEqual(tampered, body)
        self.assertFalse(verifies(self.secret, tampered, headers["X-Sanctuary-Signature"]))
        self.assertFalse(verifies("another-secret", body, headers["X-Sanctuary-Signature"]))

    def test_it_retries_a_webhook_that_answers_with_an_error(self) -> None:
        self.hook.status = 500
        submit(Client())
        self.assertEqual(delivery.deliver_due(), 0)
        notice = Notice.objects.get()
        self.assertEqual((notice.attempts, notice.last_error), (1, "HTTPError"))
        self.assertIsNone(notice.sent_at)

    def test_it_posts_a_digest_as_counts_and_a_link_to_the_notices_page(self) -> None:
        do_save_modes(self.charlie, {Kind.DETAINED.value: Mode.HOURLY.value})
        now = timezone.now()
        do_notify([self.charlie], Kind.DETAINED, "/staff/cases/a/")
        do_notify([self.charlie], Kind.DETAINED, "/staff/cases/b/")
        self.assertEqual(delivery.deliver_due(now), 0)
        self.assertEqual(delivery.deliver_due(now + dt.timedelta(hours=1)), 2)
        [(headers, body)] = self.hook.received
        self.assertEqual(json.loads(body)["counts"], {Kind.DETAINED.value: 2})
        self.assertEqual(json.loads(body)["kind"], "digest")
        self.assertTrue(json.loads(body)["url"].endswith("/ru/staff/notices/"))
        self.assertTrue(verifies(self.secret, body, headers["X-Sanctuary-Signature"]))

    def test_it_refuses_to_follow_a_redirect(self) -> None:
        self.hook.status = 307
        do_notify([self.charlie], Kind.DETAINED, "/staff/cases/x/")
        self.assertEqual(delivery.deliver_due(), 0)
        self.assertEqual(len(self.hook.received), 1)


class SealingTestCase(BaseTestCase):
    ADDRESS = "sealed-canary-7c1@example.org"

    def test_it_stores_no_address_in_the_clear(self) -> None:
        channel, _secret = do_add_channel(
            self.bob, type=NoticeChannel.Type.EMAIL, address=self.ADDRESS
        )
        raw = bytes(NoticeChannel.objects.get().sealed_address)
        self.assertNotIn(self.ADDRESS.encode(), raw)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM notices_noticechannel")
            dump = repr(cursor.fetchall()).encode()
        self.assertNotIn(b"sealed-canary", dump)
        # Positive control: the server's key opens it, the row itself holds what it seals.
        self.assertEqual(address_of(channel), self.ADDRESS)
        with override_settings(NOTICES_KEY="another-key-of-the-right-length-0123456789"):
            from nacl.exceptions import CryptoError

            with self.assertRaises(CryptoError):
                unseal(raw)

    def test_it_seals_a_webhook_secret_too(self) -> None:
        _channel, secret = do_add_channel(
            self.bob, type=NoticeChannel.Type.WEBHOOK, address="https://push.example.org/x"
        )
        row = NoticeChannel.objects.get()
        self.assertEqual(len(secret), 43)
        self.assertNotIn(secret.encode(), bytes(row.sealed_secret or b""))
        self.assertNotIn(b"push.example.org", bytes(row.sealed_address))


class BrokenBridgeTestCase(BaseTestCase):
    def test_it_lets_one_broken_webhook_hold_up_nobody_else(self) -> None:
        broken, working = WebhookServer(status=500), WebhookServer()
        for server in (broken, working):
            server.start()
            self.addCleanup(server.stop)
        do_add_channel(self.bob, type=NoticeChannel.Type.WEBHOOK, address=broken.url)
        do_add_channel(self.charlie, type=NoticeChannel.Type.WEBHOOK, address=working.url)
        do_notify([self.bob], Kind.DETAINED, "/staff/cases/a/")
        do_notify([self.bob], Kind.DETAINED, "/staff/cases/b/")
        do_notify([self.charlie], Kind.DETAINED, "/staff/cases/c/")
        self.assertEqual(delivery.deliver_due(), 1)
        self.assertEqual(len(working.received), 1)
        self.assertEqual(len(broken.received), 1)  # its second notice waits for the next run

    def test_it_sends_nothing_more_to_a_closed_account(self) -> None:
        hook = WebhookServer()
        hook.start()
        self.addCleanup(hook.stop)
        do_add_channel(self.bob, type=NoticeChannel.Type.WEBHOOK, address=hook.url)
        do_notify([self.bob], Kind.DETAINED, "/staff/cases/a/")
        self.bob.is_active = False
        self.bob.save(update_fields=["is_active"])
        self.assertEqual(delivery.deliver_due(), 0)
        self.assertEqual(hook.received, [])
