from typing import Any

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.accounts.models import Invitation, Role, User
from sanctuary.accounts.services import do_create_invitation
from sanctuary.test import make_staff, totp_code, totp_for
from tests.browser.helpers import record_other_origins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "lanterns over the winter harbour"


def fresh_code(user: User) -> str:
    return totp_for(user, PASSWORD)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_it_walks_from_invitation_to_logout(
    browser: Any, live_server: Any, javascript: bool
) -> None:
    admin = make_staff("alice", Role.ADMIN)
    _invitation, token = do_create_invitation(roles=["counselor"], acting_user=admin)
    context = browser.new_context(java_script_enabled=javascript, locale="ru-RU")
    external = record_other_origins(context, live_server.url)
    page = context.new_page()
    base = live_server.url

    # Invitation: choose a handle and a password.
    page.goto(base + reverse("accounts:accept", args=[token]))
    assert page.title() == "Создайте учётную запись"
    page.get_by_label("Имя пользователя").fill("eva")
    page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    page.get_by_label("Пароль ещё раз").fill(PASSWORD)
    page.get_by_role("button", name="Создать учётную запись").click()
    assert "Учётная запись создана" in page.locator(".messages").inner_text()

    # First login: the password, then enrolling the authenticator.
    page.get_by_label("Имя пользователя").fill("eva")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Продолжить").click()
    assert page.get_by_role("heading", name="Настройте второй фактор").is_visible()
    assert page.locator("figure.qr svg").is_visible()
    eva = User.objects.get(username="eva")
    device = TOTPDevice.objects.get(user=eva, confirmed=False)
    page.get_by_label("Шестизначный код").fill(totp_code(device, PASSWORD))
    page.get_by_role("button", name="Подтвердить").click()
    assert page.locator("ol.codes li").count() == 10
    recovery_code = page.locator("ol.codes li").first.inner_text()
    page.get_by_role("link", name="Я их записал(а)").click()
    assert page.get_by_role("heading", name="Обзор").is_visible()

    # Log out, then in again with the authenticator's code.
    page.get_by_role("button", name="Выйти").click()
    assert "Вы вышли из системы." in page.locator(".messages").inner_text()
    page.get_by_label("Имя пользователя").fill("eva")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_label("Код из приложения").fill(fresh_code(eva))
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_role("heading", name="Обзор").is_visible()
    assert "Консультант" in page.locator("main").inner_text()

    # And once more with a recovery code, in English this time.
    page.get_by_role("button", name="Выйти").click()
    page.get_by_role("link", name="English").click()
    page.get_by_label("Username").fill("eva")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(recovery_code)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", name="Overview").is_visible()
    page.get_by_role("button", name="Log out").click()
    assert page.get_by_role("heading", name="Staff login").is_visible()

    assert Invitation.objects.get().used_by == eva
    assert external == []
    context.close()


def test_it_shows_keyboard_focus(browser: Any, live_server: Any) -> None:
    page = browser.new_page()
    page.goto(live_server.url + reverse("accounts:login"))
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.close()
