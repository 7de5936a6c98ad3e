"""Every seeker page, in each language, checked by axe-core against WCAG 2.1 A and AA.

axe-core is the one JavaScript tool the suite uses: `npm ci --ignore-scripts` installs the version
package-lock.json pins into node_modules/. The pages themselves run no script; axe is injected
through Playwright's evaluate, which the pages' Content-Security-Policy does not govern.
"""

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from sanctuary.accounts.models import Role, User
from sanctuary.accounts.services import add_totp_device
from sanctuary.cases import services as casework
from sanctuary.cases.models import Case, CaseFile, ChecklistItem
from sanctuary.intake import services
from sanctuary.intake.tests.test_scrub import _jpeg_with_metadata
from sanctuary.keyring import crypto
from sanctuary.keyring.services import keychain_for, open_staff_secret
from sanctuary.routes.services import do_import_knowledge
from sanctuary.shelter import services as shelter
from sanctuary.shelter.models import Stay
from sanctuary.shelter.tests.factories import (
    approved,
    confirmed,
    make_host_user,
    make_offer,
    make_request,
)
from sanctuary.test import PASSWORD, make_staff, totp_for
from tests.browser.helpers import case_answers, staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
NEVER_INCOMPLETE = {"aria-valid-attr-value"}
WCAG_21_AA = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("SANCTUARY_REQUIRE_BROWSER"):
            pytest.fail("axe-core is not installed, and CI requires the accessibility tests")
        pytest.skip("axe-core is not installed (npm ci --ignore-scripts at the repository root)")
    return AXE.read_text(encoding="utf-8")


class Audit:
    """One browser context that runs axe on each page it is shown and keeps what axe found."""

    def __init__(self, browser: Any, live_server: Any, axe_source: str) -> None:
        self.base = live_server.url
        self.axe_source = axe_source
        self.context = browser.new_context(locale="ru-RU")
        self.page = self.context.new_page()
        self.found: dict[str, list[dict[str, Any]]] = {}

    def check(self, name: str) -> None:
        # A click starts a navigation without waiting for the new page: axe run on a page still
        # loading finds no document (seen once on PostgreSQL, where answers come slower).
        self.page.wait_for_load_state("load")
        self.page.evaluate(self.axe_source)
        results = self.page.evaluate(f"axe.run(document, {WCAG_21_AA})")
        assert results["passes"], f"{name}: axe-core ran no rule"
        # axe only "needs review" an aria-describedby naming an id missing from the page (the
        # error text Django points a field at); here that always means the link is broken.
        broken = [r for r in results["incomplete"] if r["id"] in NEVER_INCOMPLETE]
        self.found[name] = results["violations"] + broken

    def report(self) -> str:
        lines = []
        for name, violations in self.found.items():
            for violation in violations:
                lines.append(f"{name}: {violation['id']}: {violation['help']}")
                for node in violation["nodes"]:
                    lines.append(f"    {node['target']} {node['failureSummary']!r}")
        return "\n".join(lines)

    def close(self) -> None:
        self.context.close()


def reply_as(user: User, body: str) -> None:
    keypair = open_staff_secret(user, PASSWORD)
    assert keypair is not None
    casework.do_staff_reply(Case.objects.get(), body=body, keychain=keychain_for(user, keypair))


def send(page: Any) -> None:
    page.locator("main form button[type=submit]").first.click()


