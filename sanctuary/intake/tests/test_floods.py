"""Floods slow the flood, not the seekers: what an attacker would try from one machine."""

from datetime import timedelta
from typing import Any
from unittest import mock

import time_machine
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts import throttle
from sanctuary.cases import services
from sanctuary.cases.models import Case, Message
from sanctuary.intake.seeker import cookie_name
from sanctuary.intake.tests.helpers import ANSWERS, codename_in, submit, token_in
from sanctuary.keyring.services import keychain_for, open_staff_secret
from sanctuary.test import PASSWORD, BaseTestCase


def english_start() -> str:
    return reverse("intake:start").replace("/ru/", "/en/", 1)


PROXY: dict[str, Any] = {"REMOTE_ADDR": "127.0.0.1"}  # nginx, a trusted proxy by default


def start_page(client: Client, **extra: Any) -> str:
    return token_in(client.get(reverse("intake:start"), **extra).content.decode())


def sign_in(client: Client, codename: str, **extra: Any) -> Any:
    page = client.get(reverse("intake:sign_in")).content.decode()
    data = {"codename": codename, "form_token": token_in(page)}
    return client.post(reverse("intake:sign_in"), data, **extra)


class FloodTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        traveller = time_machine.travel(timezone.now(), tick=False)
        self.clock = traveller.start()
        self.addCleanup(traveller.stop)

    def test_it_refuses_a_replayed_start_token(self) -> None:
        client = Client()  # no cookies kept between posts, as a script would
        data = {**ANSWERS, "form_token": start_page(client)}
        self.assertContains(client.post(reverse("intake:start"), data), 'class="codename"')
        for _ in range(5):
            response = Client().post(reverse("intake:start"), data)
            self.assertContains(response, "уже была отправлена", status_code=400)
            self.assertContains(response, "canary-story-7f3a", status_code=400)
        self.assertEqual(Case.objects.count(), 1)

    def test_it_slows_a_flooding_client_and_takes_the_others(self) -> None:
        flood: dict[str, Any] = {"REMOTE_ADDR": "203.0.113.50"}
        for _ in range(3):
            self.assertEqual(submit(Client(**flood)).status_code, 200)
        response = submit(Client(**flood), story="flood story")
        # The fourth from that address waits, and keeps what it typed; nothing is stored.
        self.assertContains(response, "подождите 60 секунд", status_code=429)
        self.assertContains(response, "flood story", status_code=429)
        self.assertEqual(Case.objects.count(), 3)
        # A seeker elsewhere is taken at once.
        response = submit(Client(REMOTE_ADDR="198.51.100.3"), story="genuine story")
        self.assertContains(response, 'class="codename"')
        # The flooder is slowed, not shut out: after his wait he is taken too.
        self.clock.shift(60)
        self.assertContains(submit(Client(**flood)), 'class="codename"')

    @override_settings(INTAKE_CASES_PER_HOUR=2)
    def test_it_never_refuses_a_seeker_when_the_network_is_under_pressure(self) -> None:
        submit(Client())
        submit(Client())
        # A script posting at once, from the shared onion address, waits with its text kept.
        response = submit(Client(**PROXY), story="posted at once")
        self.assertContains(response, "подождите 60 секунд", status_code=429)
        self.assertContains(response, "posted at once", status_code=429)
        # A seeker who took a minute to answer is taken, in his language.
        seeker = Client(**PROXY)
        token = start_page(seeker)
        self.clock.shift(60)
        data = {**ANSWERS, "story": "typed for a minute", "form_token": token}
        response = seeker.post(english_start(), data)
        self.assertContains(response, 'class="codename"')
        self.assertEqual(Case.objects.count(), 3)

    def test_it_asks_him_to_send_again_while_his_address_count_is_held_elsewhere(self) -> None:
        address: dict[str, Any] = {"REMOTE_ADDR": "203.0.113.52"}
        request = RequestFactory().post("/", **address)
        (source,) = throttle.sources(request, "case", None, 3)
        with mock.patch.object(throttle, "SECTION_WAIT_SECONDS", 0), throttle.exclusive(source.key):
            response = submit(Client(**address), story="held up")
        self.assertContains(response, "held up", status_code=429)
        self.assertEqual(Case.objects.count(), 0)
        self.assertContains(submit(Client(**address)), 'class="codename"')

    def test_it_shows_the_retry_page_in_his_language(self) -> None:
        flood: dict[str, Any] = {"REMOTE_ADDR": "203.0.113.51"}
        for _ in range(3):
            submit(Client(**flood))
        client = Client(**flood)
        page = client.get(english_start()).content.decode()
        data = {**ANSWERS, "story": "his own words", "form_token": token_in(page)}
        response = client.post(english_start(), data)
        self.assertContains(response, "wait 60 seconds, then press Send again", status_code=429)
        self.assertContains(response, "his own words", status_code=429)
        self.assertNotContains(response, "<script", status_code=429)


