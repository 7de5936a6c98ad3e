"""The seeker's whole way through intake in a real browser with JavaScript disabled, as Tor
Browser's safest mode runs it: no request to another origin, no cookie before he submits and
exactly one after, and his codename in no URL."""

import itertools
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest

from sanctuary.accounts.models import Role, User
from sanctuary.cases import services as casework
from sanctuary.cases.models import Case
from sanctuary.intake.tests.test_scrub import _jpeg_with_metadata
from sanctuary.keyring.services import keychain_for, open_staff_secret
from sanctuary.routes.services import do_import_knowledge
from sanctuary.test import PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Visit:
    """A browser context, without JavaScript unless asked, that records where it goes and what
    it asks for."""

    def __init__(
        self,
        browser: Any,
        live_server: Any,
        locale: str,
        javascript: bool = False,
        viewport: dict[str, int] | None = None,
    ) -> None:
        self.base = live_server.url
        extra = {"viewport": viewport} if viewport else {}
        self.context = browser.new_context(java_script_enabled=javascript, locale=locale, **extra)
        self.external: list[str] = []
        self.urls: list[str] = []
        self.context.on("request", self._note_request)
        self.page = self.context.new_page()
        self.page.on("framenavigated", lambda frame: self.urls.append(frame.url))

    def _note_request(self, request: Any) -> None:
        self.urls.append(request.url)
        if not request.url.startswith(self.base + "/"):
            self.external.append(request.url)

    def cookies(self) -> list[Any]:
        cookies: list[Any] = self.context.cookies()
        return cookies

    def close(self) -> None:
        self.urls.append(self.page.url)
        self.context.close()


def assert_nowhere_in(urls: list[str], codename: str) -> None:
    """Neither the codename nor any two of its words in a row, however spelled, in any URL."""
    words = codename.split()
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    for url in urls:
        spelled = re.sub(r"[-_+/.,;:=&?#]+", " ", unquote_plus(url).lower())
        assert not any(pair in spelled for pair in pairs), url


def reply_as(user: User, body: str) -> None:
    keypair = open_staff_secret(user, PASSWORD)
    assert keypair is not None
    casework.do_staff_reply(Case.objects.get(), body=body, keychain=keychain_for(user, keypair))


def submit_questionnaire(visit: Visit, labels: dict[str, str], landing: str) -> str:
    """From the landing page through the questionnaire to the codename page; his codename."""
    page = visit.page
    page.goto(visit.base + landing)
    page.get_by_role("link", name=labels["ask"]).click()
    assert page.get_by_role("heading", level=1, name=labels["ask"]).is_visible()
    assert visit.cookies() == []

    page.get_by_label(labels["status"]).select_option("mobilized")
    page.get_by_label(labels["location"]).select_option("russia")
    page.get_by_role("button", name=labels["next"]).click()
    assert page.get_by_label(labels["internal_passport"]).is_checked()
    page.get_by_label(labels["passport"]).fill("2030-05-01")
    page.get_by_role("button", name=labels["next"]).click()  # his documents
    page.get_by_role("button", name=labels["next"]).click()  # his journey
    page.get_by_label(labels["english"], exact=True).check()
    page.get_by_label(labels["legal"]).check()
    page.get_by_label(labels["route"]).check()
    page.get_by_label(labels["story"], exact=True).fill(labels["story_text"])
    page.get_by_label(labels["channel"]).select_option("signal")
    page.get_by_label(labels["handle"]).fill("lantern.42")
    assert visit.cookies() == []
    page.get_by_role("button", name=labels["send"]).click()

    assert page.get_by_role("heading", level=1, name=labels["received"]).is_visible()
    codename = " ".join(page.locator("ol.codename code").all_inner_texts())
    assert len(codename.split()) == 8
    assert len(visit.cookies()) == 1
    return codename


def asked_numbers(page: Any) -> list[int]:
    """The numbers of the two words the check asks for, from its labels ("Word 3")."""
    labels = page.locator("label[for^=word-]").all_inner_texts()
    return [int(re.findall(r"\d+", label)[0]) for label in labels]


def confirm_codename(page: Any, labels: dict[str, str], codename: str) -> None:
    """From the codename page through the check to the mailbox, typing the two words asked."""
    page.get_by_role("button", name=labels["written"]).click()
    words = codename.split()
    for number in asked_numbers(page):
        page.get_by_label(labels["word"].format(number), exact=True).fill(words[number - 1])
    page.get_by_role("button", name=labels["check"]).click()
    assert page.get_by_role("heading", level=1, name=labels["mailbox"]).is_visible()


def sign_in(visit: Visit, labels: dict[str, str], codename: str, landing: str) -> None:
    """From the landing page, the codename typed in capitals with hyphens."""
    page = visit.page
    page.goto(visit.base + landing)
    page.get_by_role("link", name=labels["have_codename"]).click()
    assert visit.cookies() == []
    page.get_by_label(labels["codename"]).fill(codename.upper().replace(" ", "-"))
    page.get_by_role("button", name=labels["open"], exact=True).click()


