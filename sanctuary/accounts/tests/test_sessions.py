from datetime import timedelta

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

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
