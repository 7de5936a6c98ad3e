"""The hosts flow in a real browser, without JavaScript: a shelter coordinator invites a host,
the host creates his account from the link and offers beds in his portal, the coordinator
sees the offer and vets the host."""

import datetime as dt
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.accounts.models import Role, User
from sanctuary.hosts.models import Host, Offer
from sanctuary.test import PASSWORD, make_staff, totp_code, totp_for
from tests.browser.helpers import record_other_origins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HOST_PASSWORD = "lanterns over the steppe at dawn"


def fresh_code(user: User) -> str:
    return totp_for(user)


def test_it_walks_from_invitation_to_an_offer(browser: Any, live_server: Any) -> None:
    shelter = make_staff("dora", Role.SHELTER_COORDINATOR)
    base = live_server.url
    coordinator = browser.new_context(java_script_enabled=False, locale="en-GB")
    external = record_other_origins(coordinator, base)
    page = coordinator.new_page()

    page.goto(f"{base}/en/staff/login/")
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(fresh_code(shelter))
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation").get_by_role("link", name="Hosts").click()
    page.get_by_role("link", name="Invite a host").click()
    page.get_by_label("Name").fill("Aigerim Example")
    page.get_by_label("Exact address").fill("Example Street 12, Almaty")
    page.get_by_label("Contact").fill("+7 700 000 0001")
    page.get_by_label("Country").select_option("KZ")
    page.get_by_label("City").fill("Almaty")
    page.get_by_label("Russian").check()
    page.get_by_role("button", name="Create host and invitation").click()
    link = page.locator("#invitation-link").inner_text()
    assert "/invitation/" in link

    # The host, in his own browser.
    own = browser.new_context(java_script_enabled=False, locale="en-GB")
    external_host = record_other_origins(own, base)
    portal = own.new_page()
    portal.goto(link)
    portal.get_by_label("Username").fill("aigerim")
    portal.get_by_label("Password", exact=True).fill(HOST_PASSWORD)
    portal.get_by_label("Password again").fill(HOST_PASSWORD)
    portal.get_by_role("button", name="Create account").click()
    portal.get_by_label("Username").fill("aigerim")
    portal.get_by_label("Password").fill(HOST_PASSWORD)
    portal.get_by_role("button", name="Continue").click()
    host_user = User.objects.get(username="aigerim")
    device = TOTPDevice.objects.get(user=host_user, confirmed=False)
    portal.get_by_label("Six-digit code").fill(totp_code(device, HOST_PASSWORD))
    portal.get_by_role("button", name="Confirm").click()
    portal.get_by_role("link", name="I have written them down").click()
    menu = portal.get_by_role("navigation").inner_text()
    assert "My offers" in menu and "Cases" not in menu
    portal.get_by_role("navigation").get_by_role("link", name="My offers").click()
    assert "Example Street 12" in portal.locator("main").inner_text()
    portal.get_by_role("link", name="Add an offer").click()
    first = dt.date.today() + dt.timedelta(days=3)
    portal.get_by_label("Beds").fill("2")
    portal.get_by_label("First night").fill(first.isoformat())
    portal.get_by_label("Last night").fill((first - dt.timedelta(days=1)).isoformat())
    portal.get_by_label("Longest stay, in nights").fill("10")
    portal.get_by_label("Notes for the coordinators").fill("Third floor, ring twice.")
    portal.get_by_role("button", name="Save offer").click()
    assert "before the first night" in portal.locator("main").inner_text()
    assert portal.get_by_label("Notes for the coordinators").input_value() == (
        "Third floor, ring twice."
    )
    portal.get_by_label("Last night").fill((first + dt.timedelta(days=30)).isoformat())
    portal.get_by_role("button", name="Save offer").click()
    assert "The offer is saved." in portal.locator(".messages").inner_text()
    assert "Third floor, ring twice." in portal.locator("main").inner_text()

    # The coordinator sees it and vets the host.
    host = Host.objects.get()
    page.goto(f"{base}/en/staff/hosts/{host.pk}/")
    main = page.locator("main").inner_text()
    assert "aigerim" in main and "Third floor, ring twice." in main
    page.get_by_label("Step").select_option("interview")
    page.get_by_role("button", name="Record step").click()
    assert "Tier 1" in page.locator("main").inner_text()
    host.refresh_from_db()
    assert (host.tier, host.user, Offer.objects.get().beds) == (1, host_user, 2)
    assert external == [] and external_host == []
    own.close()
    coordinator.close()
