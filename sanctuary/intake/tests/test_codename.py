"""His codename: Russian words on Russian pages, numbered; the step that checks he wrote two of
them down; signing in however he types it; and what he reads about the reply."""

import re
from datetime import timedelta
from typing import Any
from unittest import mock

from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sanctuary.cases.tests.test_reply_time import make_case
from sanctuary.intake.codename import median_first_reply, reply_time_sentence
from sanctuary.intake.tests.helpers import ANSWERS, codename_in, submit, token_in
from sanctuary.keyring import crypto
from sanctuary.keyring.codenames import ENGLISH_WORDS, RUSSIAN_WORDS
from sanctuary.test import BaseTestCase

LATIN_KEYS = str.maketrans("йцукенгшщзхъфывапролджэячсмитьбю", "qwertyuiop[]asdfghjkl;'zxcvbnm,.")
CYRILLIC_KEYS = str.maketrans("qwertyuiopasdfghjklzxcvbnm", "йцукенгшщзфывапролдячсмить")
# A codename as the generator made them before Russian words existed.
OLD_CODENAME = "tiger lemon cobalt spruce ember walrus quiet harbor"


def note_in(page: str) -> str:
    match = re.search(r'name="note" value="([^"]+)"', page)
    assert match, "the page has no sealed note"
    return match[1]


def asked_numbers(page: str) -> tuple[int, int]:
    first = re.search(r'<label for="word-first">\D*(\d+)', page)
    second = re.search(r'<label for="word-second">\D*(\d+)', page)
    assert first and second, "the page asks for no words"
    return int(first[1]), int(second[1])


class CodenameTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def confirm(self, client: Client, data: dict[str, str], **extra: Any) -> Any:
        return client.post(reverse("intake:confirm"), data, **extra)

    def sign_in(self, client: Client, codename: str) -> Any:
        page = client.get(reverse("intake:sign_in")).content.decode()
        data = {"codename": codename, "form_token": token_in(page)}
        return client.post(reverse("intake:sign_in"), data)

    # --- the codename page ---------------------------------------------------------------------

    def test_it_gives_numbered_russian_words_on_a_russian_page(self) -> None:
        page = submit(self.client).content.decode()
        codename = codename_in(page)
        self.assertEqual(len(codename.split()), 8)
        self.assertLessEqual(set(codename.split()), set(RUSSIAN_WORDS))
        listed = re.search(r'<ol class="codename">(.*?)</ol>', page, re.S)
        self.assertEqual(listed[1].count("<li>") if listed else 0, 8)
        self.assertContains(submit(Client()), "Запишите слова на бумаге")

    def test_it_gives_english_words_on_an_english_page(self) -> None:
        with translation.override("en"):
            url = reverse("intake:start")
        page = self.client.get(url).content.decode()
        response = self.client.post(url, {**ANSWERS, "form_token": token_in(page)})
        words = codename_in(response.content.decode()).split()
        self.assertLessEqual(set(words), set(ENGLISH_WORDS))

    def test_it_says_who_reads_the_request_and_gives_advice_he_can_follow(self) -> None:
        response = submit(self.client)
        self.assertContains(response, "не государственный орган")
        self.assertContains(response, "Отправьте новое обращение")
        self.assertNotContains(response, "напишите нам из почтового ящика")

    # --- the check ----------------------------------------------------------------------------

    def test_it_asks_for_two_words_without_showing_the_codename(self) -> None:
        page = submit(self.client).content.decode()
        codename = codename_in(page)
        check = self.confirm(self.client, {"note": note_in(page)})
        self.assertEqual(check.status_code, 200)
        first, second = asked_numbers(check.content.decode())
        self.assertTrue(1 <= first < second <= 8)
        for word in codename.split():
            self.assertNotContains(check, word)
        self.assertNotIn(codename.split()[0], note_in(check.content.decode()))

    def test_it_goes_on_to_the_mailbox_with_the_two_right_words_however_typed(self) -> None:
        page = submit(self.client).content.decode()
        words = codename_in(page).split()
        check = self.confirm(self.client, {"note": note_in(page)}).content.decode()
        first, second = asked_numbers(check)
        data = {
            "note": note_in(check),
            "word_first": f" {first}. " + words[first - 1][:4].upper(),
            "word_second": words[second - 1].translate(LATIN_KEYS),  # Latin layout left on
        }
        response = self.confirm(self.client, data)
        self.assertRedirects(response, reverse("intake:mailbox"))

    def test_it_shows_the_codename_again_when_a_word_is_wrong(self) -> None:
        page = submit(self.client).content.decode()
        codename = codename_in(page)
        words = codename.split()
        check = self.confirm(self.client, {"note": note_in(page)}).content.decode()
        first, second = asked_numbers(check)
        wrong_word = next(w for w in RUSSIAN_WORDS if w != words[second - 1])
        data = {
            "note": note_in(check),
            "word_first": words[first - 1],
            "word_second": wrong_word,
        }
        response = self.confirm(self.client, data)
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        self.assertEqual(codename_in(text), codename)
        self.assertIn(f"Слово {second} не совпадает", text)
        self.assertNotIn(f"Слово {first} не", text)
        # He is asked the same two words again, and the right ones let him on.
        check = self.confirm(self.client, {"note": note_in(text)}).content.decode()
        self.assertEqual(asked_numbers(check), (first, second))
        data = {"note": note_in(check), "word_first": words[first - 1]}
        data["word_second"] = words[second - 1]
        self.assertRedirects(self.confirm(self.client, data), reverse("intake:mailbox"))

    def test_it_opens_the_note_only_for_the_session_it_was_sealed_for(self) -> None:
        page = submit(self.client).content.decode()
        codename = codename_in(page)
        note = note_in(page)
        other = Client()
        other_page = submit(other).content.decode()
        # The attacker: another seeker's session posts this seeker's note.
        response = self.confirm(other, {"note": note})
        self.assertRedirects(response, reverse("intake:mailbox"), fetch_redirect_response=False)
        self.assertNotIn(codename.split()[0], response.content.decode())
        # Positive control: his own note opens in his own session, and in that one only.
        self.assertEqual(self.confirm(self.client, {"note": note}).status_code, 200)
        self.assertEqual(self.confirm(other, {"note": note_in(other_page)}).status_code, 200)
        changed = note[:-4] + ("AAAA" if note[-4:] != "AAAA" else "BBBB")
        self.assertEqual(self.confirm(self.client, {"note": changed}).status_code, 302)

    def test_it_sends_a_stranger_to_sign_in_and_refuses_a_cross_site_post(self) -> None:
        response = self.confirm(Client(), {"note": "x"})
        self.assertRedirects(response, reverse("intake:sign_in"))
        page = submit(self.client).content.decode()
        response = self.confirm(
            self.client, {"note": note_in(page)}, HTTP_SEC_FETCH_SITE="cross-site"
        )
        self.assertEqual(response.status_code, 403)
        response = self.confirm(
            self.client, {"note": note_in(page)}, HTTP_SEC_FETCH_SITE="same-origin"
        )
        self.assertEqual(response.status_code, 200)

    # --- signing in ---------------------------------------------------------------------------

    def test_it_opens_a_russian_codename_typed_on_the_latin_layout(self) -> None:
        codename = codename_in(submit(self.client).content.decode())
        typed = " ".join(
            f"{n}. {w.translate(LATIN_KEYS).upper()}" for n, w in enumerate(codename.split(), 1)
        )
        self.assertRedirects(self.sign_in(Client(), typed), reverse("intake:mailbox"))
        yo = codename.replace("е", "ё")
        self.assertRedirects(self.sign_in(Client(), yo), reverse("intake:mailbox"))

    def test_it_still_opens_a_case_made_with_an_old_english_codename(self) -> None:
        # The case is made as before Russian words existed: an English codename on a Russian
        # page (crypto's tests pin that its key derivation is unchanged, byte for byte).
        with mock.patch.object(crypto, "new_codename", return_value=OLD_CODENAME):
            page = submit(self.client).content.decode()
        self.assertEqual(codename_in(page), OLD_CODENAME)
        self.assertRedirects(self.sign_in(Client(), OLD_CODENAME), reverse("intake:mailbox"))
        on_cyrillic_keys = OLD_CODENAME.translate(CYRILLIC_KEYS)
        self.assertRedirects(self.sign_in(Client(), on_cyrillic_keys), reverse("intake:mailbox"))
        # Positive control: a codename one word off opens nothing.
        wrong = OLD_CODENAME.replace("harbor", "harvest")
        self.assertContains(self.sign_in(Client(), wrong), "Ни одно дело не открывается")

    def test_it_says_what_is_wrong_with_text_that_is_no_codename(self) -> None:
        codename = codename_in(submit(self.client).content.decode()).split()
        short = self.sign_in(Client(), " ".join(codename[:7]))
        self.assertContains(short, "мы прочитали 7")
        unknown = self.sign_in(Client(), " ".join([*codename[:2], "ыыыы", *codename[3:]]))
        self.assertContains(unknown, "Слово 3 не из нашего списка")
        for response in (short, unknown):
            self.assertNotContains(response, "Ни одно дело не открывается")

    def test_it_keeps_what_he_typed_when_the_page_was_open_too_long(self) -> None:
        codename = codename_in(submit(self.client).content.decode())
        browser = Client()
        page = browser.get(reverse("intake:sign_in")).content.decode()
        data = {"codename": codename, "form_token": token_in(page)}
        browser.post(reverse("intake:sign_in"), {"codename": "x", "form_token": data["form_token"]})
        response = browser.post(reverse("intake:sign_in"), data)  # the same token, spent
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Страница была открыта слишком долго", status_code=400)
        self.assertContains(response, f'value="{codename}"', status_code=400)
        fresh = token_in(response.content.decode())
        self.assertNotEqual(fresh, data["form_token"])
        again = browser.post(reverse("intake:sign_in"), {**data, "form_token": fresh})
        self.assertRedirects(again, reverse("intake:mailbox"))

    def test_it_refuses_a_cross_site_sign_in_without_checking_it(self) -> None:
        codename = codename_in(submit(self.client).content.decode())
        browser = Client()
        page = browser.get(reverse("intake:sign_in")).content.decode()
        data = {"codename": codename, "form_token": token_in(page)}
        response = browser.post(reverse("intake:sign_in"), data, HTTP_SEC_FETCH_SITE="cross-site")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(codename, response.content.decode())
        # Control: the same form from our own page opens the mailbox.
        response = browser.post(reverse("intake:sign_in"), data, HTTP_SEC_FETCH_SITE="same-origin")
        self.assertRedirects(response, reverse("intake:mailbox"))

    def test_it_tells_him_how_to_go_on_when_the_codename_is_lost(self) -> None:
        response = self.client.get(reverse("intake:sign_in"))
        self.assertContains(response, "Потеряли кодовое имя?")
        self.assertContains(response, f'href="{reverse("intake:start")}"')

    # --- the reply time -----------------------------------------------------------------------

    def test_it_shows_the_networks_median_reply_time_once_known(self) -> None:
        self.assertContains(submit(self.client), "Мы пока не можем сказать")
        cache.clear()
        for n in range(10):
            make_case(1000 + n, replies_after=[timedelta(hours=5)], seeker_after=[])
        self.assertContains(submit(Client()), "в течение 5 часов")

    def test_it_keeps_the_figure_an_hour_so_one_answer_does_not_move_it(self) -> None:
        for n in range(10):
            make_case(2000 + n, replies_after=[timedelta(hours=5)], seeker_after=[])
        self.assertEqual(median_first_reply(), timedelta(hours=5))
        for n in range(11):
            make_case(3000 + n, replies_after=[timedelta(hours=40)], seeker_after=[])
        self.assertEqual(median_first_reply(), timedelta(hours=5))  # cached
        cache.clear()
        self.assertEqual(median_first_reply(), timedelta(hours=40))  # control: it does move

    def test_it_rounds_up_and_switches_to_days_after_two_days(self) -> None:
        with translation.override("ru"):
            self.assertIn("в течение 1 часа;", reply_time_sentence(timedelta(minutes=10)))
            self.assertIn("в течение 2 часов;", reply_time_sentence(timedelta(minutes=61)))
            self.assertIn("48 часов;", reply_time_sentence(timedelta(hours=47, minutes=1)))
            self.assertIn("в течение 3 дней;", reply_time_sentence(timedelta(hours=49)))
