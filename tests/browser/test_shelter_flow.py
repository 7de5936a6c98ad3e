"""In a real browser, with JavaScript and without: a shelter coordinator runs the matcher and
approves, the host accepts, and the seeker reads the host's address in his mailbox and files a
safety report. Nothing is requested from another origin."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sanctuary.accounts.models import Role
from sanctuary.cases.models import CaseFile
from sanctuary.intake import services as intake
from sanctuary.keyring import crypto
from sanctuary.shelter.models import Stay
from sanctuary.shelter.tests.factories import (
    CANARY_ADDRESS,
    make_host_user,
    make_offer,
    make_request,
)
from sanctuary.test import make_staff
from tests.browser.helpers import case_answers, record_other_origins, staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answers() -> dict[str, Any]:
    return case_answers(
        help_wanted=("bed",),
        status="deserter",
        location={"kind": "abroad", "country": "KZ"},
        left_unit_date="2026-11-01",
        today=timezone.localdate().isoformat(),
    )


def log_in(page: Any, base: str, username: str) -> None:
    staff_sign_in(page, base, username)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_it_goes_from_the_matcher_to_the_address_in_the_mailbox(
    browser: Any, live_server: Any, javascript: bool
) -> None:
    make_staff("charlie", Role.COORDINATOR)  # the intake group, so that a case can be sealed
    make_staff("sheila", Role.SHELTER_COORDINATOR)
    _hans, host = make_host_user("hans")
    make_offer(host, beds=2)
    codename = crypto.new_codename()
    case, _codename, _keys = intake.do_submit_case(answers(), codename=codename)
    make_request(
        CaseFile.objects.get(pk=case.pk), arrival=timezone.localdate() + dt.timedelta(days=1)
    )
    base = live_server.url

    context = browser.new_context(java_script_enabled=javascript, locale="ru-RU")
    external = record_other_origins(context, base)
    page = context.new_page()
    log_in(page, base, "sheila")
    page.goto(f"{base}/ru/staff/shelter/")
    page.locator("form[action$='/run/'] button").click()
    proposals = page.locator("li.proposal input[type=checkbox]")
    assert proposals.count() == 1
    assert proposals.first.is_checked()
    page.locator("form[action$='/approve/'] button[type=submit]").click()
    assert page.locator(".messages .success").count() == 1
    assert CANARY_ADDRESS not in page.content()
    context.close()

    context = browser.new_context(java_script_enabled=javascript, locale="ru-RU")
    external += record_other_origins(context, base)
    page = context.new_page()
    log_in(page, base, "hans")
    page.goto(f"{base}/ru/staff/shelter/host/")
    page.locator("form[action$='/accept/'] button").click()
    assert page.locator(".messages .success").count() == 1
    assert Stay.objects.count() == 1
    context.close()

    context = browser.new_context(java_script_enabled=javascript, locale="ru-RU")
    external += record_other_origins(context, base)
    page = context.new_page()
    page.goto(f"{base}/ru/return/")
    page.fill("[name=codename]", codename)
    page.locator("main form button[type=submit]").first.click()
    page.goto(f"{base}/ru/mailbox/")
    stay = page.locator("section.stay")
    assert stay.count() == 1
    assert CANARY_ADDRESS in stay.locator(".address").inner_text()
    # The safety report is its own section, apart from the address, and a plain form on its
    # own page: it works the same with or without JavaScript.
    assert stay.locator("button.danger, a.danger").count() == 0
    page.locator("section.safety a.danger").click()
    page.locator("main textarea").fill("The host shouted at me.")
    page.locator("main button.danger").click()
    assert page.locator("main p[role=status]").count() == 1
    assert Stay.objects.get().flagged_at is not None
    context.close()
    assert external == []