RUSSIAN = {
    "ask": "Попросить о помощи",
    "status": "Ваше положение",
    "location": "Где вы сейчас?",
    "internal_passport": "У меня есть внутренний паспорт",
    "passport": "Мой загранпаспорт действителен до",
    "english": "Английский",
    "legal": "Юридическая консультация",
    "route": "Безопасный маршрут",
    "story": "Ваша история",
    "story_text": "Мне пришла электронная повестка, я хочу уехать.",
    "channel": "Другой способ связаться с вами (необязательно)",
    "handle": "Ваше имя пользователя в Signal, имя в Telegram или адрес почты",
    "send": "Отправить",
    "next": "Дальше",
    "received": "Ваше обращение получено",
    "mailbox": "Почтовый ящик",
    "leave": "Выйти и очистить этот браузер",
    "have_codename": "У меня уже есть кодовое имя",
    "codename": "Ваше кодовое имя",
    "open": "Открыть",
    "written": "Слова записаны",
    "word": "Слово {}",
    "check": "Проверить и продолжить",
    "checking": "Проверка кодового имени",
}
ENGLISH = {
    "ask": "Ask for help",
    "status": "Your situation",
    "location": "Where are you now?",
    "internal_passport": "I have my internal passport",
    "passport": "My foreign-travel passport is valid until",
    "english": "English",
    "legal": "Legal advice",
    "route": "A safe route",
    "story": "Your story",
    "story_text": "I received an electronic summons and want to leave.",
    "channel": "Another way to reach you (optional)",
    "handle": "Your Signal username, Telegram name or email address",
    "send": "Send",
    "next": "Next",
    "received": "Your request is received",
    "mailbox": "Mailbox",
    "leave": "Leave and clear this browser",
    "have_codename": "I already have a codename",
    "codename": "Your codename",
    "open": "Open",
    "written": "I have written it down",
    "word": "Word {}",
    "check": "Check and go on",
    "checking": "Check your codename",
}


