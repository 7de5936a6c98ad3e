"""Failures of others never keep a genuine person out: they slow the browser and the address
they came from, and past a budget they make every try wait a few seconds, never lock a door."""

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from unittest import mock

import time_machine
from django.test import Client, RequestFactory, SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts import throttle
from sanctuary.accounts.models import User
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.test import PASSWORD, BaseTestCase, FastArgon2Hasher, totp_for

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

WRONG = "wrong password here"
LOGIN = "/ru/staff/login/"


def attempt_in(page: str) -> str:
    match = re.search(r'name="attempt" value="([^"]+)"', page)
    assert match, "the login form carries no ticket"
    return match[1]


class Browser:
    """One browser: it keeps the login form's ticket from one try to the next, as a person
    pressing the button again does."""

    def __init__(self, address: str = "127.0.0.1", **headers: Any) -> None:
        self.client = Client(REMOTE_ADDR=address, **headers)
        self.attempt = attempt_in(self.client.get(LOGIN).content.decode())

    def log_in(self, username: str, password: str) -> "_MonkeyPatchedWSGIResponse":
        response = self.client.post(
            LOGIN, {"username": username, "password": password, "attempt": self.attempt}
        )
        if response.status_code == 200:
            self.attempt = attempt_in(response.content.decode())
        return response


def passed_password(response: Any) -> bool:
    return bool(response.status_code == 302) and str(response["Location"]).startswith(
        reverse("accounts:verify")
    )


class ThrottleTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The clock stands still unless a test moves it: waits end only when a test says so.
        traveller = time_machine.travel(timezone.now(), tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def test_it_lets_another_account_in_after_twenty_failures_from_one_client(self) -> None:
        attacker = Browser("203.0.113.66")
        for n in range(20):
            response = attacker.log_in("alice" if n % 5 == 0 else f"guess{n}", WRONG)
            self.assertContains(response, "Неверное имя")
            attacker.client.cookies.clear()
            attacker = Browser("203.0.113.66")  # a fresh browser each time: only the address stays
        # Positive control: the attacker's own address is now slowed, even with a right password.
        response = attacker.log_in("charlie", PASSWORD)
        self.assertContains(response, "Слишком много неудачных попыток. Подождите")
        # Bob, from elsewhere, gets in: password, then second factor.
        bob = Browser("198.51.100.20")
        self.assertTrue(passed_password(bob.log_in("bob", PASSWORD)))
        response = bob.client.post(reverse("accounts:verify"), {"token": totp_for(self.bob)})
        self.assertRedirects(response, reverse("accounts:home"))
        self.bob.refresh_from_db()
        self.assertIsNone(self.bob.locked_until)

    @override_settings(CLIENT_ADDRESS_HEADER="X-Real-IP")
    def test_it_counts_each_client_behind_the_proxy_apart(self) -> None:
        attacker = Browser("127.0.0.1", HTTP_X_REAL_IP="203.0.113.66")
        for _ in range(20):
            attacker = Browser("127.0.0.1", HTTP_X_REAL_IP="203.0.113.66")
            attacker.log_in("alice", WRONG)
        self.assertContains(attacker.log_in("alice", PASSWORD), "Подождите")
        alice = Browser("127.0.0.1", HTTP_X_REAL_IP="198.51.100.20")
        with time_machine.travel(timezone.now() + timedelta(seconds=11), tick=False):
            self.assertTrue(passed_password(alice.log_in("alice", PASSWORD)))

    def test_it_slows_the_browser_that_fails_and_nobody_else(self) -> None:
        # Every client here shares one address, as behind an onion service.
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            mallory = Browser()
            for _ in range(3):
                self.assertContains(mallory.log_in("alice", WRONG), "Неверное имя")
            response = mallory.log_in("alice", PASSWORD)
            self.assertContains(response, "Подождите 2 секунды")  # not even checked
            self.assertFalse(passed_password(response))
            # A person in another browser is not slowed at all.
            self.assertTrue(passed_password(Browser().log_in("bob", PASSWORD)))
            # The slowed browser gets in once it has waited: slowed, never locked.
            clock.shift(2)
            self.assertTrue(passed_password(mallory.log_in("alice", PASSWORD)))

    def test_it_never_locks_an_account_however_many_fail_on_it(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            for n in range(30):  # thirty failures from thirty places
                Browser(f"203.0.113.{n + 1}").log_in("alice", WRONG)
            self.alice.refresh_from_db()
            self.assertIsNone(self.alice.locked_until)
            # Past the account's budget a try must come from a form open for a few seconds:
            # a script posting at once waits, Alice who typed her password gets in.
            alice = Browser("198.51.100.20")
            self.assertContains(alice.log_in("alice", PASSWORD), "Подождите 10 секунд")
            clock.shift(10)
            self.assertTrue(passed_password(alice.log_in("alice", PASSWORD)))
            response = alice.client.post(
                reverse("accounts:verify"), {"token": totp_for(self.alice)}
            )
            self.assertRedirects(response, reverse("accounts:home"))

    @override_settings(LOGIN_GLOBAL_FAILURES=5)
    def test_it_slows_fresh_browsers_once_the_site_budget_is_spent(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            for n in range(5):  # one failure per fresh browser, all on one shared address
                Browser().log_in(f"someone{n}", WRONG)
            bob = Browser()
            self.assertContains(bob.log_in("bob", PASSWORD), "Подождите 10 секунд")
            self.assertTrue(
                AuditEntry.objects.filter(action=Action.LOGIN_THROTTLED, actor_id=None).exists()
            )
            clock.shift(10)
            self.assertTrue(passed_password(bob.log_in("bob", PASSWORD)))
            # The budget is a window: an hour later a fresh browser is checked at once.
            clock.shift(3600)
            self.assertTrue(passed_password(Browser().log_in("charlie", PASSWORD)))

    def test_it_answers_known_and_unknown_usernames_identically(self) -> None:
        def answers(username: str) -> list[tuple[int, str]]:
            browser = Browser("203.0.113.7" if username == "alice" else "203.0.113.8")
            seen = []
            for _ in range(6):
                response = browser.log_in(username, WRONG)
                page = re.sub(r'value="[^"]+"', "", response.content.decode())  # tokens
                seen.append((response.status_code, page.replace(username, "NAME")))
            return seen

        start = timezone.now()
        with time_machine.travel(start, tick=False):
            known = answers("alice")
            unknown = answers("nobody")
        self.assertEqual(known, unknown)
        # Positive control: the answers did change along the way (the wait began).
        self.assertNotEqual(known[0], known[-1])

    def test_it_hashes_once_for_a_known_and_an_unknown_username(self) -> None:
        with (
            mock.patch.object(FastArgon2Hasher, "verify", autospec=True) as verify,
            mock.patch.object(FastArgon2Hasher, "encode", autospec=True) as encode,
        ):
            verify.return_value = False
            encode.return_value = "argon2$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA"
            Browser("203.0.113.7").log_in("alice", WRONG)
            known = (verify.call_count, encode.call_count)
            Browser("203.0.113.8").log_in("nobody", WRONG)
            unknown = (verify.call_count - known[0], encode.call_count - known[1])
        # One Argon2id computation each: a verification for Alice, a hash for nobody.
        self.assertEqual(sum(known), 1)
        self.assertEqual(sum(unknown), 1)

    @override_settings(LOGIN_GLOBAL_FAILURES=1)
    def test_it_lets_an_aged_ticket_through_once_only(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            Browser().log_in("someone", WRONG)  # the site's budget is spent
            script = Browser()
            clock.shift(10)
            aged = script.attempt
            self.assertContains(script.log_in("someone", WRONG), "Неверное имя")
            # Replaying the ticket that waited its ten seconds counts as a brand-new form.
            script.attempt = aged
            self.assertContains(script.log_in("someone", WRONG), "Подождите 10 секунд")
        self.assertFalse(User.objects.filter(failed_logins__gt=0).exists())


class ClientAddressTestCase(SimpleTestCase):
    def address(self, remote: str, **meta: Any) -> str:
        return throttle.client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **meta))

    def test_it_uses_the_direct_address_and_ignores_a_forged_header(self) -> None:
        with self.settings(CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP"):
            self.assertEqual(self.address("203.0.113.5", HTTP_X_REAL_IP="1.2.3.4"), "203.0.113.5")

    def test_it_reads_the_header_only_from_a_trusted_proxy(self) -> None:
        with self.settings(CLIENT_ADDRESS_HEADER="X-Forwarded-For", TRUSTED_PROXIES=["10.0.0.0/8"]):
            self.assertEqual(
                self.address("10.1.2.3", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9, 10.0.0.7"),
                "198.51.100.9",  # the last hop before our own proxies; the rest is the client's
            )
            self.assertEqual(self.address("192.0.2.1", HTTP_X_FORWARDED_FOR="1.2.3.4"), "192.0.2.1")
            self.assertEqual(self.address("10.1.2.3", HTTP_X_FORWARDED_FOR="not an address"), "")

    def test_it_has_no_address_for_a_proxy_that_names_no_client(self) -> None:
        # Tor's onion service reaches nginx from loopback: every onion client looks alike.
        self.assertEqual(self.address("127.0.0.1"), "")
        with self.settings(CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP"):
            self.assertEqual(self.address("::1", HTTP_X_REAL_IP="127.0.0.1"), "")
            self.assertEqual(self.address("127.0.0.1", HTTP_X_REAL_IP="203.0.113.5"), "203.0.113.5")