@pytest.mark.parametrize("lang", ["ru", "en", "uk"])
def test_it_finds_no_accessibility_violations_on_the_seeker_pages(
    browser: Any, live_server: Any, axe_source: str, tmp_path: Path, lang: str
) -> None:
    do_import_knowledge()
    coordinator = make_staff("coord", Role.COORDINATOR)
    audit = Audit(browser, live_server, axe_source)
    page = audit.page

    page.goto(f"{audit.base}/{lang}/")
    audit.check("landing")

    page.goto(f"{audit.base}/{lang}/options/")
    audit.check("options form")
    page.select_option("[name=status]", "deserter")
    page.select_option("[name=location]", "abroad")
    send(page)
    audit.check("options form with errors")
    page.select_option("[name=country]", "KZ")
    page.locator("[name=wished][value=GE]").check()
    send(page)
    audit.check("options answer")

    page.goto(f"{audit.base}/{lang}/help/")
    audit.check("questionnaire")
    page.select_option("[name=status]", "deserter")
    page.select_option("[name=location]", "abroad")
    send(page)
    send(page)  # no country chosen
    audit.check("questionnaire with errors")
    page.select_option("[name=country]", "KZ")
    send(page)
    audit.check("questionnaire: leaving the unit")
    send(page)
    send(page)
    page.fill("[name=children]", "1")
    send(page)
    audit.check("questionnaire: companions")
    page.fill("[name=child_0_age]", "7")
    send(page)
    page.locator("[name=help_wanted][value=legal]").check()
    page.fill("[name=story]", "A summons came; I want to leave.")
    send(page)
    assert page.locator("ol.codename code").first.is_visible()
    audit.check("codename")
    send(page)  # "I have written it down": the check of two words
    assert page.locator("#word-first").is_visible()
    audit.check("codename check")

    reply_as(coordinator, "We can help. Do not go to the enlistment office.")
    photo = tmp_path / "summons.jpg"
    photo.write_bytes(_jpeg_with_metadata())
    page.goto(f"{audit.base}/{lang}/mailbox/")
    page.fill("[name=body]", "Here is my summons.")
    page.set_input_files("[name=attachments]", photo)
    send(page)
    assert page.locator("#latest a").is_visible()
    audit.check("mailbox")

    page.goto(f"{audit.base}/{lang}/mailbox/situation/")
    audit.check("update")
    page.goto(f"{audit.base}/{lang}/mailbox/delete/")
    audit.check("delete")
    send(page)
    audit.check("deleted")

    page.goto(f"{audit.base}/{lang}/return/")
    audit.check("sign-in")
    page.fill("[name=codename]", "not a codename at all")
    send(page)
    audit.check("sign-in with an error")

    report = audit.report()
    audit.close()
    assert report == "", "axe-core found accessibility violations:\n" + report


def test_it_finds_no_violation_on_the_staff_pages(
    browser: Any, live_server: Any, axe_source: str
) -> None:
    """The staff side, signed in as a coordinator who also administers: every page they use."""

    do_import_knowledge()
    lead = make_staff("lead", Role.ADMIN, Role.COORDINATOR, Role.COUNSELOR)
    make_staff("counsel", Role.COUNSELOR)
    services.do_submit_case(case_answers())
    case = Case.objects.get()
    # Flagged, so the case page shows the emergency checklist too.
    CaseFile.objects.filter(case=case).update(detained=True)
    step = ChecklistItem.objects.create(country="", text_en="Call the lawyer", text_ru="Юрист")
    audit = Audit(browser, live_server, axe_source)
    page = audit.page
    page.goto(f"{audit.base}/ru/staff/login/")
    audit.check("login")
    page.get_by_label("Имя пользователя").fill("lead")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Продолжить").click()
    audit.check("second factor")
    page.get_by_label("Код из приложения").fill(totp_for(User.objects.get(username="lead")))
    page.get_by_role("button", name="Войти").click()
    for name, path in [
        ("overview", "/ru/staff/"),
        ("people", "/ru/staff/people/"),
        ("person", f"/ru/staff/people/{lead.pk}/"),
        ("invitations", "/ru/staff/invitations/"),
        ("audit log", "/ru/staff/audit/"),
        ("pending access", "/ru/staff/keys/pending/"),
        ("my cases", "/ru/staff/cases/"),
        ("triage", "/ru/staff/cases/triage/"),
        ("case", f"/ru/staff/cases/{case.pk}/"),
        ("routes facts", "/ru/staff/routes/"),
        ("my languages", "/ru/staff/cases/profile/"),
        ("emergency checklists", "/ru/staff/cases/checklists/"),
        ("checklist step", f"/ru/staff/cases/checklists/{step.pk}/"),
        ("password", "/ru/staff/password/"),
    ]:
        page.goto(audit.base + path)
        audit.check(name)
    audit.close()
    assert not any(audit.found.values()), audit.report()


def sign_in(audit: Audit, username: str) -> None:
    staff_sign_in(audit.page, audit.base, username)


