"""The attack of issue 12: a copy of the database taken during an admin's session, every value in
it replayed as the session cookie of a fresh browser. Only the login page may answer."""

import base64
import binascii
import json
import re
from collections.abc import Iterator
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from sanctuary.accounts import sessions
from sanctuary.accounts.models import LoginSession, Session
from sanctuary.intake.seeker import cookie_name as seeker_cookie_name
from sanctuary.intake.tests.helpers import submit
from sanctuary.test import BaseTestCase

# Runs of cookie-safe characters inside a longer value (a JSON document, a signed blob).
TOKEN = re.compile(r"[A-Za-z0-9_\-]{8,}")
# A browser keeps no cookie longer than this.
COOKIE_MAX = 4096


def copy_of_the_database() -> list[object]:
    """Every column value of every row of every table, as an attacker with a copy reads it."""
    values: list[object] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                values.extend(row)
    return values


def _printable(raw: bytes) -> str | None:
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if text.isprintable() and text.strip() else None


def _decodings(text: str) -> Iterator[str]:
    """What a hex or base64 spelling of a value may hide."""
    decoders = [bytes.fromhex, base64.b64decode, base64.urlsafe_b64decode]
    for decode in decoders:
        try:
            padded = text if decode is bytes.fromhex else text + "=" * (-len(text) % 4)
            decoded = _printable(decode(padded))
        except (ValueError, binascii.Error):
            continue
        if decoded:
            yield decoded


def cookie_candidates(values: list[object]) -> set[str]:
    """Each value, its hex and base64 spellings and what they decode to, and the cookie-safe
    runs inside it: everything in the copy that could be presented as a cookie."""
    texts: set[str] = set()
    for value in values:
        if value is None or isinstance(value, bool | int | float):
            continue
        if isinstance(value, memoryview | bytes | bytearray):
            raw = bytes(value)
            texts |= {
                raw.hex(),
                base64.b64encode(raw).decode(),
                base64.urlsafe_b64encode(raw).decode().rstrip("="),
            }
            decoded = _printable(raw)
            if decoded:
                texts.add(decoded)
        elif isinstance(value, dict | list):
            texts.add(json.dumps(value))
        else:
            texts.add(str(value))
    candidates: set[str] = set()
    for text in texts:
        for part in {text, *TOKEN.findall(text)}:
            candidates.add(part)
            candidates.update(_decodings(part))
    # A cookie is printable ASCII without ";" (RFC 6265); nothing else reaches the server.
    return {
        c
        for c in candidates
        if len(c) <= COOKIE_MAX and c.isascii() and c.isprintable() and ";" not in c
    }


def pages_opened(candidates: set[str], cookie: str, page: str, refused: str) -> list[str]:
    """The candidates that, set as the cookie named `cookie` of a fresh browser, open `page`
    rather than being sent to `refused`."""
    opened = []
    for candidate in sorted(candidates):
        client = Client()
        client.cookies[cookie] = candidate
        response = client.get(page)
        if response.status_code != 302 or not response["Location"].startswith(refused):
            opened.append(candidate)
    return opened


def staff_pages_opened(candidates: set[str]) -> list[str]:
    """The candidates that open the admin's people page as the session cookie."""
    people, login = reverse("accounts:people"), reverse("accounts:login")
    return pages_opened(candidates, settings.SESSION_COOKIE_NAME, people, login)


def mailboxes_opened(candidates: set[str]) -> list[str]:
    """The candidates that open a seeker's mailbox as his session cookie."""
    mailbox, sign_in = reverse("intake:mailbox"), reverse("intake:sign_in")
    return pages_opened(candidates, seeker_cookie_name(), mailbox, sign_in)


class SessionCopyTestCase(BaseTestCase):
    def test_it_opens_no_staff_page_or_mailbox_with_any_value_of_a_copy(self) -> None:
        self.log_in(self.alice)
        cookie = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        self.assertEqual(self.get("accounts:people").status_code, 200)  # the live session
        seeker = Client()
        submit(seeker)  # and a seeker's, in the same copy
        seeker_cookie = seeker.cookies[seeker_cookie_name()].value

        candidates = cookie_candidates(copy_of_the_database())

        # The copy holds the session, under the keyed digest of its key and never the key.
        digest = sessions.key_digest(cookie)
        self.assertIn(digest, candidates)
        self.assertTrue(Session.objects.filter(key_digest=digest).exists())
        self.assertTrue(
            LoginSession.objects.filter(user=self.alice, session_digest=digest).exists()
        )
        self.assertNotIn(cookie, candidates)
        self.assertFalse(any(cookie in candidate for candidate in candidates))
        self.assertGreater(len(candidates), 200)

        self.assertEqual(staff_pages_opened(candidates), [])
        # The real cookie, in a browser of its own, does open the page: the replay can see.
        self.assertEqual(staff_pages_opened({cookie}), [cookie])

        # The seeker's session too: only a keyed digest of his session id is in the copy.
        self.assertFalse(any(seeker_cookie in candidate for candidate in candidates))
        self.assertEqual(mailboxes_opened(candidates), [])
        self.assertEqual(mailboxes_opened({seeker_cookie}), [seeker_cookie])

    def test_it_would_catch_a_store_that_kept_the_key_in_plain(self) -> None:
        # The positive control: the same copy and replay against a store that files each
        # session under its key, as Django's database sessions do, finds the live login.
        with mock.patch.object(sessions, "key_digest", side_effect=lambda key: key):
            self.log_in(self.alice)
            cookie = self.client.cookies[settings.SESSION_COOKIE_NAME].value
            candidates = cookie_candidates(copy_of_the_database())
            self.assertIn(cookie, candidates)
            self.assertEqual(staff_pages_opened(candidates), [cookie])

    def test_it_finds_no_session_without_the_pepper(self) -> None:
        self.log_in(self.alice)
        cookie = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        self.assertEqual(self.get("accounts:people").status_code, 200)
        stored = set(Session.objects.values_list("key_digest", flat=True))
        with self.settings(SESSION_PEPPER="another-pepper-of-the-right-length-0123456789"):
            self.assertNotIn(sessions.key_digest(cookie), stored)
            response = self.get("accounts:people")
        self.assertRedirects(response, reverse("accounts:login") + "?next=/ru/staff/people/")
