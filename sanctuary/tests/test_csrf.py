from http.cookies import Morsel

from django.conf import global_settings, settings
from django.test import Client
from django.urls import reverse

from sanctuary.test import PASSWORD, BaseTestCase


class CsrfTestCase(BaseTestCase):
    def post_login(self, **headers: str) -> int:
        client = Client(enforce_csrf_checks=True)
        page = client.get(reverse("accounts:login"))
        token = page.context["csrf_token"]
        response = client.post(
            reverse("accounts:login"),
            {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": str(token)},
            headers=headers,
        )
        return response.status_code

    def test_it_accepts_our_own_form_sent_with_an_opaque_origin(self) -> None:
        # What Chromium sends for our forms under Referrer-Policy: no-referrer.
        self.assertEqual(self.post_login(origin="null", sec_fetch_site="same-origin"), 302)

    def test_it_refuses_a_cross_site_post_with_an_opaque_origin(self) -> None:
        self.assertEqual(self.post_login(origin="null", sec_fetch_site="cross-site"), 403)

    def test_it_refuses_a_foreign_origin(self) -> None:
        self.assertEqual(self.post_login(origin="https://evil.example"), 403)

    def test_it_refuses_a_post_without_the_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Срок действия формы истёк", status_code=403)

    def test_it_refuses_a_cross_site_post_over_https_without_a_referer(self) -> None:
        client = Client(enforce_csrf_checks=True)
        page = client.get(reverse("accounts:login"), secure=True)
        data = {"csrfmiddlewaretoken": str(page.context["csrf_token"])}
        response = client.post(
            reverse("accounts:login"), data, secure=True, headers={"sec_fetch_site": "cross-site"}
        )
        self.assertEqual(response.status_code, 403)
        response = client.post(
            reverse("accounts:login"),
            {**data, "username": "alice", "password": PASSWORD},
            secure=True,
            headers={"sec_fetch_site": "same-origin"},
        )
        self.assertEqual(response.status_code, 302)


class CsrfCookieTestCase(BaseTestCase):
    def csrf_cookie(self) -> Morsel[str]:
        response = Client().get(reverse("accounts:login"))
        return response.cookies[settings.CSRF_COOKIE_NAME]

    def test_it_sets_a_csrf_cookie_that_dies_with_the_browser(self) -> None:
        cookie = self.csrf_cookie()
        self.assertTrue(cookie.value)
        self.assertEqual(cookie["max-age"], "")
        self.assertEqual(cookie["expires"], "")
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Strict")

    def test_it_would_see_a_cookie_that_outlives_the_browser(self) -> None:
        # Django's default, one year, is what this check exists to catch.
        with self.settings(CSRF_COOKIE_AGE=global_settings.CSRF_COOKIE_AGE):
            cookie = self.csrf_cookie()
        self.assertEqual(cookie["max-age"], 31449600)
        self.assertTrue(cookie["expires"])
