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
    page.get_by_role("link", name="Изменить ответы").click()
    assert page.get_by_label("В какой стране, если за границей?").input_value() == "KZ"
    assert page.get_by_label("Грузия").is_checked()
    page.get_by_role("link", name="Українська").click()
    assert page.title() == "Варіанти"

    assert external == []
    context.close()
