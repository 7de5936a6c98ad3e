"""The partner's page in a real browser with JavaScript disabled: no request to another
origin, no cookie, the code in no URL, the packet shown once."""

from typing import Any

import pytest

from sanctuary.accounts.models import Role
from sanctuary.cases.models import CaseFile
from sanctuary.intake import services
from sanctuary.intake.tests.helpers import ANSWERS
from sanctuary.keyring.models import Holder
from sanctuary.keyring.services import grant, keychain_for, open_staff_secret
from sanctuary.referrals import services as referrals
from sanctuary.referrals.models import Partner, Referral, State
from sanctuary.test import PASSWORD, make_staff
from tests.browser.helpers import case_answers, record_other_origins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def issue() -> referrals.Issued:
    coordinator = make_staff("coord", Role.COORDINATOR)
    counselor = make_staff("counsel", Role.COUNSELOR)
    case, _codename, _keys = services.do_submit_case(
        case_answers(contact_handle=ANSWERS["contact_handle"])
    )
    coordinator_keys = open_staff_secret(coordinator, PASSWORD)
    assert coordinator_keys is not None
    grant(
        case,
        to=Holder.objects.get(user=counselor),
        keychain=keychain_for(coordinator, coordinator_keys),
    )
    counselor_keys = open_staff_secret(counselor, PASSWORD)
    assert counselor_keys is not None
    partner = Partner.objects.create(organisation="Refuser Aid", country="GE", services="Law")
    return referrals.do_create_referral(
        CaseFile.objects.get(),
        keychain=keychain_for(counselor, counselor_keys),
        partner=partner,
        ticked=["story"],
        request="Please call him.",
        consent=True,
        consent_how="phone",
        days=3,
        once="browser-test-form",
    )


def test_it_opens_the_packet_once_without_javascript(browser: Any, live_server: Any) -> None:
    issued = issue()
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    external = record_other_origins(context, live_server.url)
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    page = context.new_page()
    link = f"{live_server.url}/en/referral/{issued.token}/"

    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "A referral for your organisation"
    page.get_by_label("Code").fill("1")
    page.get_by_role("button", name="Open").click()
    assert page.locator(".error").count() == 1
    page.get_by_label("Code").fill(issued.code)
    page.get_by_role("button", name="Open").click()
    assert "canary-story-7f3a" in page.content()
    assert "canary-handle-91bd" not in page.content()
    assert "Please call him." in page.content()
    assert Referral.objects.get().state == State.OPENED

    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "This referral cannot be opened"
    assert "canary-story-7f3a" not in page.content()
    digits = issued.code.replace("-", "")
    assert not any(issued.code in url or digits in url for url in urls)
    assert context.cookies() == []
    assert external == []
    context.close()
