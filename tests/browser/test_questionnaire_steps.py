"""The questionnaire's branching in a real browser without JavaScript, on a 360 x 640 phone:
each later question appears only when an earlier answer calls for it, Back keeps every answer,
and no page sets a cookie before he sends."""

from typing import Any

import pytest

from sanctuary.accounts.models import Role
from sanctuary.cases.models import Case
from sanctuary.routes.services import do_import_knowledge
from sanctuary.test import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 640}


def heading(page: Any) -> str:
    return str(page.locator("main h2").inner_text())


def next_step(page: Any) -> None:
    page.get_by_role("button", name="Дальше").click()


def height(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def test_it_branches_the_questionnaire_on_a_phone_without_javascript(
    browser: Any, live_server: Any
) -> None:
    do_import_knowledge()
    make_staff("coord", Role.COORDINATOR)
    context = browser.new_context(java_script_enabled=False, locale="ru-RU", viewport=PHONE)
    page = context.new_page()
    heights: dict[str, int] = {}

    def measure() -> None:
        heights[heading(page)] = height(page)

    page.goto(live_server.url + "/ru/help/")
    measure()
    assert page.get_by_label("Когда вы собираетесь ехать?").count() == 0
    page.get_by_label("Ваше положение").select_option("deserter")
    page.get_by_label("Я служу по контракту").check()
    page.get_by_label("Где вы сейчас?").select_option("abroad")
    next_step(page)

    # Abroad: where, and since when.
    assert heading(page).startswith("Где вы сейчас")
    measure()
    page.get_by_label("В какой стране, если за границей?").select_option("KZ")
    page.get_by_label("С какого дня вы там?").fill("2026-10-02")
    next_step(page)

    # He left his unit: when. No summons question, for he has none.
    assert heading(page).startswith("Уход из части")
    measure()
    assert page.locator("[name=summons_date]").count() == 0
    page.get_by_label("Дата, когда вы оставили часть").fill("2026-09-30")
    next_step(page)

    measure()  # documents and risks
    page.get_by_label("Есть ли против вас уголовное дело?").select_option("wanted")
    next_step(page)

    measure()  # the journey
    assert page.locator("[name=child_0_age]").count() == 0
    page.get_by_label("Сколько детей едет с вами?").fill("2")
    next_step(page)

    # Each child on his own.
    assert heading(page).startswith("Кто едет с вами")
    measure()
    page.get_by_label("Ребёнок 1: возраст").fill("4")
    page.get_by_label("Ребёнок 2: возраст").fill("15")

    # Back twice, and forward again: every answer is where he left it.
    page.get_by_role("button", name="Назад").click()
    assert page.get_by_label("Сколько детей едет с вами?").input_value() == "2"
    page.get_by_role("button", name="Назад").click()
    assert page.get_by_label("Есть ли против вас уголовное дело?").input_value() == "wanted"
    next_step(page)
    next_step(page)
    assert page.get_by_label("Ребёнок 2: возраст").input_value() == "15"
    next_step(page)

    measure()  # how we can help
    page.get_by_label("Ваша история", exact=True).fill("Ушёл из части, я в Казахстане.")
    assert context.cookies() == []
    assert not Case.objects.exists()
    page.get_by_role("button", name="Отправить").click()
    assert page.get_by_role("heading", level=1, name="Ваше обращение получено").is_visible()
    assert Case.objects.get().status == "deserter"
    context.close()

    tallest = max(heights, key=lambda name: heights[name])
    print(f"\nquestionnaire steps at 360 px: {heights}; tallest: {tallest} {heights[tallest]} px")
    # The form these steps replaced was about 3,300 px tall in one page.
    assert heights[tallest] < 3300