def test_it_walks_the_seeker_from_landing_to_deletion_without_javascript(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    do_import_knowledge()
    coordinator = make_staff("coord", Role.COORDINATOR)  # first: it creates the intake group
    visit = Visit(browser, live_server, "ru-RU")
    page = visit.page

    codename = submit_questionnaire(visit, RUSSIAN, "/")
    assert re.fullmatch(r"[а-я ]+", codename)  # Russian words on a Russian page
    reply_as(coordinator, "Мы можем помочь. Не ходите в военкомат.")

    # The check of two words, then the mailbox, then leaving: the button clears the cookie.
    confirm_codename(page, RUSSIAN, codename)
    assert "Не ходите в военкомат." in page.locator("ol.thread").inner_text()
    page.get_by_role("button", name=RUSSIAN["leave"]).click()
    assert page.get_by_role("heading", level=1, name="Помощь и консультации").is_visible()
    assert visit.cookies() == []

    # Back with the codename on paper, typed in capitals with hyphens.
    sign_in(visit, RUSSIAN, codename, "/")
    assert page.get_by_role("heading", level=1, name="Почтовый ящик").is_visible()
    assert len(visit.cookies()) == 1
    thread = page.locator("ol.thread")
    assert "Консультант" in thread.inner_text()
    assert "Не ходите в военкомат." in thread.inner_text()

    # A message with a photo of the summons.
    photo = tmp_path / "повестка.jpg"
    photo.write_bytes(_jpeg_with_metadata())
    page.get_by_label("Ваше сообщение").fill("Вот моя повестка, я на границе.")
    page.get_by_label("Фотографии или PDF-файлы (необязательно)").set_input_files(photo)
    page.get_by_role("button", name="Отправить").click()
    latest = page.locator("#latest")
    assert "Вот моя повестка, я на границе." in latest.inner_text()
    assert latest.get_by_role("link", name="повестка.jpg").is_visible()
    assert page.url.endswith("/ru/mailbox/?sent=1#latest")  # a flag, nothing of the message
    assert (
        page.get_by_role("status").inner_text()
        == "Ваше сообщение отправлено. Консультант ответит здесь."
    )

    # Deleting the case for ever.
    page.get_by_role("link", name="Удалить ваше дело").click()
    assert page.get_by_role("heading", level=1, name="Удалить ваше дело").is_visible()
    page.get_by_role("button", name="Удалить моё дело навсегда").click()
    assert page.get_by_role("heading", level=1, name="Ваше дело удалено").is_visible()
    assert visit.cookies() == []
    assert not Case.objects.exists()

    # The codename opens nothing any more.
    sign_in(visit, RUSSIAN, codename, "/")
    error = page.locator(".field.has-error .error")
    assert "Ни одно дело не открывается этим кодовым именем." in error.inner_text()
    assert visit.cookies() == []

    visit.close()
    assert visit.external == []
    assert any(url.endswith("/ru/mailbox/?sent=1#latest") for url in visit.urls)
    assert_nowhere_in(visit.urls, codename)


def test_it_brings_an_english_speaker_back_to_his_mailbox_in_a_fresh_browser(
    browser: Any, live_server: Any
) -> None:
    coordinator = make_staff("coord", Role.COORDINATOR)
    first = Visit(browser, live_server, "en-GB")
    codename = submit_questionnaire(first, ENGLISH, "/en/")
    first.close()
    reply_as(coordinator, "We can help. Do not go to the enlistment office.")

    second = Visit(browser, live_server, "en-GB")
    sign_in(second, ENGLISH, codename, "/en/")
    assert second.page.get_by_role("heading", level=1, name=ENGLISH["mailbox"]).is_visible()
    assert "Do not go to the enlistment office." in second.page.locator("ol.thread").inner_text()
    assert len(second.cookies()) == 1
    second.close()

    assert first.external == second.external == []
    assert_nowhere_in(first.urls + second.urls, codename)


def test_it_quick_exits_and_back_reaches_none_of_his_pages(
    browser: Any, live_server: Any, settings: Any
) -> None:
    coordinator = make_staff("coord", Role.COORDINATOR)
    settings.QUICK_EXIT_URL = live_server.url + "/en/"  # stands in for a neutral site
    visit = Visit(browser, live_server, "ru-RU")
    page = visit.page
    codename = submit_questionnaire(visit, RUSSIAN, "/")
    reply_as(coordinator, "Не ходите в военкомат.")
    confirm_codename(page, RUSSIAN, codename)
    assert "Не ходите в военкомат." in page.locator("ol.thread").inner_text()

    # The control: Back reaches his mailbox while he is signed in.
    page.get_by_role("link", name="Удалить ваше дело").click()
    page.go_back()
    assert "Не ходите в военкомат." in page.content()
    page.go_forward()

    # The quick exit is the first thing a Tab reaches, and Enter leaves.
    page.keyboard.press("Tab")
    assert page.locator("a.exit:focus").count() == 1
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/en/")
    assert visit.cookies() == []

    # Back to the delete page, Back to the mailbox: none of his pages, only the way to sign in.
    for _ in range(2):
        page.go_back()
        assert "Не ходите в военкомат." not in page.content()
        assert "/mailbox/" not in page.url
    visit.close()


def test_it_checks_two_words_of_the_codename_at_phone_width_without_javascript(
    browser: Any, live_server: Any
) -> None:
    make_staff("coord", Role.COORDINATOR)
    visit = Visit(browser, live_server, "ru-RU", viewport={"width": 360, "height": 640})
    page = visit.page
    codename = submit_questionnaire(visit, RUSSIAN, "/")
    words = codename.split()
    # Numbered, one word a line, each whole within the screen's width.
    items = page.locator("ol.codename li")
    assert items.count() == 8
    for n in range(8):
        box = items.nth(n).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The check hides the codename and asks for two words by number.
    page.get_by_role("button", name=RUSSIAN["written"]).click()
    assert page.get_by_role("heading", level=1, name=RUSSIAN["checking"]).is_visible()
    assert not any(word in page.locator("main").inner_text() for word in words)
    first, second = asked_numbers(page)
    assert 1 <= first < second <= 8

    # A wrong word brings the codename back with which word was wrong; nothing is lost.
    page.get_by_label(RUSSIAN["word"].format(first), exact=True).fill(words[first - 1])
    page.get_by_label(RUSSIAN["word"].format(second), exact=True).fill("ыыыы")
    page.get_by_role("button", name=RUSSIAN["check"]).click()
    assert f"Слово {second} не совпадает" in page.locator("[role=alert]").inner_text()
    assert " ".join(page.locator("ol.codename code").all_inner_texts()) == codename

    # Asked again, the same two words, typed on the Latin layout in capitals, let him on.
    page.get_by_role("button", name=RUSSIAN["written"]).click()
    assert asked_numbers(page) == [first, second]
    latin = str.maketrans("йцукенгшщзхъфывапролджэячсмитьбю", "qwertyuiop[]asdfghjkl;'zxcvbnm,.")
    for number in (first, second):
        typed = words[number - 1].translate(latin).upper()
        page.get_by_label(RUSSIAN["word"].format(number), exact=True).fill(typed)
    page.get_by_role("button", name=RUSSIAN["check"]).click()
    assert page.get_by_role("heading", level=1, name=RUSSIAN["mailbox"]).is_visible()
    visit.close()
    assert visit.external == []
    assert_nowhere_in(visit.urls, codename)
