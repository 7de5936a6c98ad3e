"""A staff laptop keeps nothing of Sanctuary once the session is over: Chromium really forgets
the site's cookies and storage at logout and after the idle timeout (Clear-Site-Data)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sanctuary.accounts.models import Role, Session
from sanctuary.test import make_staff
from tests.browser.helpers import staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def leave_a_trace(page: Any) -> None:
    page.evaluate("localStorage.setItem('trace', 'left by a staff page')")


def trace(page: Any) -> str | None:
    found: str | None = page.evaluate("localStorage.getItem('trace')")
    return found


def cookie_names(context: Any) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


def signed_in_page(browser: Any, live_server: Any) -> tuple[Any, Any]:
    make_staff("alice", Role.ADMIN)
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    staff_sign_in(page, live_server.url, "alice")
    assert page.get_by_role("heading", name="Обзор").is_visible()
    assert {"session", "keyring", "csrftoken"} <= cookie_names(context)
    leave_a_trace(page)
    return context, page


def test_it_forgets_cookies_and_storage_at_logout(browser: Any, live_server: Any) -> None:
    context, page = signed_in_page(browser, live_server)
    old_token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    # The control: moving between staff pages keeps what the site stored.
    page.get_by_role("link", name="Сотрудники").click()
    assert trace(page) == "left by a staff page"

    page.get_by_role("button", name="Выйти").click()
    assert "Вы вышли из системы." in page.locator(".messages").inner_text()
    assert trace(page) is None
    # Only the fresh CSRF cookie of the login form that follows is left.
    assert cookie_names(context) == {"csrftoken"}
    assert old_token not in {c["value"] for c in context.cookies()}

    # And the form on that page works.
    staff_sign_in(page, live_server.url, "alice")
    assert page.get_by_role("heading", name="Обзор").is_visible()
    context.close()


def test_it_forgets_cookies_and_storage_after_the_idle_timeout(
    browser: Any, live_server: Any
) -> None:
    context, page = signed_in_page(browser, live_server)
    page.reload()
    assert trace(page) == "left by a staff page"
    # Idle past the timeout: the session's time is up, as the clock would make it.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    page.reload()
    assert page.get_by_role("heading", name="Вход для сотрудников").is_visible()
    assert trace(page) is None
    assert "session" not in cookie_names(context)
    assert "keyring" not in cookie_names(context)
    staff_sign_in(page, live_server.url, "alice")
    assert page.get_by_role("heading", name="Обзор").is_visible()
    context.close()