def test_it_finds_no_violation_on_the_hosts_pages(
    browser: Any, live_server: Any, axe_source: str, tmp_path: Path
) -> None:
    """The shelter coordinator's hosts pages and the host's portal, with and without errors."""
    from sanctuary.accounts.services import do_accept_invitation
    from sanctuary.hosts.models import Host
    from sanctuary.hosts.services import do_invite_host

    shelter = make_staff("dora", Role.SHELTER_COORDINATOR)
    host, token = do_invite_host(
        name="Zarina",
        address="Street 1",
        contact="@zarina",
        country="KZ",
        city="Almaty",
        languages=["ru"],
        acting_user=shelter,
    )
    user = do_accept_invitation(token=token, username="zarina", password=PASSWORD)
    add_totp_device(user, secrets.token_bytes(20), name="phone", confirmed=True)
    audit = Audit(browser, live_server, axe_source)
    page = audit.page
    sign_in(audit, "dora")
    for name, path in [
        ("hosts", "/ru/staff/hosts/"),
        ("invite host", "/ru/staff/hosts/invite/"),
        ("import offers", "/ru/staff/hosts/import/"),
        ("offer form", f"/ru/staff/hosts/{host.pk}/offers/new/"),
    ]:
        page.goto(audit.base + path)
        audit.check(name)
    page.goto(f"{audit.base}/ru/staff/hosts/invite/")
    send(page)
    audit.check("invite host with errors")
    page.goto(f"{audit.base}/ru/staff/hosts/{host.pk}/offers/new/")
    page.fill("[name=beds]", "0")
    send(page)
    audit.check("offer form with errors")
    page.goto(f"{audit.base}/ru/staff/hosts/{host.pk}/")
    page.select_option("[name=kind]", "second_approval")
    page.locator("form[action$='/vetting/'] button[type=submit]").click()
    audit.check("host page with a refused step")
    sheet = tmp_path / "offers.csv"
    sheet.write_text(
        "name,address,country,city,beds,first_night,last_night\n"
        "A,B,KZ,Almaty,2,2099-01-01,2099-01-10\n"
        "A,B,XX,Almaty,0,2099-01-01,2099-01-10\n",
        encoding="utf-8",
    )
    page.goto(f"{audit.base}/ru/staff/hosts/import/")
    page.set_input_files("[name=sheet]", sheet)
    send(page)
    audit.check("import preview")
    send(page)  # the preview's confirmation comes first
    audit.check("import report")
    photo = tmp_path / "photo.xlsx"
    photo.write_bytes(_jpeg_with_metadata())
    page.set_input_files("[name=sheet]", photo)
    send(page)
    audit.check("import refused")
    assert Host.objects.count() == 2
    page.context.clear_cookies()
    sign_in(audit, "zarina")
    page.goto(f"{audit.base}/ru/staff/portal/")
    audit.check("host portal")
    page.goto(f"{audit.base}/ru/staff/portal/offers/new/")
    audit.check("host offer form")
    audit.close()
    assert not any(audit.found.values()), audit.report()


