"""A seeker who attaches more than Sanctuary accepts, in a real browser without JavaScript: a
clear page in his language, nothing written to the server's disk, and his text kept."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from sanctuary.accounts.models import Role
from sanctuary.cases.models import Message
from sanctuary.routes.services import do_import_knowledge
from sanctuary.test import make_staff
from tests.browser.test_intake_flow import RUSSIAN, Visit, confirm_codename, submit_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_refuses_too_large_files_and_keeps_the_seekers_text(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    do_import_knowledge()
    make_staff("coord", Role.COORDINATOR)
    visit = Visit(browser, live_server, "ru-RU")
    page = visit.page
    codename = submit_questionnaire(visit, RUSSIAN, "/")
    confirm_codename(page, RUSSIAN, codename)
    messages_before = Message.objects.count()

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + b"0" * settings.REQUEST_BODY_MAX_BYTES)
    typed = "Я на границе, вот все мои документы."
    page.get_by_label("Ваше сообщение").fill(typed)
    page.get_by_label("Фотографии или PDF-файлы (необязательно)").set_input_files(scan)
    page.get_by_role("button", name="Отправить").click()

    assert page.get_by_role("heading", level=1, name="Слишком большой объём").is_visible()
    assert "12 МБ" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Быстрый выход").is_visible()
    assert Message.objects.count() == messages_before

    page.go_back()
    assert page.get_by_label("Ваше сообщение").input_value() == typed
    assert visit.external == []
    visit.close()
