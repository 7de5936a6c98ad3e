"""Casework in a real browser with JavaScript on: a seeker asks for help, the coordinator finds
the case in the triage queue and assigns it, the counselor replies, and the seeker reads the
reply in his mailbox. No page asks another origin for anything."""

from typing import Any

import pytest

from sanctuary.accounts.models import Role, User
from sanctuary.cases.models import CaseFile
from sanctuary.keyring.models import SealedKey
from sanctuary.routes.services import do_import_knowledge
from sanctuary.test import make_staff
from tests.browser.helpers import record_other_origins, staff_sign_in
from tests.browser.test_intake_flow import RUSSIAN, Visit, sign_in, submit_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "Здравствуйте. Не ходите в военкомат; завтра созвонимся в Signal."


def staff_page(browser: Any, live_server: Any, user: User) -> tuple[Any, list[str]]:
    """A signed-in staff member's page, JavaScript on."""
    context = browser.new_context(java_script_enabled=True, locale="ru-RU")
    external = record_other_origins(context, live_server.url)
    page = context.new_page()
    staff_sign_in(page, live_server.url, user.username)
    assert page.get_by_role("heading", name="Обзор").is_visible()
    return page, external


def test_it_goes_from_triage_to_the_seeker_reading_the_reply(
    browser: Any, live_server: Any
) -> None:
    do_import_knowledge()
    coordinator = make_staff("coord", Role.COORDINATOR)  # first: it creates the intake group
    counselor = make_staff("vera", Role.COUNSELOR)

    seeker = Visit(browser, live_server, "ru-RU", javascript=True)
    codename = submit_questionnaire(seeker, RUSSIAN, "/")
    case_file = CaseFile.objects.get()

    # The coordinator finds the case in the queue, with no story in it, and assigns it.
    page, coordinator_external = staff_page(browser, live_server, coordinator)
    page.get_by_role("link", name="Дела").click()
    page.goto(live_server.url + "/ru/staff/cases/triage/")
    assert page.get_by_role("heading", level=1, name="Разбор").is_visible()
    assert RUSSIAN["story_text"] not in page.content()
    page.locator("table tbody tr").first.get_by_role("link").click()
    assert RUSSIAN["story_text"] in page.locator("main").inner_text()
    page.get_by_label("Консультант", exact=True).select_option(str(counselor.pk))
    page.get_by_role("button", name="Назначить").click()
    assert "Дело назначено." in page.locator(".messages").inner_text()
    case_file.refresh_from_db()
    assert case_file.counselor == counselor
    assert SealedKey.objects.for_record(case_file.case).filter(holder__user=counselor).exists()

    # The counselor finds it among his cases and replies.
    page, counselor_external = staff_page(browser, live_server, counselor)
    page.get_by_role("link", name="Дела").click()
    page.locator("table tbody tr").first.get_by_role("link").click()
    assert RUSSIAN["story_text"] in page.locator("main").inner_text()
    page.get_by_label("Ответ обратившемуся").fill(REPLY)
    page.get_by_role("button", name="Отправить ответ").click()
    assert REPLY in page.locator("ol.thread").inner_text()

    # The seeker comes back with his codename and reads it.
    seeker.context.clear_cookies()
    sign_in(seeker, RUSSIAN, codename, "/")
    assert seeker.page.get_by_role("heading", level=1, name="Почтовый ящик").is_visible()
    assert REPLY in seeker.page.locator("ol.thread").inner_text()
    assert "vera" not in seeker.page.content()  # the counselor's handle stays on the staff side

    assert seeker.external == [] and coordinator_external == [] and counselor_external == []
    seeker.close()
