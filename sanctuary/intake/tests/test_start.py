import itertools
from typing import Any
from unittest import mock

from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases.models import Case
from sanctuary.cases.services import IntakeUnavailable
from sanctuary.intake.models import SeekerSession
from sanctuary.intake.seeker import cookie_name
from sanctuary.intake.tests.helpers import ANSWERS, answers_in, codename_in, submit, token_in
from sanctuary.keyring.models import Holder, SealedKey
from sanctuary.test import BaseTestCase


class StartTestCase(BaseTestCase):
    """Charlie (coordinator) founds the intake group, so new cases have someone to read them."""

    def test_it_sets_no_cookie_before_he_submits(self) -> None:
        for name in ("intake:landing", "intake:start", "intake:sign_in"):
            response = self.client.get(reverse(name))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.cookies, {}, name)
            self.assertEqual(response["Cache-Control"], "no-store")

    def test_it_creates_a_sealed_case_and_shows_the_codename_once(self) -> None:
        response = submit(self.client)
        self.assertEqual(response.status_code, 200)
        codename = codename_in(response.content.decode())
        self.assertEqual(len(codename.split()), 8)
        case = Case.objects.get()
        self.assertEqual(case.status, "mobilized")
        self.assertEqual(case.country, "RU")
        self.assertEqual(case.languages, ["en", "ru"])
        self.assertNotIn(b"canary-story", bytes(case.story or b""))
        holders = {key.holder.kind for key in SealedKey.objects.for_record(case)}
        self.assertEqual(holders, {Holder.Kind.GROUP, Holder.Kind.SEEKER})
        entry = AuditEntry.objects.get(action=Action.CASE_SUBMITTED)
        self.assertNotIn("canary", str(entry.as_link()))
        # Not the codename, nor any two of its words in a row, in any column of the row. (One
        # word alone may be a column's name or a run of hex digits: "country", "face".)
        row = " ".join(str(value) for value in Case.objects.values().get().values())
        words = codename.split()
        for pair in itertools.pairwise(words):
            self.assertNotIn(" ".join(pair), row)

    def test_it_sets_one_strict_session_cookie_without_expiry(self) -> None:
        response = submit(self.client)
        self.assertEqual(list(response.cookies), [cookie_name()])
        cookie = response.cookies[cookie_name()]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Strict")
        self.assertEqual(cookie["expires"], "")
        self.assertEqual(cookie["max-age"], "")

    def test_it_keeps_everything_typed_when_an_answer_is_wrong(self) -> None:
        response = submit(
            self.client,
            status="summons_received",
            summons_date="",
            story="my long story stays here",
        )
        self.assertContains(response, "Укажите дату повестки")
        answers = answers_in(response.content.decode())
        self.assertEqual(answers["story"], ["my long story stays here"])
        self.assertEqual(answers["contact_handle"], ["canary-handle-91bd"])
        self.assertFalse(Case.objects.exists())
        self.assertEqual(response.cookies, {})

    def test_it_speaks_english_and_ukrainian_too(self) -> None:
        response = self.client.get("/en/help/")
        self.assertContains(response, "Ask for help")
        response = self.client.get("/uk/help/")
        self.assertContains(response, 'lang="uk"')

    def test_it_refuses_a_post_without_a_genuine_token_and_keeps_the_text(self) -> None:
        data = {**ANSWERS, "form_token": "forged"}
        response = self.client.post(reverse("intake:start"), data)
        self.assertContains(response, "canary-story-7f3a", status_code=400)
        self.assertContains(response, "уже была отправлена", status_code=400)
        self.assertFalse(Case.objects.exists())

    def test_it_refuses_a_cross_site_post(self) -> None:
        page = self.client.get(reverse("intake:start")).content.decode()
        data = {**ANSWERS, "form_token": token_in(page)}
        response = self.client.post(
            reverse("intake:start"), data, headers={"sec-fetch-site": "cross-site"}
        )
        self.assertEqual(response.status_code, 403)
        response = self.client.post(
            reverse("intake:start"), data, headers={"origin": "https://evil.example"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Case.objects.exists())

    def test_it_keeps_the_text_when_the_server_cannot_take_it(self) -> None:
        Holder.objects.filter(kind=Holder.Kind.GROUP).delete()
        response = submit(self.client, story="a story that must not be lost")
        self.assertContains(response, "a story that must not be lost", status_code=503)
        self.assertContains(response, "через несколько минут", status_code=503)
        self.assertFalse(Case.objects.exists())

    def test_it_waits_when_no_coordinator_can_read_new_cases(self) -> None:
        Holder.objects.filter(kind=Holder.Kind.GROUP).delete()
        response = submit(self.client)
        self.assertEqual(response.status_code, 503)
        self.assertFalse(Case.objects.exists())


class DroppedDatabaseTestCase(BaseTestCase):
    """The database goes away under a submission (restarted, failed over): he gets his answers
    back with a fresh token, in his language, and nothing half-written stays behind."""

    def setUp(self) -> None:
        super().setUp()
        self.seekers_before = Holder.objects.filter(kind=Holder.Kind.SEEKER).count()

    def assert_retry_page_and_nothing_stored(self, response: Any) -> None:
        self.assertContains(response, "a story that must not be lost", status_code=503)
        self.assertContains(response, "через несколько минут", status_code=503)
        self.assertContains(response, '<html lang="ru"', status_code=503)
        token_in(response.content.decode())  # a fresh token to send it again with
        self.assertNotIn(cookie_name(), response.cookies)
        self.assertFalse(Case.objects.exists())
        self.assertFalse(SeekerSession.objects.exists())
        self.assertEqual(
            Holder.objects.filter(kind=Holder.Kind.SEEKER).count(), self.seekers_before
        )

    def test_it_keeps_the_text_when_the_connection_drops_inside_do_submit_case(self) -> None:
        # The case, its holder and sealed keys are written; the audit entry meets a dead server.
        dropped = OperationalError("server closed the connection unexpectedly")
        with mock.patch("sanctuary.cases.services.record", side_effect=dropped) as audit:
            response = submit(self.client, story="a story that must not be lost")
        self.assertTrue(audit.called)
        self.assert_retry_page_and_nothing_stored(response)

    def test_it_stores_no_case_when_his_session_cannot_be_written(self) -> None:
        closed = InterfaceError("connection already closed")
        with mock.patch.object(SeekerSession.objects, "create", side_effect=closed) as create:
            response = submit(self.client, story="a story that must not be lost")
        self.assertTrue(create.called)
        self.assert_retry_page_and_nothing_stored(response)

    def test_it_keeps_the_text_when_the_database_refuses_connections(self) -> None:
        # Everything but this page's own code fails: the routes base, the spent-token store.
        page = self.client.get(reverse("intake:start")).content.decode()
        data = {**ANSWERS, "story": "a story that must not be lost", "form_token": token_in(page)}
        refused = OperationalError("connection refused")
        with (
            mock.patch("sanctuary.routes.services._live_version", side_effect=refused),
            mock.patch("sanctuary.accounts.throttle.spend", side_effect=refused),
        ):
            response = self.client.post(reverse("intake:start"), data)
        self.assert_retry_page_and_nothing_stored(response)
        # Once the database is back, the fresh token takes the same answers.
        data["form_token"] = token_in(response.content.decode())
        response = self.client.post(reverse("intake:start"), data)
        self.assertContains(response, 'class="codename"')
        self.assertEqual(Case.objects.count(), 1)

    def test_it_opens_the_questionnaire_while_the_database_is_away(self) -> None:
        refused = OperationalError("connection refused")
        with mock.patch("sanctuary.routes.services._live_version", side_effect=refused):
            response = self.client.get(reverse("intake:start"))
        # The first step, whole: his situation's questions and the way on.
        self.assertContains(response, 'name="status"')
        self.assertContains(response, 'name="step" value="you"')
        token = token_in(response.content.decode())
        data = {**ANSWERS, "form_token": token}
        self.assertContains(self.client.post(reverse("intake:start"), data), 'class="codename"')

    def test_it_gives_back_his_place_in_the_count_when_nothing_is_stored(self) -> None:
        # His address's count is taken before the case is opened (so that cases sent at once
        # cannot slip past it), and given back when the case is not stored after all.
        address: dict[str, Any] = {"REMOTE_ADDR": "203.0.113.60"}
        failures = [
            OperationalError("server closed the connection unexpectedly"),
            IntakeUnavailable(),
            OperationalError("connection refused"),
        ]
        with mock.patch("sanctuary.intake.services.do_submit_case", side_effect=failures) as opened:
            for _ in failures:
                self.assertEqual(submit(Client(**address)).status_code, 503)
        self.assertEqual(opened.call_count, 3)
        # The database went away while the network's hourly count was read.
        gone = OperationalError("connection refused")
        with mock.patch("sanctuary.intake.seeker.under_pressure", side_effect=gone):
            self.assertEqual(submit(Client(**address)).status_code, 503)
        self.assertEqual(Case.objects.count(), 0)
        # The address still has all three of its cases …
        for _ in range(3):
            self.assertContains(submit(Client(**address)), 'class="codename"')
        # … and no more at once.
        self.assertEqual(submit(Client(**address)).status_code, 429)
        self.assertEqual(Case.objects.count(), 3)

    def test_it_still_answers_when_giving_the_place_back_fails(self) -> None:
        dropped = OperationalError("server closed the connection unexpectedly")
        with (
            mock.patch("sanctuary.intake.services.do_submit_case", side_effect=dropped),
            mock.patch("sanctuary.accounts.throttle.release", side_effect=dropped) as release,
        ):
            response = submit(Client(REMOTE_ADDR="203.0.113.61"), story="kept words")
        self.assertTrue(release.called)
        self.assertContains(response, "kept words", status_code=503)
        self.assertEqual(Case.objects.count(), 0)
