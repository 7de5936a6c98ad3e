from datetime import timedelta
from io import StringIO

import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts.models import LoginSession, Session
from sanctuary.test import BaseTestCase


class IdleTimeoutTestCase(BaseTestCase):
    def test_it_ends_a_session_after_30_idle_minutes(self) -> None:
        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.log_in(self.bob)
        with time_machine.travel(start + timedelta(minutes=31), tick=False):
            response = self.get("accounts:home")
        self.assertRedirects(response, reverse("accounts:login") + "?next=/ru/staff/")

    def test_it_keeps_an_active_session_alive(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.log_in(self.bob)
        for minutes in (20, 40, 60):
            with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
                self.assertEqual(self.get("accounts:home").status_code, 200)

    def test_it_sets_a_strict_httponly_session_cookie(self) -> None:
        self.log_in(self.bob)
        cookie = self.client.cookies[settings.SESSION_COOKIE_NAME]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Strict")
        self.assertEqual(cookie["max-age"], "")  # dies with the browser


CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


class ClearSiteDataTestCase(BaseTestCase):
    """A staff laptop keeps nothing of Sanctuary once the session is over."""

    def test_it_asks_the_browser_to_forget_everything_at_logout(self) -> None:
        self.log_in(self.bob)
        self.assertNotIn("Clear-Site-Data", self.get("accounts:home"))  # not while working
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, reverse("accounts:logged_out"))
        self.assertEqual(response["Clear-Site-Data"], CLEAR_SITE_DATA)
        self.assertEqual(response.cookies["keyring"].value, "")

    def test_it_asks_the_browser_to_forget_everything_after_the_idle_timeout(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.log_in(self.bob)
        with time_machine.travel(start + timedelta(minutes=29), tick=False):
            self.assertNotIn("Clear-Site-Data", self.get("accounts:home"))
        with time_machine.travel(start + timedelta(minutes=60), tick=False):
            response = self.get("accounts:home")
        self.assertRedirects(response, reverse("accounts:login") + "?next=/ru/staff/")
        self.assertEqual(response["Clear-Site-Data"], CLEAR_SITE_DATA)
        self.assertEqual(response.cookies[settings.SESSION_COOKIE_NAME].value, "")

    def test_it_asks_the_browser_to_forget_everything_when_an_admin_ends_the_session(
        self,
    ) -> None:
        self.log_in(self.bob)
        admin = Client()
        self.log_in(self.alice, admin)
        admin.post(reverse("accounts:set_active", args=[self.bob.pk]), {"active": "0"})
        response = self.get("accounts:home")
        self.assertRedirects(response, reverse("accounts:login") + "?next=/ru/staff/")
        self.assertEqual(response["Clear-Site-Data"], CLEAR_SITE_DATA)

    def test_it_sends_nothing_of_the_kind_to_a_visitor_without_a_session(self) -> None:
        self.assertNotIn("Clear-Site-Data", self.get("accounts:login"))
        self.assertNotIn("Clear-Site-Data", self.get("intake:landing"))

    def test_it_sends_the_login_form_again_from_a_clean_browser_after_the_timeout(self) -> None:
        # The login page sets a CSRF cookie, which the clearing would take away again: the
        # browser is sent back to the same page, which it then loads with nothing stored.
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.log_in(self.bob)
        with time_machine.travel(start + timedelta(minutes=60), tick=False):
            response = self.get("accounts:login")
            self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
            self.assertEqual(response["Clear-Site-Data"], CLEAR_SITE_DATA)
            self.assertNotIn(settings.CSRF_COOKIE_NAME, response.cookies)
            self.client.cookies.clear()  # what the browser does with Clear-Site-Data
            page = self.get("accounts:login")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Clear-Site-Data", page)
        self.assertTrue(page.cookies[settings.CSRF_COOKIE_NAME].value)


class ClearSessionsTestCase(BaseTestCase):
    def test_it_deletes_expired_sessions_and_their_login_records(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.log_in(self.bob)
        with time_machine.travel(start + timedelta(minutes=20), tick=False):
            self.log_in(self.alice, Client())
        with time_machine.travel(start + timedelta(minutes=40), tick=False):
            out = StringIO()
            call_command("clearsessions", stdout=out)
        self.assertEqual(out.getvalue().strip(), "1 expired session(s) deleted")
        self.assertEqual(Session.objects.count(), 1)
        self.assertEqual(
            list(LoginSession.objects.values_list("user__username", flat=True)), ["alice"]
        )
        self.assertEqual(
            LoginSession.objects.get().session_digest, Session.objects.get().key_digest
        )

    def test_it_sends_the_browser_back_to_this_site_only(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.log_in(self.bob)
        with time_machine.travel(start + timedelta(minutes=60), tick=False):
            # PATH_INFO by hand: the test client would read "//evil.example" as a host.
            response = self.client.get("/", PATH_INFO="//evil.example/ru/staff/login/")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/evil.example/ru/staff/login/")
