"""What several browser tests do alike: watch for other origins, sign a staff member in, and
the answers of a plain case submitted without the questionnaire."""

from typing import Any

from sanctuary.accounts.models import User
from sanctuary.intake.tests.helpers import ANSWERS
from sanctuary.test import PASSWORD, totp_for


def record_other_origins(context: Any, origin: str) -> list[str]:
    """Every request the browser context makes to anywhere but our own server, as it happens:
    the list a test asserts stays empty."""
    external: list[str] = []

    def note(request: Any) -> None:
        if not request.url.startswith(origin):
            external.append(request.url)

    context.on("request", note)
    return external


def staff_sign_in(page: Any, base: str, username: str) -> None:
    """Signs a demo-password staff member in, in Russian, with a fresh second-factor code (the
    counter is reset so that signing in twice within a time step works)."""
    page.goto(f"{base}/ru/staff/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_label("Код из приложения").fill(totp_for(User.objects.get(username=username)))
    page.get_by_role("button", name="Войти").click()


def case_answers(
    *, help_wanted: tuple[str, ...] = ("legal",), contact_handle: str = "", **situation: Any
) -> dict[str, Any]:
    """A mobilized man in Russia, unless ``situation`` says otherwise, for do_submit_case."""
    return {
        "situation": {
            "status": "mobilized",
            "location": {"kind": "russia"},
            "documents": {"internal_passport": True, "international_passport": None},
            "summons": None,
            "left_unit_date": None,
            "criminal_case": "none",
            "companions": [],
            "wished_destinations": [],
            "today": "2026-11-25",
            **situation,
        },
        "on_behalf": False,
        "languages": ["ru"],
        "help_wanted": list(help_wanted),
        "story": ANSWERS["story"],
        "contact_channel": "signal" if contact_handle else "",
        "contact_handle": contact_handle,
    }