@override_settings(CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP")
class CodenameTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.codename = codename_in(submit(Client()).content.decode())
        traveller = time_machine.travel(timezone.now(), tick=False)
        self.clock = traveller.start()
        self.addCleanup(traveller.stop)

    def wrong(self) -> str:
        words = self.codename.split()
        return " ".join([*words[:-1], words[0]])

    def test_it_lets_the_right_codename_in_after_ten_wrong_ones_from_ten_clients(self) -> None:
        for n in range(10):
            response = sign_in(Client(), self.wrong(), HTTP_X_REAL_IP=f"203.0.113.{n + 1}", **PROXY)
            self.assertContains(response, "Ни одно дело не открывается")
        response = sign_in(Client(), self.codename, HTTP_X_REAL_IP="198.51.100.77", **PROXY)
        self.assertRedirects(response, reverse("intake:mailbox"), fetch_redirect_response=False)

    def test_it_lets_the_right_codename_in_after_ten_wrong_ones_over_tor(self) -> None:
        # Behind an onion service the proxy names no client: all share one address.
        for _ in range(10):
            sign_in(Client(), self.wrong(), **PROXY)
        response = sign_in(Client(), self.codename, **PROXY)
        self.assertRedirects(response, reverse("intake:mailbox"), fetch_redirect_response=False)

    def test_it_slows_the_guessing_client_only(self) -> None:
        guesser: dict[str, Any] = {"HTTP_X_REAL_IP": "203.0.113.9", **PROXY}
        for _ in range(10):
            sign_in(Client(), self.wrong(), **guesser)
        response = sign_in(Client(), self.codename, **guesser)
        self.assertContains(response, "Слишком много попыток. Подождите 2 секунды")
        self.assertNotIn(cookie_name(), response.cookies)
        self.clock.shift(2)
        response = sign_in(Client(), self.codename, **guesser)
        self.assertRedirects(response, reverse("intake:mailbox"), fetch_redirect_response=False)

    def test_it_slows_the_browser_that_guesses_over_tor(self) -> None:
        browser = Client(**PROXY)
        page = browser.get(reverse("intake:sign_in")).content.decode()
        for _ in range(3):
            data = {"codename": self.wrong(), "form_token": token_in(page)}
            page = browser.post(reverse("intake:sign_in"), data).content.decode()
        data = {"codename": self.codename, "form_token": token_in(page)}
        response = browser.post(reverse("intake:sign_in"), data)
        self.assertContains(response, "Подождите 2 секунды")
        # Another browser on the same address is not slowed.
        response = sign_in(Client(), self.codename, **PROXY)
        self.assertRedirects(response, reverse("intake:mailbox"), fetch_redirect_response=False)

    @override_settings(LOGIN_GLOBAL_FAILURES=5)
    def test_it_slows_fresh_forms_once_the_site_budget_is_spent(self) -> None:
        for _ in range(5):
            sign_in(Client(), self.wrong(), **PROXY)
        self.assertContains(sign_in(Client(), self.codename, **PROXY), "Подождите 10 секунд")
        seeker = Client(**PROXY)
        page = seeker.get(reverse("intake:sign_in")).content.decode()
        self.clock.shift(10)  # eight words take longer than that to type
        data = {"codename": self.codename, "form_token": token_in(page)}
        response = seeker.post(reverse("intake:sign_in"), data)
        self.assertRedirects(response, reverse("intake:mailbox"), fetch_redirect_response=False)


@override_settings(INTAKE_MESSAGES_PER_CASE=2)
class MessageCapTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.codename = codename_in(submit(self.client).content.decode())
        self.case = Case.objects.get()

    def send(self, client: Client, body: str) -> Any:
        page = client.get(reverse("intake:mailbox")).content.decode()
        return client.post(reverse("intake:mailbox"), {"body": body, "form_token": token_in(page)})

    def test_it_holds_the_message_cap_across_sign_ins(self) -> None:
        self.send(self.client, "first")
        self.send(self.client, "second")
        again = Client()
        self.assertEqual(sign_in(again, self.codename).status_code, 302)
        response = self.send(again, "third, after signing in again")
        self.assertContains(response, "Вы отправили много сообщений")
        self.assertContains(response, "third, after signing in again")
        self.assertEqual(Message.objects.filter(from_seeker=True).count(), 2)
        # A counselor's answer opens a new allowance.
        keypair = open_staff_secret(self.charlie, PASSWORD)
        assert keypair is not None
        services.do_staff_reply(
            self.case, body="We read you.", keychain=keychain_for(self.charlie, keypair)
        )
        self.assertEqual(self.send(again, "third").status_code, 302)
        # And the window ends: a day later the count starts again.
        self.send(again, "fourth")
        self.assertContains(self.send(again, "fifth"), "Вы отправили много сообщений")
        Message.objects.update(created_at=timezone.now() - timedelta(hours=25))
        self.assertEqual(self.send(again, "fifth").status_code, 302)
