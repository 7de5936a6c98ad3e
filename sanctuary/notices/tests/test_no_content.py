"""A notice names the kind of event and links to its page, nothing more: a canary planted in
every sensitive field of a case reaches no message, by mail or by webhook."""

import datetime as dt
import json
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.cases.models import Case, CaseFile, CheckIn
from sanctuary.cases.services import notify_due_tasks, raise_missed_check_in_alarms
from sanctuary.intake.tests.helpers import submit
from sanctuary.notices import delivery
from sanctuary.notices.models import Kind, Notice, NoticeChannel
from sanctuary.notices.services import do_add_channel, do_notify
from sanctuary.notices.tests.helpers import add_email, seeker_writes
from sanctuary.notices.tests.servers import SMTPServer, WebhookServer, text_of
from sanctuary.referrals.services import MAX_ATTEMPTS
from sanctuary.referrals.tests.helpers import add_partner, link_and_code, open_with, refer
from sanctuary.shelter.services import do_host_accept
from sanctuary.shelter.tests.factories import (
    CANARY_ADDRESS,
    CANARY_CONTACT,
    approved,
    keychain,
    make_host_user,
    make_offer,
    make_request,
)
from sanctuary.stats.services import draft_last_month
from sanctuary.test import BaseTestCase, make_staff

CANARIES = [
    "canary-story-7f3a",  # the helpers' story
    "canary-handle-91bd",  # the helpers' contact handle
    "canary-city-Tbilisi-5e2",
    "canary-message-0d4",
    "canary-note-8a1",
    "canary-task-c33",
    "canary-checkin-b70",
    "canary-reply-e19",
    CANARY_ADDRESS,  # the host's address and contact, sealed in his offer's disclosure
    CANARY_CONTACT,
    "canary-request-2c9e",  # what the counselor asks the partner, sealed in the packet
]


class NoContentTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.smtp = SMTPServer()
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        overrides = override_settings(**self.smtp.settings())
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.hook = WebhookServer()
        self.hook.start()
        self.addCleanup(self.hook.stop)
        add_email(self.charlie, "charlie@example.org")
        add_email(self.bob, "bob@example.org")
        do_add_channel(self.bob, type=NoticeChannel.Type.WEBHOOK, address=self.hook.url)

    def everything_sent(self) -> str:
        mails = [raw.decode(errors="replace") for raw in self.smtp.inbox]
        mails += [text_of(message) for message in self.smtp.messages()]
        bodies = [body for _headers, body in self.hook.received]
        hooks = [body.decode() for body in bodies]
        hooks += [json.dumps(json.loads(body), ensure_ascii=False) for body in bodies]
        return "\n".join(mails + hooks)

    def work_a_case(self) -> Any:
        seeker = Client()
        submit(seeker, story="canary-story-7f3a, from canary-city-Tbilisi-5e2 to anywhere")
        case = Case.objects.get()
        pk = [case.pk]
        self.log_in(self.charlie)
        self.client.post(reverse("cases:assign", args=pk), {"counselor": self.bob.pk})
        seeker_writes(seeker, "canary-message-0d4 in canary-city-Tbilisi-5e2")
        self.client.post(reverse("cases:note", args=pk), {"note": "canary-note-8a1"})
        self.client.post(
            reverse("cases:task", args=pk), {"text": "canary-task-c33", "due_date": "2099-01-01"}
        )
        self.client.post(
            reverse("cases:check_in", args=pk),
            {"label": "canary-checkin-b70", "due_at": "2099-01-01T10:00"},
        )
        self.client.post(reverse("cases:reply", args=pk), {"body": "canary-reply-e19"})
        self.assertEqual(notify_due_tasks(dt.date(2099, 1, 1)), 1)
        CheckIn.objects.update(due_at="2000-01-01T00:00Z")
        self.assertEqual(raise_missed_check_in_alarms(), 1)
        self.client.post(reverse("cases:detained", args=pk), {"detained": "1"})
        # A bed for him: the host hears a proposal waits, the coordinator that he answered.
        sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        add_email(sheila, "sheila@example.org")
        hans, host = make_host_user("hans")
        add_email(hans, "hans@example.org")
        make_offer(host, beds=2)
        proposal = approved(make_request(CaseFile.objects.get(case=case)), sheila)
        do_host_accept(proposal, keychain=keychain(hans))
        # A referral opened by a partner, another destroyed by wrong codes.
        partner = add_partner(self.client)
        bob = Client()
        self.log_in(self.bob, bob)
        partner_client = Client()
        path, code = link_and_code(refer(bob, case.pk, partner, items=["case_type", "help_wanted"]))
        self.assertEqual(open_with(partner_client, path, code).status_code, 200)
        path, code = link_and_code(refer(bob, case.pk, partner, items=["case_type", "help_wanted"]))
        wrong = "0000-0000" if code != "0000-0000" else "1111-1111"
        for _attempt in range(MAX_ATTEMPTS):
            open_with(partner_client, path, wrong)
        # The monthly public figures, waiting for a coordinator's approval.
        self.assertIsNotNone(draft_last_month())
        return case

    def test_it_sends_no_canary_in_any_message(self) -> None:
        case = self.work_a_case()
        kinds = set(Notice.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, {k.value for k in Kind})  # every kind of event was raised
        delivery.deliver_due()
        self.assertFalse(Notice.objects.filter(sent_at__isnull=True).exists())
        self.assertGreaterEqual(len(self.smtp.inbox), 4)
        self.assertGreaterEqual(len(self.hook.received), 3)
        sent = self.everything_sent()
        self.assertIn(str(case.pk), sent)
        for canary in CANARIES:
            self.assertNotIn(canary, sent)

    def test_it_would_find_a_canary_planted_in_a_message(self) -> None:
        """Positive control: the same search finds a canary that does reach a message."""
        do_notify([self.bob], Kind.SEEKER_MESSAGE, "/staff/cases/canary-story-7f3a/")
        delivery.deliver_due()
        sent = self.everything_sent()
        self.assertIn("canary-story-7f3a", sent)
        self.assertEqual(len(self.smtp.inbox), 1)
        self.assertEqual(len(self.hook.received), 1)
