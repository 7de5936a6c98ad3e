from typing import Any

import pytest
from django.urls import reverse

from sanctuary.routes.services import do_import_knowledge
from tests.browser.helpers import record_other_origins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_checks_options_without_javascript(browser: Any, live_server: Any) -> None:
    do_import_knowledge()
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    external = record_other_origins(context, live_server.url)
    page = context.new_page()
    page.goto(live_server.url + reverse("options:check"))
    assert page.title() == "Варианты"
    assert page.get_by_role("link", name="Быстрый выход").is_visible()

    # A mistake first: abroad, but no country chosen. The answers stay as typed.
    page.get_by_label("Ваше положение").select_option("deserter")
    page.get_by_label("Где вы сейчас?").select_option("abroad")
    page.get_by_label("Мой загранпаспорт действителен до").fill("2031-01-01")
    page.get_by_role("button", name="Показать мои варианты").click()
    assert "Выберите страну, в которой вы сейчас." in page.locator("main").inner_text()
    assert page.get_by_label("Ваше положение").input_value() == "deserter"
    assert page.get_by_label("Мой загранпаспорт действителен до").input_value() == "2031-01-01"

    page.get_by_label("В какой стране, если за границей?").select_option("KZ")
    page.get_by_label("Грузия").check()
    page.get_by_role("button", name="Показать мои варианты").click()
    main = page.locator("main").inner_text()
    assert "Там, где вы сейчас (Казахстан), для вас небезопасно." in main
    assert page.get_by_role("heading", name="Источники").is_visible()
    assert page.locator("ol.sources a[rel='noreferrer noopener']").count() > 0
    assert context.cookies() == []

    # Change the answers: the form comes back filled in.
    page.get_by_role("button", name="Изменить ответы").click()
    assert page.get_by_label("В какой стране, если за границей?").input_value() == "KZ"
    assert page.get_by_label("Грузия").is_checked()
    page.get_by_role("link", name="Українська").click()
    assert page.title() == "Варіанти"

    assert external == []
    context.close()


def test_it_leaves_no_answer_in_the_history_or_any_url(browser: Any, live_server: Any) -> None:
    """Every address the browser asked for and every entry of its history (read from Chromium
    itself, over CDP) holds none of his answers, at phone width without JavaScript."""
    do_import_knowledge()
    context = browser.new_context(
        java_script_enabled=False, locale="ru-RU", viewport={"width": 360, "height": 640}
    )
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    page.goto(live_server.url + reverse("options:check"))
    page.get_by_label("Ваше положение").select_option("deserter")
    page.get_by_label("Где вы сейчас?").select_option("abroad")
    page.get_by_label("В какой стране, если за границей?").select_option("KZ")
    page.get_by_label("Мой загранпаспорт действителен до").fill("2031-01-01")
    page.get_by_label("Грузия").check()
    page.get_by_role("button", name="Показать мои варианты").click()
    assert (
        "Там, где вы сейчас (Казахстан), для вас небезопасно." in page.locator("main").inner_text()
    )
    after_submit = page.url
    page.get_by_role("button", name="Изменить ответы").click()
    assert page.get_by_label("В какой стране, если за границей?").input_value() == "KZ"
    history = context.new_cdp_session(page).send("Page.getNavigationHistory")["entries"]
    addresses = [after_submit, page.url, *visited, *requested, *(e["url"] for e in history)]
    # The blank tab, the form, the answer, the form again: every one of our pages is recorded.
    assert [e["url"] for e in history][1:] == [live_server.url + "/ru/options/"] * 3
    assert after_submit == live_server.url + "/ru/options/"
    assert leaks(addresses) == []
    # Positive control: an address as the old GET form made it is seen as a leak.
    page.goto(live_server.url + "/ru/options/?status=deserter&country=KZ")
    history = context.new_cdp_session(page).send("Page.getNavigationHistory")["entries"]
    assert leaks([e["url"] for e in history]) == [history[-1]["url"]]
    context.close()


def leaks(addresses: list[str]) -> list[str]:
    """The addresses that carry a query string or any of the answers given above."""
    answers = ("deserter", "abroad", "KZ", "2031-01-01", "GE", "wished")
    return [url for url in addresses if "?" in url or any(a in url for a in answers)]
