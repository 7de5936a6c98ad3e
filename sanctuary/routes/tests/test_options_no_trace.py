"""The options check leaves no trace: answers go in a POST body guarded by a single-use form
token, never in a URL; a stale token shows his answers again with a fresh token."""

import re
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

from django.test import Client, SimpleTestCase
from django.urls import reverse

from sanctuary.routes.services import do_import_knowledge
from sanctuary.routes.tests.helpers import check_options
from sanctuary.test import BaseTestCase

ANSWERS = {
    "status": "deserter",
    "location": "abroad",
    "country": "KZ",
    "internal_passport": "on",
    "passport_expires": "2031-01-01",
    "criminal_case": "wanted",
    "children": "0",
    "wished": "GE",
}
ADVICE = "Там, где вы сейчас (Казахстан), для вас небезопасно."


def token_in(page: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', page)
    assert match, "the page has no form token"
    return match[1]


class OptionsFormTokenTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        do_import_knowledge()
        self.url = reverse("options:check")

    def test_it_posts_the_form_and_answers_with_a_genuine_token(self) -> None:
        form = Client().get(self.url).content.decode()
        self.assertIn('<form method="post" action="/ru/options/"', form)
        self.assertNotIn('method="get"', form)
        response = check_options(Client(), ANSWERS)
        self.assertEqual(response.status_code, 200)
        self.assertIn(ADVICE, response.content.decode())

    def test_it_reads_no_answers_from_a_query_string(self) -> None:
        response = Client().get(self.url, ANSWERS)
        page = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(ADVICE, page)
        self.assertNotIn('<option value="deserter" selected>', page)
        self.assertNotIn('value="2031-01-01"', page)

    def test_it_shows_the_answers_again_with_a_fresh_token_when_the_token_is_stale(self) -> None:
        client = Client()
        token = token_in(client.get(self.url).content.decode())
        first = client.post(self.url, {**ANSWERS, "form_token": token})
        self.assertIn(ADVICE, first.content.decode())
        for bad in (token, "forged", ""):  # spent, forged, missing
            with self.subTest(token=bad):
                response = client.post(self.url, {**ANSWERS, "form_token": bad})
                page = response.content.decode()
                self.assertEqual(response.status_code, 400)
                self.assertNotIn(ADVICE, page)
                self.assertIn("Ваши ответы остались ниже", page)
                self.assertIn('<option value="deserter" selected>', page)
                self.assertIn('value="2031-01-01"', page)
                fresh = token_in(page)
                self.assertNotEqual(fresh, token)
                again = client.post(self.url, {**ANSWERS, "form_token": fresh})
                self.assertEqual(again.status_code, 200)
                self.assertIn(ADVICE, again.content.decode())

    def test_it_refuses_a_token_made_for_another_form(self) -> None:
        page = Client().get(reverse("intake:start")).content.decode()
        response = Client().post(self.url, {**ANSWERS, "form_token": token_in(page)})
        self.assertEqual(response.status_code, 400)
        self.assertNotIn(ADVICE, response.content.decode())

    def test_it_answers_no_cross_site_post(self) -> None:
        client = Client()
        token = token_in(client.get(self.url).content.decode())
        response = client.post(
            self.url, {**ANSWERS, "form_token": token}, headers={"sec-fetch-site": "cross-site"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn(ADVICE, response.content.decode())
        self.assertIn('<option value="deserter" selected>', response.content.decode())

    def test_it_changes_the_answers_through_a_post_that_carries_them_back(self) -> None:
        client = Client()
        answer = check_options(client, ANSWERS).content.decode()
        edit = answer[answer.index('<form method="post"') : answer.index("</form>")]
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', edit))
        self.assertEqual(hidden["status"], "deserter")
        self.assertEqual(hidden["country"], "KZ")
        self.assertEqual(hidden["passport_expires"], "2031-01-01")
        self.assertNotIn('href="/ru/options/?', answer)
        response = client.post(self.url, {**hidden, "edit": "1"})
        page = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(ADVICE, page)
        self.assertIn('<option value="KZ" selected>', page)
        self.assertIn('value="2031-01-01"', page)
        self.assertIn('name="form_token"', page)


class AccessLogTestCase(SimpleTestCase):
    """What gunicorn writes to its access log for the options check: the request line (method,
    path and query) of every request. The test serves the app with gunicorn, logging to a file,
    and sends the check as the page sends it."""

    def test_it_writes_no_answer_to_the_access_log(self) -> None:
        from bench._server import gunicorn, sqlite_env

        with sqlite_env() as env, tempfile.TemporaryDirectory() as directory:
            log = Path(directory) / "access.log"
            with gunicorn(env, workers=1, access_log=log) as port:
                base = f"http://127.0.0.1:{port}/ru/options/"
                page = _fetch(base)
                answer = _fetch(base, {**ANSWERS, "form_token": token_in(page)})
                self.assertIn(ADVICE, answer)
                # Positive control: the old GET form's request line, which this log would show.
                _fetch(base + "?" + urllib.parse.urlencode({"status": "captivity"}))
            lines = log.read_text().splitlines()
        posts = [line for line in lines if '"POST /ru/options/ HTTP/1.1"' in line]
        self.assertEqual(len(posts), 1, lines)
        self.assertTrue(any("status=captivity" in line for line in lines), lines)
        for line in lines:
            for value in ("deserter", "wanted", "2031-01-01", "wished", "country="):
                self.assertNotIn(value, line)


def _fetch(url: str, data: dict[str, Any] | None = None) -> str:
    import urllib.request

    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body) as response:  # noqa: S310 - our own 127.0.0.1
        return str(response.read().decode())