def test_it_finds_no_violation_on_the_shelter_pages(
    browser: Any, live_server: Any, axe_source: str
) -> None:
    """The shelter coordinators' plan, the host's page, the case page's shelter section and
    the seeker's stay, each with something in every list and a form showing its errors."""
    make_staff("lead", Role.ADMIN, Role.COORDINATOR)
    sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
    hans, host = make_host_user("hans")
    make_offer(host, beds=3)
    codename = crypto.new_codename()
    case, _codename, _keys = services.do_submit_case(
        case_answers(help_wanted=("bed",)),
        codename=codename,
    )
    file = CaseFile.objects.get(pk=case.pk)
    today = timezone.localdate()
    stay = confirmed(make_request(file, arrival=today), sheila, hans)
    Stay.objects.filter(pk=stay.pk).update(first_night=today - dt.timedelta(days=1))
    shelter.do_safety_report(stay, side="host", body="The door lock is broken.", acting_user=hans)
    approved(make_request(file, arrival=today + dt.timedelta(days=2)), sheila)
    make_request(file, arrival=today + dt.timedelta(days=1))
    make_request(file, city="Nowhere")
    shelter.do_run_matcher(sheila)

    audit = Audit(browser, live_server, axe_source)
    page = audit.page

    def log_in_as(username: str) -> None:
        staff_sign_in(page, audit.base, username)

    log_in_as("sheila")
    page.goto(f"{audit.base}/ru/staff/shelter/")
    audit.check("shelter plan")
    page.locator("form[action$='/override/'] button").click()
    audit.check("shelter plan, override with errors")
    page.get_by_role("button", name="Выйти").click()

    log_in_as("hans")
    page.goto(f"{audit.base}/ru/staff/shelter/host/")
    audit.check("host page")
    page.locator("form[action$='/report/'] button").first.click()
    audit.check("host page, report with errors")
    page.get_by_role("button", name="Выйти").click()

    log_in_as("lead")
    page.goto(f"{audit.base}/ru/staff/cases/{case.pk}/")
    audit.check("case page with stay requests")
    page.locator("form[action$='/request/'] button").click()
    audit.check("case page, stay request with errors")
    page.get_by_role("button", name="Выйти").click()

    page.goto(f"{audit.base}/ru/return/")
    page.fill("[name=codename]", codename)
    send(page)
    page.goto(f"{audit.base}/ru/mailbox/")
    assert page.locator("section.stay").count() == 1
    audit.check("mailbox with a stay")
    page.goto(f"{audit.base}/ru/mailbox/stay/{stay.pk}/report/")
    audit.check("seeker safety report")
    send(page)
    audit.check("seeker safety report with errors")
    report = audit.report()
    audit.close()
    assert report == "", "axe-core found accessibility violations:\n" + report


def test_it_finds_no_violation_on_the_referral_pages(
    browser: Any, live_server: Any, axe_source: str
) -> None:
    """Partners, the case's referral panel and form, the link and code shown once, and every
    page the partner may see."""
    from sanctuary.referrals.models import Partner, Referral

    make_staff("lead", Role.COORDINATOR, Role.COUNSELOR)
    services.do_submit_case(case_answers(contact_handle="handle"))
    case = Case.objects.get()
    partner = Partner.objects.create(organisation="Refuser Aid", country="GE", services="Legal aid")
    audit = Audit(browser, live_server, axe_source)
    page = audit.page
    page.goto(f"{audit.base}/ru/staff/login/")
    page.get_by_label("Имя пользователя").fill("lead")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_label("Код из приложения").fill(totp_for(User.objects.get(username="lead")))
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{audit.base}/ru/staff/referrals/partners/")
    audit.check("partners")
    page.locator("main form button[type=submit]").last.click()
    audit.check("partners with errors")
    page.goto(f"{audit.base}/ru/staff/referrals/partners/{partner.pk}/")
    audit.check("partner")
    page.goto(f"{audit.base}/ru/staff/cases/{case.pk}/referrals/new/")
    audit.check("new referral")
    page.locator("main form button[type=submit]").last.click()
    audit.check("new referral with errors")
    page.select_option("[name=partner]", str(partner.pk))
    page.locator("[name=items][value=case_type]").check()
    page.locator("[name=consent]").check()
    page.select_option("[name=consent_how]", "phone")
    page.locator("main form button[type=submit]").last.click()
    audit.check("referral issued")
    link = page.locator("code.referral-link").inner_text()
    code = page.locator("code.referral-code").inner_text()
    page.goto(f"{audit.base}/ru/staff/cases/{case.pk}/")
    audit.check("case with a referral")
    assert Referral.objects.filter(case=case).count() == 1

    partner_page = audit.context.new_page()
    audit.page = partner_page
    partner_page.goto(link)
    audit.check("partner: code")
    partner_page.fill("[name=code]", "12")
    send(partner_page)
    audit.check("partner: malformed code")
    partner_page.fill("[name=code]", "0000-0000" if code != "0000-0000" else "1111-1111")
    send(partner_page)
    audit.check("partner: wrong code")
    partner_page.fill("[name=code]", code)
    send(partner_page)
    audit.check("partner: packet")
    partner_page.goto(link)
    audit.check("partner: unavailable")
    audit.close()
    assert not any(audit.found.values()), audit.report()
