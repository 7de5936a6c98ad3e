"""Referrals end to end through the pages: consent, only the ticked items, single use, the
wrong-code limit, expiry, revocation, and the purge of the case."""

import datetime as dt
import logging
from io import StringIO
from typing import Any

import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases import tasks as case_tasks
from sanctuary.cases.models import Case, CaseFile, Note
from sanctuary.cases.services import purge_expired_cases
from sanctuary.intake.tests.helpers import submit, token_in
from sanctuary.notices.models import Notice
from sanctuary.referrals.models import Referral, State
from sanctuary.referrals.services import MAX_ATTEMPTS, expire_referrals, shown_state
from sanctuary.referrals.tasks import expire_referrals as expire_task
from sanctuary.referrals.tests.helpers import (
    add_partner,
    form_token,
    link_and_code,
    once_from,
    open_with,
    refer,
)
from sanctuary.test import BaseTestCase, make_staff

STORY = "canary-story-7f3a"
HANDLE = "canary-handle-91bd"
NOTE = "canary-note-for-referral-51ad"


class ReferralTestCase(BaseTestCase):
    """Bob counsels the case; Charlie coordinates and keeps the list of partners."""

    def setUp(self) -> None:
        super().setUp()
        self.seeker = Client()
        submit(self.seeker, status="summons_received")  # his summons date can be referred
        self.case = Case.objects.get()
        self.log_in(self.charlie)
        self.client.post(reverse("cases:assign", args=[self.case.pk]), {"counselor": self.bob.pk})
        self.partner = add_partner(self.client)
        self.bob_client = Client()
        self.log_in(self.bob, self.bob_client)
        self.bob_client.post(reverse("cases:note", args=[self.case.pk]), {"note": NOTE})
        self.note = Note.objects.get()
        self.partner_client = Client()

    def create(self, **changes: Any) -> tuple[str, str]:
        response = refer(self.bob_client, self.case.pk, self.partner, **changes)
        self.assertEqual(response.status_code, 200)
        return link_and_code(response)

    def referral(self) -> Referral:
        return Referral.objects.get()

    def case_path(self) -> str:
        return f"/staff/cases/{self.case.pk}/"

    def notices(self) -> list[tuple[int, str, str]]:
        """What the counselor heard of his referral: its kind and his case's link only."""
        kinds = ("referral_opened", "referral_lost")
        found = Notice.objects.filter(kind__in=kinds).order_by("created_at")
        return [(n.recipient_id, n.kind, n.path) for n in found]

    def audited(self, action: Action) -> int:
        return AuditEntry.objects.filter(action=action).count()

    # ---- creating -------------------------------------------------------------------------

    def test_it_offers_what_the_case_holds_and_creates_a_referral(self) -> None:
        page = self.bob_client.get(reverse("referrals:new", args=[self.case.pk]))
        self.assertContains(page, 'value="story"')
        self.assertContains(page, 'value="contact"')
        self.assertContains(page, f'value="note:{self.note.pk}"')
        self.assertNotContains(page, 'value="left_unit_date"')  # he has not left a unit
        path, code = self.create()
        referral = self.referral()
        self.assertEqual(referral.state, State.WAITING)
        self.assertEqual(referral.items, ["case_type", "help_wanted", "summons_date"])
        self.assertEqual(referral.consent_how, "phone")
        self.assertEqual(referral.created_by, self.bob)
        self.assertAlmostEqual(
            referral.expires_at, timezone.now() + dt.timedelta(days=3), delta=dt.timedelta(5)
        )
        self.assertRegex(code, r"^\d{4}-\d{4}$")
        self.assertNotIn(b"canary-request", bytes(referral.packet or b""))
        token = path.rstrip("/").rsplit("/", 1)[-1]
        self.assertNotEqual(referral.token_digest, token)
        self.assertEqual(self.audited(Action.REFERRAL_CREATED), 1)
        case_page = self.bob_client.get(reverse("cases:case", args=[self.case.pk]))
        self.assertContains(case_page, "Refuser Aid Georgia")
        self.assertContains(
            case_page, reverse("referrals:revoke", args=[self.case.pk, referral.pk])
        )
        self.assertNotContains(case_page, code)

    def test_it_refuses_without_consent_and_keeps_what_was_typed(self) -> None:
        for changes in ({"consent": ""}, {"consent_how": ""}, {"consent_how": "telepathy"}):
            response = refer(self.bob_client, self.case.pk, self.partner, **changes)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "canary-request-2c9e")
            self.assertContains(response, 'class="error')
        self.assertFalse(Referral.objects.exists())

    def test_it_refuses_an_item_the_case_does_not_offer(self) -> None:
        response = refer(self.bob_client, self.case.pk, self.partner, items=["left_unit_date"])
        self.assertEqual(response.status_code, 200)
        response = refer(self.bob_client, self.case.pk, self.partner, items=[])
        self.assertContains(response, 'class="error')
        self.assertFalse(Referral.objects.exists())

    def test_it_creates_nothing_more_when_the_same_form_is_posted_again(self) -> None:
        once = once_from(self.bob_client, self.case.pk)
        first = refer(self.bob_client, self.case.pk, self.partner, once=once)
        self.assertContains(first, "referral-code")
        again = refer(self.bob_client, self.case.pk, self.partner, once=once)
        self.assertEqual(again.status_code, 200)
        self.assertNotContains(again, "referral-code")
        self.assertContains(again, "canary-request-2c9e")  # the form, as typed, with the reason
        self.assertContains(again, "error-summary")
        self.assertEqual(Referral.objects.count(), 1)
        missing = refer(self.bob_client, self.case.pk, self.partner, once="")
        self.assertContains(missing, 'class="error')
        self.assertEqual(Referral.objects.count(), 1)

    def test_it_refuses_an_inactive_partner(self) -> None:
        once = once_from(self.bob_client, self.case.pk)
        self.partner.active = False
        self.partner.save()
        response = refer(self.bob_client, self.case.pk, self.partner, once=once)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Referral.objects.exists())

    # ---- opening --------------------------------------------------------------------------

    def test_it_sends_only_the_ticked_items(self) -> None:
        path, code = self.create(items=["case_type", "story"])
        page = self.partner_client.get(path)
        self.assertContains(page, 'name="code"')
        self.assertNotContains(page, STORY)
        response = open_with(self.partner_client, path, code)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, STORY)
        self.assertContains(response, "canary-request-2c9e")
        self.assertContains(response, "Refuser Aid Georgia")
        self.assertNotContains(response, HANDLE)  # his contact, not ticked
        self.assertNotContains(response, NOTE)  # the note, not ticked
        self.assertNotContains(response, "Юридическая консультация")  # help wanted, not ticked

    def test_it_sends_a_ticked_note_and_contact(self) -> None:
        path, code = self.create(items=["contact", f"note:{self.note.pk}"])
        response = open_with(self.partner_client, path, code)
        self.assertContains(response, HANDLE)
        self.assertContains(response, NOTE)
        self.assertNotContains(response, STORY)

    def test_it_opens_once_and_destroys_the_packet(self) -> None:
        path, code = self.create()
        self.assertEqual(open_with(self.partner_client, path, code).status_code, 200)
        referral = self.referral()
        self.assertEqual(referral.state, State.OPENED)
        self.assertIsNone(referral.packet)
        self.assertEqual(self.audited(Action.REFERRAL_OPENED), 1)
        self.assertEqual(self.notices(), [(self.bob.pk, "referral_opened", self.case_path())])
        again = self.partner_client.get(path)
        self.assertEqual(again.status_code, 404)
        self.assertContains(again, "Это направление нельзя открыть", status_code=404)
        page = self.bob_client.get(reverse("cases:case", args=[self.case.pk]))
        self.assertEqual(page.context["referrals"]["rows"][0]["referral"].state, State.OPENED)

    def test_it_accepts_the_code_typed_with_spaces(self) -> None:
        path, code = self.create()
        response = open_with(self.partner_client, path, " " + code.replace("-", " ") + " ")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.referral().state, State.OPENED)

    def test_it_counts_wrong_codes_and_destroys_the_packet_at_the_limit(self) -> None:
        path, code = self.create()
        wrong = "0000-0000" if code != "0000-0000" else "1111-1111"
        for attempt in range(1, MAX_ATTEMPTS):
            response = open_with(self.partner_client, path, wrong)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, f": {MAX_ATTEMPTS - attempt}.")
            self.assertContains(response, wrong)  # what was typed stays in the field
            self.assertEqual(self.referral().attempts, attempt)
        response = open_with(self.partner_client, path, wrong)
        self.assertEqual(response.status_code, 403)
        referral = self.referral()
        self.assertEqual((referral.state, referral.packet), (State.EXHAUSTED, None))
        # The right code no longer opens anything.
        self.assertEqual(self.partner_client.get(path).status_code, 404)
        self.assertEqual(self.audited(Action.REFERRAL_WRONG_CODE), MAX_ATTEMPTS - 1)
        self.assertEqual(self.audited(Action.REFERRAL_EXHAUSTED), 1)
        self.assertEqual(self.notices(), [(self.bob.pk, "referral_lost", self.case_path())])

    def test_it_does_not_count_a_malformed_code(self) -> None:
        path, _code = self.create()
        response = open_with(self.partner_client, path, "12ab")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="error')
        self.assertEqual(self.referral().attempts, 0)

    def test_it_refuses_a_code_posted_from_another_site(self) -> None:
        path, code = self.create()
        response = self.partner_client.post(path, {"code": code, "form_token": "forged"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.referral().state, State.WAITING)

    def test_it_answers_alike_for_every_link_that_opens_nothing(self) -> None:
        path, code = self.create()
        revoked_path, _ = self.create()
        referral = Referral.objects.get(pk=self.referral_for(revoked_path))
        self.bob_client.post(reverse("referrals:revoke", args=[self.case.pk, referral.pk]))
        open_with(self.partner_client, path, code)
        unknown = reverse("referrals:open", args=["A" * 43])
        malformed = reverse("referrals:open", args=["short"])
        bodies = set()
        for url in (path, revoked_path, unknown, malformed):
            response = self.partner_client.get(url)
            self.assertEqual(response.status_code, 404, url)
            # The language links repeat the page's own path; nothing else may differ.
            bodies.add(response.content.decode().replace(url[3:], "/PATH/"))
            posted = self.partner_client.post(
                url, {"code": "1234-5678", "form_token": token_in(self.open_page())}
            )
            self.assertEqual(posted.status_code, 404, url)
            bodies.add(posted.content.decode().replace(url[3:], "/PATH/"))
        self.assertEqual(len(bodies), 1)

    def open_page(self) -> str:
        """A form token from a live referral's page: the token binds no referral."""
        path, _code = self.create()
        return str(self.partner_client.get(path).content.decode())

    def referral_for(self, path: str) -> Any:
        from sanctuary.keyring.crypto import referral_token_digest

        token = path.rstrip("/").rsplit("/", 1)[-1]
        return Referral.objects.get(token_digest=referral_token_digest(token)).pk

    # ---- expiry ---------------------------------------------------------------------------

    def test_it_expires_through_the_worker(self) -> None:
        path, code = self.create(days="1")
        with time_machine.travel(timezone.now() + dt.timedelta(hours=23), tick=False):
            self.assertEqual(expire_referrals(), 0)
            self.assertEqual(self.partner_client.get(path).status_code, 200)
        with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1), tick=False):
            # The counselor sees the true state before the worker has run.
            self.assertEqual(shown_state(self.referral()), State.EXPIRED)
            call_command("casework_tick", stdout=StringIO())
            referral = self.referral()
            self.assertEqual((referral.state, referral.packet), (State.EXPIRED, None))
            self.assertEqual(self.audited(Action.REFERRAL_EXPIRED), 1)
            self.assertEqual(open_with(self.partner_client, path, code).status_code, 404)
            self.assertIn(expire_task, case_tasks.PERIODIC)
        self.assertEqual(self.notices(), [(self.bob.pk, "referral_lost", self.case_path())])

    def test_it_checks_expiry_on_opening_before_the_worker_runs(self) -> None:
        path, code = self.create(days="1")
        self.assertEqual(self.partner_client.get(path).status_code, 200)
        with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
            response = self.partner_client.post(path, {"code": code, "form_token": form_token()})
            self.assertEqual(response.status_code, 404)
            self.assertNotContains(response, "canary-request", status_code=404)
            referral = self.referral()
            self.assertEqual((referral.state, referral.packet), (State.EXPIRED, None))

    # ---- revocation -----------------------------------------------------------------------

    def test_it_lets_the_creator_revoke(self) -> None:
        path, code = self.create()
        referral = self.referral()
        response = self.bob_client.post(
            reverse("referrals:revoke", args=[self.case.pk, referral.pk])
        )
        self.assertRedirects(response, reverse("cases:case", args=[self.case.pk]))
        referral.refresh_from_db()
        self.assertEqual((referral.state, referral.packet), (State.REVOKED, None))
        self.assertEqual(self.audited(Action.REFERRAL_REVOKED), 1)
        self.assertEqual(open_with(self.partner_client, path, code).status_code, 404)

    def test_it_lets_a_coordinator_holding_the_case_revoke_but_not_another_counselor(
        self,
    ) -> None:
        self.create()
        referral = self.referral()
        other = make_staff("dora", Role.COUNSELOR)
        self.client.post(
            reverse("cases:assign", args=[self.case.pk]),
            {"counselor": other.pk, "keep_previous": "on"},
        )
        dora = Client()
        self.log_in(other, dora)
        url = reverse("referrals:revoke", args=[self.case.pk, referral.pk])
        self.assertEqual(dora.post(url).status_code, 404)
        self.assertEqual(self.referral().state, State.WAITING)
        self.assertEqual(self.client.post(url).status_code, 302)
        self.assertEqual(self.referral().state, State.REVOKED)

    # ---- the case goes ---------------------------------------------------------------------

    def test_it_destroys_the_referrals_when_the_case_is_purged(self) -> None:
        self.create()
        self.client.post(
            reverse("cases:stage", args=[self.case.pk]),
            {"case_type": "mobilized", "stage": "closed"},
        )
        file = CaseFile.objects.get()
        assert file.retention_until is not None
        with time_machine.travel(file.retention_until + dt.timedelta(minutes=1), tick=False):
            self.assertEqual(purge_expired_cases(), 1)
        self.assertFalse(Referral.objects.exists())

    def test_it_destroys_the_referrals_when_the_seeker_deletes_his_case(self) -> None:
        self.create()
        page = self.seeker.get(reverse("intake:delete")).content.decode()
        self.seeker.post(reverse("intake:delete"), {"form_token": token_in(page), "confirm": "on"})
        self.assertFalse(Case.objects.exists())
        self.assertFalse(Referral.objects.exists())

    # ---- secrets stay secret --------------------------------------------------------------

    def test_it_keeps_the_token_the_code_and_the_packet_out_of_logs_audit_and_pages(
        self,
    ) -> None:
        capture = StringIO()
        handler = logging.StreamHandler(capture)
        root = logging.getLogger()
        root.addHandler(handler)
        previous = root.level
        root.setLevel(logging.DEBUG)
        try:
            path, code = self.create(items=["story"])
            token = path.rstrip("/").rsplit("/", 1)[-1]
            open_with(self.partner_client, path + "x", "0000-0000")
            admin = Client()
            self.log_in(self.alice, admin)
            pages = [
                self.bob_client.get(reverse("cases:case", args=[self.case.pk])),
                self.bob_client.get(reverse("cases:mine")),
                self.client.get(reverse("cases:triage")),
                self.client.get(reverse("referrals:partners")),
                admin.get(reverse("audit:log")),
            ]
        finally:
            root.removeHandler(handler)
            root.setLevel(previous)
        secrets = [token, code, code.replace("-", ""), "canary-request-2c9e"]
        audit = " ".join(f"{e.details} {e.object_id}" for e in AuditEntry.objects.all())
        for secret in secrets:
            self.assertNotIn(secret, capture.getvalue())
            self.assertNotIn(secret, audit)
            for page in pages:
                self.assertNotIn(secret, page.content.decode())
        self.assertNotIn(token, Referral.objects.get().token_digest)

    def test_it_shows_no_case_content_on_any_page_but_the_case_and_the_opened_packet(
        self,
    ) -> None:
        """The story, contact and note of the case appear on its own pages only, and to the
        partner only once, and only what was ticked."""
        issued = refer(self.bob_client, self.case.pk, self.partner, items=["case_type"])
        path, code = link_and_code(issued)
        other_seeker = Client()
        submit(
            other_seeker,
            status="summons_received",
            story="another story",
            contact_handle="another-handle",
        )
        other = Case.objects.exclude(pk=self.case.pk).get()
        self.client.post(reverse("cases:assign", args=[other.pk]), {"counselor": self.bob.pk})
        pages = {
            "issued": issued,
            "partners": self.client.get(reverse("referrals:partners")),
            "partner": self.client.get(reverse("referrals:partner", args=[self.partner.pk])),
            "other case's referral form": self.bob_client.get(
                reverse("referrals:new", args=[other.pk])
            ),
            "other case": self.bob_client.get(reverse("cases:case", args=[other.pk])),
            "my cases": self.bob_client.get(reverse("cases:mine")),
            "triage": self.client.get(reverse("cases:triage")),
            "partner's code form": self.partner_client.get(path),
            "packet": open_with(self.partner_client, path, code),
            "after opening": self.partner_client.get(path),
            "seeker mailbox of the other case": other_seeker.get(reverse("intake:mailbox")),
        }
        for name, response in pages.items():
            self.assertIn(response.status_code, (200, 404), name)
            content = response.content.decode()
            for canary in (STORY, HANDLE, NOTE, "canary-request-2c9e"):
                if name == "packet" and canary == "canary-request-2c9e":
                    self.assertIn(canary, content)
                    continue
                self.assertNotIn(canary, content, name)

    # ---- partners -------------------------------------------------------------------------

    def test_it_edits_a_partner_and_refuses_bad_input_keeping_it(self) -> None:
        url = reverse("referrals:partner", args=[self.partner.pk])
        bad = {"organisation": "Renamed Aid", "country": "G1", "services": "Shelter"}
        response = self.client.post(url, bad)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="error"')
        self.assertContains(response, "Renamed Aid")
        self.partner.refresh_from_db()
        self.assertEqual(self.partner.organisation, "Refuser Aid Georgia")
        response = self.client.post(url, {**bad, "country": "am"})
        self.assertRedirects(response, reverse("referrals:partners"))
        self.partner.refresh_from_db()
        self.assertEqual(
            (self.partner.organisation, self.partner.country, self.partner.active),
            ("Renamed Aid", "AM", False),
        )
        self.assertEqual(self.audited(Action.PARTNER_CHANGED), 1)
        # An inactive partner is not offered for new referrals.
        page = self.bob_client.get(reverse("referrals:new", args=[self.case.pk]))
        self.assertNotContains(page, "Renamed Aid")
